/**
 * Per-block activations (NetworkSpec.activations, network/architecture.ts blockActivation): the
 * forward pass against a pass written out with Math, the backward pass (weights and biases) and the
 * connections K_ν against Richardson differences of the forward pass, the path-sum bounds, rationals,
 * and claim C1 on both sides of the tanh: f_L = K_lᵀw_l at a cut with tanh strictly below it, not at
 * a cut with tanh at or above it (docs/theory.md §2 C1).
 */
import { describe, expect, it } from 'vitest';
import { EXACT, ExactUnsupported, F64 } from '../src/numeric/arith.js';
import { Rng } from '../src/numeric/random.js';
import { compareDerivative, richardsonDerivative } from '../src/numeric/finiteDifference.js';
import { completeTree } from '../src/hltm/tree.js';
import { blockActivation, mlpArchitecture, treeArchitecture, uniformActivation, type NetworkSpec, type Params } from '../src/network/architecture.js';
import type { Activation } from '../src/network/activation.js';
import { forward } from '../src/network/forward.js';
import { accumulateGrads, zeroGrads } from '../src/network/backward.js';
import { connections, connectionTimes, jacobians } from '../src/network/connection.js';
import { initParams } from '../src/network/init.js';
import { jacobianBounds, magnitude, pathSums } from '../src/network/magnitude.js';
import { tolerance } from '../src/numeric/tolerance.js';
import { eulerIdentity } from '../src/claims/eulerIdentity.js';
import { InputError } from '../src/errors.js';
import { F32Engine } from '../src/engines/f32/engine.js';
import { parseLoss } from '../src/losses/index.js';
import { expectWithin } from './support/within.js';

const RELU: Activation = { kind: 'relu' };
const TANH: Activation = { kind: 'tanh' };
const SOFTPLUS: Activation = { kind: 'softplus' };
const LEAKY: Activation = { kind: 'leaky_relu', slope: 0.25 };
const LINEAR: Activation = { kind: 'linear' };

/** ψ written out with Math (the oracle). */
const PSI: Record<string, (x: number) => number> = {
  relu: (x) => Math.max(0, x),
  tanh: Math.tanh,
  softplus: (x) => Math.log(1 + Math.exp(x)),
  leaky_relu: (x) => (x > 0 ? x : 0.25 * x),
  linear: (x) => x,
};

/** An MLP 3 → 4 → 3 → 3 → 2 with ψ per hidden layer (the output layer is linear). */
function mlp(acts: readonly Activation[], bias: boolean): NetworkSpec {
  return { arch: mlpArchitecture([3, 4, 3, 3, 2]), activation: RELU, activations: [...acts, RELU], bias, normalize: false, eps: 1e-4 };
}

/** Weights, biases and an input in general position. */
function setup(spec: NetworkSpec, seed: number): { P: Params<number>; x: number[] } {
  const rng = new Rng(seed);
  const P = initParams(spec, rng, { scheme: 'pytorch' });
  return { P, x: Array.from({ length: spec.arch.nInputs }, () => rng.range(-1.5, 1.5)) };
}

function moved(P: Params<number>, which: 'W' | 'b', block: number, r: number, t: number): Params<number> {
  const at = (rows: readonly (readonly number[])[]) => rows.map((w, nu) => (nu === block ? w.map((v, k) => (k === r ? v + t : v)) : w));
  return { W: which === 'W' ? at(P.W) : P.W, b: P.b && which === 'b' ? at(P.b) : P.b };
}

/** A Richardson estimate of ∂f/∂(parameter) compared with `claimed`; undefined where f is not smooth there. */
function differenceOk(f: (t: number) => number, claimed: number): boolean | undefined {
  const dd = richardsonDerivative(f, { h: 1e-4, value: f(0) });
  return dd.smooth ? compareDerivative(claimed, dd, { source: 'gradient', scale: 1, scaleText: '1' }).ok : undefined;
}

const tree = completeTree(3, 2, () => 0.5);
/** A complete binary tree of depth 3 (cuts: depth 0 = root, depth 1, depth 2): tanh at depth 2, leaky ReLU at depth 1. */
function treeSpec(bias: boolean): NetworkSpec {
  const arch = treeArchitecture(tree, 2, 2);
  return { arch, activation: LEAKY, activations: arch.blocks.map((b) => (b.depth === 2 ? TANH : LEAKY)), bias, normalize: false, eps: 1e-4 };
}

describe('per-block activations: forward, backward and connections', () => {
  it('without `activations` every block has the network ψ, and a uniform list changes nothing', () => {
    const spec: NetworkSpec = { arch: mlpArchitecture([3, 4, 3, 3, 2]), activation: TANH, bias: true, normalize: false, eps: 1e-4 };
    expect(spec.arch.blocks.map((b) => blockActivation(spec, b.index))).toEqual([TANH, TANH, TANH, TANH]);
    const { P, x } = setup(spec, 2);
    const same = forward(F64, { ...spec, activations: [TANH, TANH, TANH, TANH] }, P, x);
    expect(same).toEqual(forward(F64, spec, P, x));
    expect(blockActivation({ ...spec, activations: [RELU, TANH, RELU, RELU] }, 1)).toEqual(TANH);
  });

  it('forward applies each block its own ψ (an MLP written out with Math)', () => {
    const acts = [TANH, SOFTPLUS, RELU];
    const spec = mlp(acts, true);
    const { P, x } = setup(spec, 7);
    let h = x;
    spec.arch.blocks.forEach((b, l) => {
      const g = Array.from({ length: b.out }, (_, i) => h.reduce((s, v, j) => s + P.W[l]![i * b.in + j]! * v, P.b![l]![i]!));
      h = l === spec.arch.output ? g : g.map(PSI[acts[l]!.kind]!);
    });
    const out = forward(F64, spec, P, x).out;
    // The same sums in the same order; ψ by other formulas (softplus: log(1 + eˣ) against log1p(eˣ)),
    // so the two may differ by rounding: the table's identity tolerance at the path-sum scale.
    const { ops, scale } = magnitude(spec, P, x);
    const tol = tolerance('float64', 'identity', ops, scale).tol;
    h.forEach((v, k) => expect(Math.abs(out[k]! - v)).toBeLessThanOrEqual(tol));
    // Swapping the ψ of two layers changes the output: the list is read per block.
    const swapped = forward(F64, mlp([SOFTPLUS, TANH, RELU], true), P, x).out;
    expect(swapped).not.toEqual(out);
  });

  for (const [name, spec] of [
    ['mlp tanh · softplus · relu, bias', mlp([TANH, SOFTPLUS, RELU], true)],
    ['mlp relu · tanh · leaky, bias', mlp([RELU, TANH, LEAKY], true)],
    ['tree tanh below leaky, bias', treeSpec(true)],
  ] as const) {
    it(`${name}: ∂⟨δ, out⟩/∂w, ∂⟨δ, out⟩/∂b and K_ν against differences`, () => {
      const { P, x } = setup(spec, 11);
      const tr = forward(F64, spec, P, x);
      const delta = [0.7, -0.4];
      const grads = zeroGrads(F64, spec);
      accumulateGrads(F64, spec, P, tr, delta, grads);
      const dot = (Q: Params<number>) => forward(F64, spec, Q, x).out.reduce((s, v, k) => s + v * delta[k]!, 0);
      let compared = 0;
      for (const b of spec.arch.blocks) {
        for (const which of ['W', 'b'] as const) {
          const n = which === 'W' ? b.out * b.in : b.out;
          for (let r = 0; r < n; r++) {
            const claimed = which === 'W' ? grads.W[b.index]![r]! : grads.b![b.index]![r]!;
            const ok = differenceOk((t) => dot(moved(P, which, b.index, r, t)), claimed);
            if (ok !== undefined) compared++;
            expect(ok, `${which}${b.index}[${r}]`).not.toBe(false);
          }
        }
      }
      expect(compared).toBeGreaterThan(20);
      for (const K of connections(F64, spec, P, tr)) {
        for (let k = 0; k < spec.arch.nOut; k++) {
          const col = connectionTimes(F64, K, delta.map((_, j) => (j === k ? 1 : 0)));
          for (let r = 0; r < K.rows; r++) {
            const ok = differenceOk((t) => forward(F64, spec, moved(P, 'W', K.block, r, t), x).out[k]!, col[r]!);
            expect(ok, `K${K.block}[${r},${k}]`).not.toBe(false);
          }
        }
      }
    });
  }

  it('the path-sum bounds hold block by block: |g| ≤ ḡ, |J| ≤ J̄ (softplus adds log 2, a slope-2 leaky ReLU doubles, only after its own block)', () => {
    const STEEP: Activation = { kind: 'leaky_relu', slope: 2 };
    for (let seed = 1; seed <= 20; seed++) {
      for (const acts of [[SOFTPLUS, RELU, RELU], [RELU, SOFTPLUS, TANH], [TANH, RELU, SOFTPLUS], [RELU, STEEP, TANH], [TANH, RELU, STEEP]]) {
        const spec = mlp(acts, seed % 2 === 0);
        const { P, x } = setup(spec, seed);
        // Both sides are rounded sums of products: the table's identity tolerance at the bound's own scale.
        const { ops } = magnitude(spec, P, x);
        const within = (v: number, bound: number) => Math.abs(v) <= bound + tolerance('float64', 'identity', ops, bound).tol;
        const tr = forward(F64, spec, P, x);
        const { gbar } = pathSums(spec, P, x);
        tr.g.forEach((g, nu) => g.forEach((v, i) => expect(within(v, gbar[nu]![i]!), `seed ${seed} g${nu}[${i}]`).toBe(true)));
        const jbar = jacobianBounds(spec, P);
        jacobians(F64, spec, P, tr).forEach((J, nu) => J.forEach((row) => row.forEach((v, i) => expect(within(v, jbar[nu]![i]!), `seed ${seed} J${nu}[·,${i}]`).toBe(true))));
      }
    }
    // Tight: all weights 1, inputs −1, linear · slope-2 leaky · linear: |g| = ḡ in every block.
    const steep = mlp([LINEAR, STEEP, LINEAR], false);
    const ones: Params<number> = { W: steep.arch.blocks.map((b) => new Array<number>(b.out * b.in).fill(1)), b: null };
    expect(pathSums(steep, ones, [-1, -1, -1]).gbar).toEqual(forward(F64, steep, ones, [-1, -1, -1]).g.map((g) => g.map(Math.abs)));
    expect(pathSums(steep, ones, [-1, -1, -1]).gbar[3]).toEqual([216, 216]);
    // One softplus block on zero weights: its consumer's bound is Σ|W|·log 2, the others' 0.
    const spec = mlp([RELU, SOFTPLUS, RELU], false);
    const P: Params<number> = { W: spec.arch.blocks.map((b, nu) => new Array<number>(b.out * b.in).fill(nu === 2 ? 1 : 0)), b: null };
    const { gbar } = pathSums(spec, P, [1, 1, 1]);
    expect(gbar[1]).toEqual([0, 0, 0]);
    // ((0 + LN2) + LN2) + LN2: 2·LN2 is exact, so one rounding of 3·LN2, as 3 * Math.LN2: exact.
    gbar[2]!.forEach((v) => expect(v).toBe(3 * Math.LN2));
    // softplus(0) = log1p(e⁰) (one libm rounding), then s + s exact and + s (one): 2, against 3·LN2 (one); one-signed.
    forward(F64, spec, P, [1, 1, 1]).g[2]!.forEach((v) => expectWithin(v, 3 * Math.LN2, { ops: 2, what: 'softplus(0) sum' }));
  });

  it('rationals: exact per-block activations equal float64 on dyadic values; a tanh block is refused', () => {
    const spec = mlp([LEAKY, LINEAR, RELU], true);
    const { P, x } = setup(spec, 5);
    const q = (v: number) => Math.round(v * 64) / 64;
    const Pd = { W: P.W.map((w) => w.map(q)), b: P.b!.map((w) => w.map(q)) };
    const R = { W: Pd.W.map((w) => w.map((v) => EXACT.from(v))), b: Pd.b.map((w) => w.map((v) => EXACT.from(v))) };
    const exact = forward(EXACT, spec, R, x.map(q).map((v) => EXACT.from(v)));
    expect(exact.out.map((v) => v.toNumber())).toEqual([...forward(F64, spec, Pd, x.map(q)).out]);
    expect(() => forward(EXACT, mlp([RELU, TANH, RELU], true), R, x.map(q).map((v) => EXACT.from(v)))).toThrow(ExactUnsupported);
  });

  it('uniformActivation: the one ψ of the hidden blocks, or an InputError naming the block that differs', () => {
    const spec = mlp([TANH, TANH, TANH], false);
    expect(uniformActivation(spec, 'the f32 engine')).toEqual(TANH); // the list's, not the default RELU
    expect(uniformActivation({ ...spec, activations: undefined }, 'x')).toEqual(RELU);
    expect(() => uniformActivation(mlp([TANH, RELU, TANH], false), 'the f32 engine')).toThrow(InputError);
    expect(() => uniformActivation(mlp([TANH, RELU, TANH], false), 'the f32 engine')).toThrow(/the f32 engine needs one activation for every hidden block; block 'l2' differs from 'l1'/);
    // The output block's entry is unused.
    expect(uniformActivation({ ...spec, activations: [TANH, TANH, TANH, LINEAR] }, 'x')).toEqual(TANH);
    // The f32 engine builds one activation into its kernels: it refuses per-block ones that differ.
    const mixed = treeSpec(true);
    const P = initParams(mixed, new Rng(1), { scheme: 'pytorch' });
    const options = { params: P, loss: parseLoss({ name: 'simp' }), optimizer: { name: 'sgd' as const, lr: 0.1 }, B: 2, H: 1 };
    expect(() => new F32Engine({ ...options, spec: mixed })).toThrow(/the f32 engine needs one activation for every hidden block/);
    expect(() => new F32Engine({ ...options, spec: { ...mixed, activations: undefined } })).not.toThrow();
  });
});

// "Fails" below means an error above 10⁶ times the derived rounding tolerance: a violation of the
// identity itself (tanh(g) − g·tanh′(g) = O(g³) at |g| ≈ 0.1–1), not a rounding difference.
describe('C1 across a tanh: holds at a cut with tanh strictly below, fails at and above it', () => {
  it('MLP tanh · relu · relu: holds at l2, l3 and the output, fails at l1', () => {
    const spec = mlp([TANH, RELU, RELU], false);
    for (let seed = 1; seed <= 10; seed++) {
      const { P, x } = setup(spec, seed);
      for (const cut of [[1], [2], [3]]) {
        const m = eulerIdentity(F64, spec, P, x, cut).measurement;
        expect(m.ok, `seed ${seed} cut l${cut[0]! + 1}: ${m.error} > ${m.tolerance}`).toBe(true);
      }
      const below = eulerIdentity(F64, spec, P, x, [0]).measurement;
      if (forward(F64, spec, P, x).out.some((v) => v !== 0)) expect(below.error, `seed ${seed}`).toBeGreaterThan(1e6 * below.tolerance);
    }
  });

  it('MLP relu · tanh · relu: tanh at l2 breaks l1 and l2, not l3', () => {
    const spec = mlp([RELU, TANH, RELU], false);
    let live = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const { P, x } = setup(spec, seed);
      expect(eulerIdentity(F64, spec, P, x, [2]).measurement.ok).toBe(true);
      if (forward(F64, spec, P, x).out.every((v) => v === 0)) continue; // every ReLU path closed: both sides 0
      live++;
      for (const cut of [[0], [1]]) {
        const m = eulerIdentity(F64, spec, P, x, cut).measurement;
        expect(m.error, `seed ${seed} cut l${cut[0]! + 1}`).toBeGreaterThan(1e6 * m.tolerance);
      }
    }
    expect(live).toBeGreaterThanOrEqual(5);
  });

  it('tree: tanh at depth 2 below a leaky-ReLU depth-1 cut; holds at depths 0 and 1, fails at depth 2', () => {
    const spec = treeSpec(false);
    const cut = (d: number) => spec.arch.layers.find((l) => l.name === `depth ${d}`)!.blocks;
    for (let seed = 1; seed <= 10; seed++) {
      const { P, x } = setup(spec, seed);
      expect(eulerIdentity(F64, spec, P, x, cut(0)).measurement.ok).toBe(true);
      expect(eulerIdentity(F64, spec, P, x, cut(1)).measurement.ok).toBe(true);
      const m = eulerIdentity(F64, spec, P, x, cut(2)).measurement;
      expect(m.error, `seed ${seed}`).toBeGreaterThan(1e6 * m.tolerance);
    }
  });
});
