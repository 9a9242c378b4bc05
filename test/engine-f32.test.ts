/**
 * The hand-written f32 engine (src/engines/f32/*) against the float64 reference
 * (network/batchGradient.ts) on HLTM batches of the official network shape: every loss, bias and
 * normalisation on and off, ReLU and a smooth activation, every kernel mode, pattern tables on and
 * off; optimiser steps; evaluation forward; determinism. Tolerances: properties/claims/C2/engines/tolerance.ts.
 */
import { describe, expect, it } from 'vitest';
import { completeTree, buildTree } from '../src/hltm/tree.js';
import { parseAugmentation } from '../src/hltm/augmentation.js';
import { allocBatch, sampleBatch, type Batch as HBatch } from '../src/hltm/batch.js';
import { treeArchitecture, type NetworkSpec, type Params } from '../src/network/architecture.js';
import { ACTIVATIONS, parseActivation, RELU, type Activation } from '../src/network/activation.js';
import { initParams } from '../src/network/init.js';
import { batchLoss, type Batch } from '../src/network/batchGradient.js';
import { forward } from '../src/network/forward.js';
import { F64 } from '../src/numeric/arith.js';
import { normalize, normalizeVjp } from '../src/network/normalization.js';
import { tolerance } from '../src/numeric/tolerance.js';
import { agreementTolerance } from '../src/impl/agreementTolerance.js';
import { magnitude, pathSums } from '../src/network/magnitude.js';
import { Rng } from '../src/numeric/random.js';
import { F32Engine, unpackParams } from '../src/engines/f32/engine.js';
import { gradientTolerance, ENGINE_LOSSES as LOSSES, roundParams } from '../properties/claims/C2/index.js';
import { ADAM_DEFAULTS, flatOptimizer } from '../src/engines/optimizer.js';
import { loadBackend } from '../src/engines/backend.js';
import { correlations, correlationsFromSums, drawEvalSet } from '../src/train/evaluate.js';
import { sumsFromPre, unitLayout } from '../src/engines/unitSums.js';
import { withinBound } from './support/within.js';
import { pearsonBound } from './support/pearsonBound.js';
import { TfEngine } from '../src/engines/tfjs/engine.js';

const tree = completeTree(4, 2, (name) => (name.length % 2 ? 0.8 : -0.9));
const irregular = buildTree([[0, [0, 0, 0]], 0, [[0, 0], 0]], () => 0.75);

function setup(t = tree, o: { bias?: boolean; normalize?: boolean; activation?: Activation; hid?: number } = {}) {
  const spec: NetworkSpec = { arch: treeArchitecture(t, o.hid ?? 6), activation: o.activation ?? RELU, bias: o.bias ?? true, normalize: o.normalize ?? true, eps: 1e-4 };
  const params = roundParams(initParams(spec, new Rng(3), { scheme: 'pytorch' }));
  return { spec, params };
}

function hltmBatch(t: typeof tree, B: number, H: number, seed = 5): HBatch {
  return sampleBatch(t, parseAugmentation('root'), H, B, new Rng(seed), allocBatch(t, H, B));
}

function asRows(b: HBatch, L: number): Batch<number> {
  const rows = (a: Float32Array, n: number) => Array.from({ length: n }, (_, r) => Array.from(a.subarray(r * L, (r + 1) * L)));
  const neg = rows(b.neg, b.B * b.H);
  return { x: rows(b.anchor, b.B), pos: rows(b.pos, b.B), neg: Array.from({ length: b.B }, (_, i) => neg.slice(i * b.H, (i + 1) * b.H)) };
}

const flat = (p: Params<number>) => [...p.W.flat(), ...(p.b ? p.b.flat() : [])];

function compareGradient(spec: NetworkSpec, params: Params<number>, batch: HBatch, loss: string, engineOptions: { tableMax?: number; partialMax?: number; mode?: 'dense' | 'branch' | 'compact'; chunk?: number } = {}) {
  const L = spec.arch.nInputs;
  const rows = asRows(batch, L);
  const ref = batchLoss(F64, spec, params, rows, LOSSES[loss]!);
  const e = new F32Engine({ spec, params, loss: LOSSES[loss]!, optimizer: { name: 'sgd', lr: 0.1 }, B: batch.B, H: batch.H, ...engineOptions });
  const value = e.gradient(batch);
  const got = flat(unpackParams(e.layout, e.grad));
  const want = flat({ W: ref.grads.W, b: ref.grads.b });
  const tol = gradientTolerance(spec, params, { net: { spec, params }, batch: rows, loss }, ref);
  const err = Math.max(...got.map((v, i) => Math.abs(v - want[i]!)));
  // The loss value: float32 forward, float64 loss stage: the float32 loss agreement bound any
  // implementation gets (impl/agreementTolerance.ts: the outputs' rounding through ∂L/∂o and the loss's
  // own terms), one derivation for every engine.
  const valueTol = agreementTolerance('float32', spec, params, rows, LOSSES[loss]!, ref).loss;
  return { err, tol: tol.tol, value, refValue: ref.value, valueTol, e };
}

describe('f32 engine gradient = float64 reference', () => {
  const batch = hltmBatch(tree, 12, 2);
  const batch1 = hltmBatch(tree, 12, 1);
  for (const loss of Object.keys(LOSSES)) {
    for (const [bias, normalize] of [[true, true], [false, false], [true, false]] as const) {
      it(`${loss}, bias ${bias}, normalize ${normalize}`, () => {
        const { spec, params } = setup(tree, { bias, normalize });
        const r = compareGradient(spec, params, loss.startsWith('tri') ? batch1 : batch, loss);
        expect(r.err).toBeLessThanOrEqual(r.tol);
        expect(Math.abs(r.value - r.refValue), r.valueTol.derivation).toBeLessThanOrEqual(r.valueTol.tol);
      });
    }
  }
  for (const activation of [{ kind: 'tanh' }, { kind: 'leaky_relu', slope: 0.1 }, { kind: 'gelu' }, { kind: 'softplus' }, { kind: 'linear' }] as Activation[]) {
    it(`activation ${activation.kind}`, () => {
      const { spec, params } = setup(tree, { activation });
      const r = compareGradient(spec, params, batch, 'nce(τ=0.5)');
      expect(r.err).toBeLessThanOrEqual(r.tol);
    });
  }
  for (const mode of ['dense', 'branch', 'compact'] as const) {
    for (const [tableMax, partialMax] of [[0, 0], [4, 0], [4, 8], [32, 0], [32, 64], [256, 64]]) {
      it(`kernel mode ${mode}, tables ≤ ${tableMax}, partial ≤ ${partialMax}, chunk 5`, () => {
        const { spec, params } = setup();
        const r = compareGradient(spec, params, batch, 'official_nce(τ=0.5)', { mode, tableMax, partialMax, chunk: 5 });
        expect(r.err).toBeLessThanOrEqual(r.tol);
      });
    }
  }
  it('an irregular tree (mixed leaf and internal children), with and without tables', () => {
    for (const [tableMax, partialMax] of [[0, 0], [32, 0], [4, 64], [8, 8]]) {
      const { spec, params } = setup(irregular);
      const r = compareGradient(spec, params, hltmBatch(irregular, 10, 2), 'nce(τ=0.5)', { tableMax, partialMax });
      expect(r.err).toBeLessThanOrEqual(r.tol);
    }
  });
});

describe('f32 engine forward and steps', () => {
  it('pattern tables give the kernels\' pre-activations bit for bit, for every activation (one kernel source per activation)', () => {
    const rng = new Rng(12);
    for (const kind of Object.keys(ACTIVATIONS)) {
      const activation = parseActivation(kind === 'leaky_relu' ? 'leaky_relu:0.2' : kind);
      const { spec, params } = setup(tree, { activation });
      const S = 24;
      const x = Float32Array.from({ length: S * spec.arch.nInputs }, () => rng.int(2));
      const pre = (tableMax: number) => Array.from(new F32Engine({ spec, params, loss: LOSSES.simp!, optimizer: { name: 'sgd', lr: 0.1 }, B: 4, H: 1, tableMax, partialMax: 0 }).forwardPre(x, S));
      expect(pre(32), kind).toEqual(pre(0));
    }
  });
  it('forwardPre gives the float64 pre-activations (tables on binary inputs, kernels otherwise)', () => {
    const { spec, params } = setup();
    const e = new F32Engine({ spec, params, loss: LOSSES.simp!, optimizer: { name: 'sgd', lr: 0.1 }, B: 4, H: 1 });
    const L = spec.arch.nInputs;
    const rng = new Rng(9);
    for (const binary of [true, false]) {
      const S = 40;
      const x = Float32Array.from({ length: S * L }, () => (binary ? rng.int(2) : Math.fround(rng.range(-1, 2))));
      const G = e.forwardPre(x, S);
      const Gw = G.length / S;
      // Each pre-activation within the table's float32 engine tolerance c·n·(ε·ḡ + η) of its own
      // path-sum bound ḡ (properties/claims/C2/engines/tolerance.ts; before: 1e-5 absolute).
      let worst = 0;
      for (let s = 0; s < S; s++) {
        const xs = Array.from(x.subarray(s * L, (s + 1) * L));
        const t = forward(F64, spec, params, xs);
        const { gbar } = pathSums(spec, params, xs);
        const ops = magnitude(spec, params, xs).ops;
        let off = 0;
        for (const n of tree.internal) {
          const b = spec.arch.blocks.findIndex((blk) => blk.node === n);
          const g = t.g[b]!;
          g.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - G[s * Gw + off + i]!) / tolerance('float32', 'engine', ops, gbar[b]![i]!).tol)));
          off += g.length;
        }
      }
      expect(worst).toBeLessThanOrEqual(1);
    }
  });

  it('unitSums (histograms of table codes) = the sums of the pre-activations', () => {
    const { spec, params } = setup();
    const e = new F32Engine({ spec, params, loss: LOSSES.simp!, optimizer: { name: 'sgd', lr: 0.1 }, B: 4, H: 1 });
    const set = drawEvalSet(tree, parseAugmentation('root'), 3000, new Rng(6));
    const fast = e.unitSums(set, 700);
    const slow = sumsFromPre(spec, set, (x, S) => e.forwardPre(x, S), 512);
    // Every term (g − c, (g − c)², z·(g − c) of float32 values) is exact or one rounding in float64 and
    // the two orders of summation over the n = 3000 samples differ by rounding only: the table's
    // identity tolerance c·n·ε·Σ|terms| (before: 1e-9·max(1, |sum|)). Σ z is exact (integers).
    // Σ|terms|: the same sums of |g − c| (c: the first sample's pre-activations; |g − c| rounded to
    // float32, a relative 2⁻²⁴ below the table's margin).
    const { Gw } = unitLayout(spec);
    const first = Float64Array.from(e.forwardPre(set.x.subarray(0, spec.arch.nInputs), 1));
    const absSums = sumsFromPre(spec, set, (x, S) => e.forwardPre(x, S).map((v, j) => Math.abs(v - first[j % Gw]!)), 512);
    for (const k of ['sz', 'sg', 'sgg', 'szg'] as const) {
      fast[k].forEach((v, i) => expect(Math.abs(v - slow[k][i]!), `${k}[${i}]`).toBeLessThanOrEqual(tolerance('float64', 'identity', set.n, absSums[k][i]!).tol));
    }
    // The metric from either set of sums: each unit's correlation within the bound of its sums' rounding
    // (test/support/pearsonBound.ts, with the sums of magnitudes above), so the best per node within the
    // largest bound of its units.
    const a = correlationsFromSums(spec, fast);
    const b = correlations(spec, set, (x, S) => e.forwardPre(x, S));
    const { gpos, out } = unitLayout(spec);
    a.best.forEach((v, k) => {
      let tol = 0;
      for (let u = gpos[k]!; u < gpos[k]! + out[k]!; u++) {
        const sums = { sz: slow.sz[k]!, sg: slow.sg[u]!, sgg: slow.sgg[u]!, szg: slow.szg[u]! };
        const bound = pearsonBound(set.n, sums, { sg: absSums.sg[u]!, sgg: absSums.sgg[u]!, szg: absSums.szg[u]! });
        expect(Number.isFinite(bound.scale), `unit ${u} has a correlation to compare (nonzero variances)`).toBe(true);
        tol = Math.max(tol, withinBound(1, bound).tol);
      }
      expect(Math.abs(v - b.best[k]!), `best |corr| of node ${k}: ${v} vs ${b.best[k]}`).toBeLessThanOrEqual(tol);
    });
  });

  it('an SGD step subtracts lr·gradient (float32 rounding)', () => {
    const { spec, params } = setup();
    const batch = hltmBatch(tree, 8, 1);
    const e = new F32Engine({ spec, params, loss: LOSSES['nce(τ=0.5)']!, optimizer: { name: 'sgd', lr: 0.3 }, B: 8, H: 1 });
    const before = Float32Array.from(e.P);
    e.step(batch);
    const g = e.grad;
    for (let i = 0; i < before.length; i++) expect(e.P[i]).toBe(Math.fround(before[i]! - 0.3 * g[i]!));
  });

  it('Adam follows the PyTorch formula', () => {
    // The optimiser keeps its moments in float64 and stores each step's weight in float32; the formula
    // below stays in float64. So: t float32 roundings (the stores, relative to |w₀| + Σ|u_t|) and the
    // float64 roundings of the update, n = 3t + 6 as in the TF.js test below (scale |w₀| + Σ_t (|u_t| +
    // lr·(M_t/c₁)/(√v̂_t + ε)), M the moment of |g|): both from the table ('identity').
    const p = new Float32Array([1, -2, 0.5]);
    const opt = flatOptimizer({ name: 'adam', lr: 0.01 }, 3);
    const grads = [new Float64Array([0.1, -0.2, 0]), new Float64Array([0.3, 0.1, -1])];
    const m = [0, 0, 0];
    const mAbs = [0, 0, 0];
    const v = [0, 0, 0];
    const w = [1, -2, 0.5];
    const scale = w.map(Math.abs);
    const stored = w.map(Math.abs);
    grads.forEach((g, t) => {
      opt.step(p, g);
      for (let i = 0; i < 3; i++) {
        m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
        mAbs[i] = 0.9 * mAbs[i]! + 0.1 * Math.abs(g[i]!);
        v[i] = 0.999 * v[i]! + 0.001 * g[i]! ** 2;
        const den = Math.sqrt(v[i]! / (1 - 0.999 ** (t + 1))) + 1e-8;
        const u = (0.01 * (m[i]! / (1 - 0.9 ** (t + 1)))) / den;
        w[i] = w[i]! - u;
        scale[i] = scale[i]! + Math.abs(u) + (0.01 * (mAbs[i]! / (1 - 0.9 ** (t + 1)))) / den;
        stored[i] = stored[i]! + Math.abs(u);
      }
    });
    const t = grads.length;
    w.forEach((x, i) => {
      const tol = withinBound(x, { precision: 'float32', ops: t, scale: stored[i]! }).tol + withinBound(x, { ops: 3 * t + 6, scale: scale[i]! }).tol;
      expect(Math.abs(p[i]! - x), `w${i}: ${p[i]} vs ${x}`).toBeLessThanOrEqual(tol);
    });
    expect(opt.steps).toBe(2);
  });

  // The TF.js engine's gradient is checked against the float64 reference by the registry (C2/float32/
  // tfjs-autograd, tfjs-level-autograd); here its optimiser: each step, on the engine's own float32
  // gradient, is the formula in float64 up to float32 rounding. The bound is the table's (float32,
  // 'identity'): n roundings of the update's terms — SGD w − lr·g: n = 2, scale |w| + |lr·g|; Adam: the
  // moments m, v carry 3 roundings per step relative to the sums of their terms' magnitudes (Σ|·|, not
  // |m|, which can cancel), and √, the sum with ε, the two divisions and the subtraction add 6, so
  // n = 3t + 6 at step t with scale |w| + |u| + lr·(M/c₁)/(√v̂ + ε), M = Σ_j β₁^(t−j)(1 − β₁)|g_j|.
  it("the TF.js engine's SGD and Adam steps follow their formulas on its own gradient (float32 rounding)", async () => {
    const tf = await loadBackend('wasm');
    const { spec, params } = setup();
    const lr = 0.05;
    const { beta1: b1, beta2: b2, eps } = ADAM_DEFAULTS;
    for (const name of ['sgd', 'adam'] as const) {
      const t = new TfEngine(tf, { spec, params, loss: LOSSES['official_nce(τ=0.5)']!, optimizer: { name, lr }, B: 8, H: 1 });
      // The engine's trainable tensors, in the order of its gradients (private: read, never written here).
      const vars = (t as unknown as { net: { variables: { dataSync(): Float32Array }[] } }).net.variables;
      const m = vars.map((v) => new Float64Array(v.dataSync().length));
      const mAbs = vars.map((v) => new Float64Array(v.dataSync().length));
      const v2 = vars.map((v) => new Float64Array(v.dataSync().length));
      let moved = 0;
      for (let step = 1; step <= 3; step++) {
        const batch = hltmBatch(tree, 8, 1, 100 + step);
        const before = vars.map((v) => Float32Array.from(v.dataSync()));
        const { value, grads } = t.gradients(batch);
        const g = grads.map((x) => Float32Array.from(x.dataSync()));
        value.dispose();
        grads.forEach((x) => x.dispose());
        t.step(batch);
        const after = vars.map((v) => v.dataSync());
        const c1 = 1 - b1 ** step;
        const c2 = 1 - b2 ** step;
        before.forEach((w0, k) => {
          for (let i = 0; i < w0.length; i++) {
            const gi = g[k]![i]!;
            let u: number;
            let scale: number;
            let n: number;
            if (name === 'sgd') {
              u = lr * gi;
              scale = Math.abs(w0[i]!) + Math.abs(u);
              n = 2;
            } else {
              m[k]![i] = b1 * m[k]![i]! + (1 - b1) * gi;
              mAbs[k]![i] = b1 * mAbs[k]![i]! + (1 - b1) * Math.abs(gi);
              v2[k]![i] = b2 * v2[k]![i]! + (1 - b2) * gi * gi;
              const den = Math.sqrt(v2[k]![i]! / c2) + eps;
              u = (lr * (m[k]![i]! / c1)) / den;
              scale = Math.abs(w0[i]!) + Math.abs(u) + (lr * (mAbs[k]![i]! / c1)) / den;
              n = 3 * step + 6;
            }
            const want = w0[i]! - u;
            const tol = tolerance('float32', 'identity', n, scale);
            expect(Math.abs(after[k]![i]! - want), `${name} step ${step}, tensor ${k}[${i}]: ${tol.derivation}`).toBeLessThanOrEqual(tol.tol);
            if (after[k]![i] !== w0[i]) moved++;
          }
        });
      }
      expect(moved, `${name}: the steps move the weights`).toBeGreaterThan(0);
      t.dispose();
    }
  });

  it('is deterministic: same parameters and batches give bit-identical parameters', () => {
    const { spec, params } = setup();
    const run = () => {
      const e = new F32Engine({ spec, params, loss: LOSSES['official_nce(τ=0.5)']!, optimizer: { name: 'sgd', lr: 0.1 }, B: 16, H: 1 });
      const rng = new Rng(4);
      const b = allocBatch(tree, 1, 16);
      for (let s = 0; s < 20; s++) e.step(sampleBatch(tree, parseAugmentation('root'), 1, 16, rng, b));
      return Array.from(e.P);
    };
    expect(run()).toEqual(run());
  });

  it('reports the first non-finite parameter block', () => {
    const { spec, params } = setup();
    const e = new F32Engine({ spec, params, loss: LOSSES.simp!, optimizer: { name: 'sgd', lr: 0.1 }, B: 2, H: 1 });
    expect(e.nonFinite()).toBeNull();
    e.P[e.layout.nodes[3]!.pOff] = Number.NaN;
    expect(e.nonFinite()).toEqual({ block: spec.arch.blocks[e.layout.nodes[3]!.block]!.name, what: 'W' });
  });
});

describe('output normalisation (network/normalization.ts): one formula for the reference, the loss stage and the operator', () => {
  it('its vector-Jacobian product is (I/d − f fᵀ/(n d²))·δ, d = n + ε; at f = 0 it is δ/ε', () => {
    const rng = new Rng(21);
    const eps = 1e-4;
    for (let trial = 0; trial < 50; trial++) {
      const m = 1 + rng.int(6);
      const f = Array.from({ length: m }, () => (trial === 0 ? 0 : rng.range(-2, 2)));
      const delta = Array.from({ length: m }, () => rng.range(-1, 1));
      const out = new Array<number>(m);
      const n = normalize(F64, eps, f, out);
      const d = n + eps;
      out.forEach((o, i) => expect(o).toBe(f[i]! / d));
      const got = new Array<number>(m);
      normalizeVjp(F64, eps, f, n, delta, got);
      // Row a of the Jacobian times δ, summed in another order: m + 4 operations per entry.
      const J = (a: number, b: number) => (a === b ? 1 / d : 0) - (n === 0 ? 0 : (f[a]! * f[b]!) / (n * d * d));
      got.forEach((g, a) => {
        const terms = delta.map((v, b) => J(a, b) * v);
        const want = terms.reduceRight((x, y) => x + y, 0);
        // scale: the terms before any cancellation, |δ_a|/d + Σ_b |f_a f_b δ_b|/(n d²).
        const scale = Math.abs(delta[a]!) / d + (n === 0 ? 0 : delta.reduce((x, v, b) => x + Math.abs(f[a]! * f[b]! * v), 0) / (n * d * d));
        const { tol } = tolerance('float64', 'identity', m + 4, scale);
        expect(Math.abs(g - want)).toBeLessThanOrEqual(tol);
      });
      if (trial === 0) expect(got).toEqual(delta.map((v) => v / eps));
    }
  });
});
