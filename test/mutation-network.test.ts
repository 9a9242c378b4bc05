/**
 * src/network against oracles that share no code with it (issue 12 item 5, docs/mutation.md): the
 * forward pass against an MLP written out here, every activation against its formula, the backward
 * pass, the connections K and the batch gradient against Richardson central differences of the
 * forward pass (weights, biases, both normalisation forms), the f32 kernel sources against the values.
 */
import { describe, expect, it } from 'vitest';
import { EXACT, F64 } from '../src/numeric/arith.js';
import { Rational } from '../src/numeric/rational.js';
import { Rng } from '../src/numeric/random.js';
import { compareDerivative, richardsonDerivative } from '../src/numeric/finiteDifference.js';
import { completeTree } from '../src/hltm/tree.js';
import { mlpArchitecture, treeArchitecture, type NetworkSpec, type Params } from '../src/network/architecture.js';
import { ACTIVATION_FORMS, ACTIVATIONS, KERNEL_SCOPE, activate, activateDerivative, activationName, activationRecord, isHomogeneous, parseActivation } from '../src/network/activation.js';
import { forward } from '../src/network/forward.js';
import { accumulateGrads, backwardPre, zeroGrads } from '../src/network/backward.js';
import { connections, connectionTimes, connectionTransposeTimes, jacobians } from '../src/network/connection.js';
import { NORMALIZATIONS, formOf, normalize, normalizeVjp, outputNorm } from '../src/network/normalization.js';
import { batchLoss, connectionGradient, halfSquaredDistance } from '../src/network/batchGradient.js';
import { initParams } from '../src/network/init.js';
import { connectionBound, magnitude, pathSums } from '../src/network/magnitude.js';
import { parseLoss } from '../src/losses/index.js';
import { expectWithin, withinBound } from './support/within.js';
import { PHI_OPS, phiCdf } from './support/phiCdf.js';

/**
 * A comparison's rounding model (test/support/within.ts): `ops` the longer chain of roundings of the
 * two sides (0: both sides round identically, compared with toBe), `scale(x)` the sum of the
 * magnitudes of the terms at x.
 */
interface Rounding {
  readonly ops: number;
  scale(x: number): number;
}
/** Both sides perform the same roundings (or none): equality. */
const same = (f: (x: number) => number): Rounding => ({ ops: 0, scale: (x) => Math.abs(f(x)) });
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * ψ and ψ′ written out with Math (the oracle), each with the rounding model of its comparison with
 * src's activate / activateDerivative and the kernel sources (value: ψ(a); gate: ψ′(g)·d, one product
 * more).
 */
const PSI: Record<string, { v: (x: number) => number; d: (x: number) => number; value: Rounding; deriv: Rounding }> = {
  // max(0, x), 1[x > 0]: no rounding on either side.
  relu: { v: (x) => Math.max(0, x), d: (x) => (x > 0 ? 1 : 0), value: same((x) => Math.max(0, x)), deriv: same(() => 1) },
  // 0.1·x on both sides (src: A.mul(A.from(0.1), g); kernel: 0.1 * a; gate 0.1 * d against 3·0.1): one identical rounding.
  'leaky_relu:0.1': { v: (x) => (x > 0 ? x : 0.1 * x), d: (x) => (x > 0 ? 1 : 0.1), value: same((x) => x), deriv: same(() => 1) },
  linear: { v: (x) => x, d: () => 1, value: same((x) => x), deriv: same(() => 1) },
  tanh: {
    v: Math.tanh,
    d: (x) => 1 / Math.cosh(x) ** 2,
    value: same(Math.tanh), // Math.tanh on both sides (src A.fn('tanh'), kernel Math.tanh(a))
    // 1 − t·t (tanh, ·, −) against 1/cosh(x)² (cosh, ², /): 3; the terms of 1 − t²: 1 + t².
    deriv: { ops: 3, scale: (x) => 1 + Math.tanh(x) ** 2 },
  },
  softplus: {
    v: (x) => Math.log(1 + Math.exp(x)),
    d: (x) => Math.exp(x) / (1 + Math.exp(x)),
    // log(1 + eˣ) (exp, +, log: 3) against log1p(eˣ) (2; above 37, x itself, within half an ulp), and 1
    // more of margin: 4. Scale: the rounding of 1 + eˣ passes
    // through log with gain eˣ/(1 + eˣ) ≤ 1 (absolute ε), the final rounding ε·ψ: 1 + ψ(x).
    value: { ops: 4, scale: (x) => 1 + Math.log(1 + Math.exp(x)) },
    // 1/(1 + e^−x) against eˣ/(1 + eˣ): exp, +, / (3) each; quotients of one-signed sums: |ψ′|.
    deriv: { ops: 3, scale: (x) => 1 / (1 + Math.exp(-x)) },
  },
  gelu: {
    v: (x) => x * phiCdf(x),
    d: (x) => phiCdf(x) + (x * Math.exp(-x * x / 2)) / Math.sqrt(2 * Math.PI),
    // The oracle's chain is the longer: Φ and x·Φ, PHI_OPS + 1 (src: x/√2, erf (ERF_ROUNDINGS = 8: the F64
    // erf is a series that cancels near |t| = 2.5, 6 ulp measured at x = −3.5), 1 +, ·: 11; 0.5·x exact).
    // Terms: 0.5·|x|·(1 + |erf(x/√2)|) ≤ |x| (1 + erf cancels for x < 0: the scale is not |ψ|).
    value: { ops: PHI_OPS + 1, scale: (x) => Math.abs(x) },
    // Φ + x·φ(x): PHI_OPS + 1 (x·φ(x) rounds identically on both sides: (−x·x)/2 = (−0.5·x)·x exactly,
    // then exp, ·x, /√(2π)); terms 0.5·(1 + |erf|) + |x|φ(x) ≤ 1 + |x|φ(x).
    deriv: { ops: PHI_OPS + 1, scale: (x) => 1 + Math.abs(x) * Math.exp(-x * x / 2) * INV_SQRT_2PI },
  },
};
const POINTS = [-3.5, -1.2, -0.3, 0.4, 0.9, 2.7, 35];

/**
 * got against want under a rounding model: toBe where both sides round identically, else the
 * table's bound; `factor`: both sides multiplied by it (the kernel gate ψ′(g)·d against d·ψ′), one
 * rounding more at factor× the scale.
 */
function expectRounded(got: number, want: number, r: Rounding, x: number, what: string, factor = 1): void {
  if (r.ops === 0) expect(got, what).toBe(want);
  else expectWithin(got, want, { ops: r.ops + (factor === 1 ? 0 : 1), scale: factor * r.scale(x), what });
}

describe('activations: values, derivatives, kernel sources, text forms', () => {
  for (const [name, psi] of Object.entries(PSI)) {
    it(`${name}: ψ, ψ′ and the f32 kernel sources`, () => {
      const a = parseActivation(name);
      const rec = activationRecord(a);
      const scope = Object.keys(KERNEL_SCOPE);
      const kv = new Function(...scope, 'a', `return ${rec.kernel.value('a', a as never)};`) as (...x: unknown[]) => number;
      const kg = new Function(...scope, 'g', 'd', `return ${rec.kernel.gate('g', 'd', a as never)};`) as (...x: unknown[]) => number;
      const bound = rec.bound(a as never);
      const v0 = psi.v(0);
      for (const x of POINTS) {
        const [v, d] = [psi.v(x), psi.d(x)];
        expectRounded(activate(F64, a, x), v, psi.value, x, `${name}.value(${x})`);
        expectRounded(activateDerivative(F64, a, x), d, psi.deriv, x, `${name}.deriv(${x})`);
        expectRounded(kv(...Object.values(KERNEL_SCOPE), x), v, psi.value, x, `${name}.kernel-value(${x})`);
        expectRounded(kg(...Object.values(KERNEL_SCOPE), x, 3), 3 * d, psi.deriv, x, `${name}.kernel-gate(${x})·3`, 3);
        // The bound covers |ψ′| and the slope from 0; the offset is |ψ(0)|.
        expect(Math.abs(d)).toBeLessThanOrEqual(bound);
        // The slope's own roundings: ψ(x) (≤ value.ops), − ψ(0), /|x|: ops + 2 at (terms of ψ(x) + |ψ(0)|)/|x|.
        const slopeTol = withinBound(bound, { ops: psi.value.ops + 2, scale: (psi.value.scale(x) + Math.abs(v0)) / Math.abs(x) }).tol;
        expect(Math.abs(v - v0) / Math.abs(x)).toBeLessThanOrEqual(bound + slopeTol);
      }
      // e⁰ = 1 and 1 + 1 = 2 exactly, then log 2: one rounding (the others: ψ(0) = 0, no rounding).
      expectWithin(rec.offset, Math.abs(v0), { ops: 1, what: `${name}.offset` });
      expect(activationName(a)).toBe(name);
      expect(isHomogeneous(a)).toBe(['relu', 'leaky_relu:0.1', 'linear'].includes(name));
      expect(rec.exact).toBe(isHomogeneous(a));
      expect(rec.binaryGate).toBe(name === 'relu');
      if (rec.exact) {
        const slope = EXACT.from(0.1);
        expect(activate(EXACT, a, Rational.parse('-3/4')).toString()).toBe(name === 'relu' ? '0' : name === 'linear' ? '-3/4' : slope.mul(Rational.parse('-3/4')).toString());
        expect(activateDerivative(EXACT, a, Rational.parse('-3/4')).toString()).toBe(name === 'relu' ? '0' : name === 'linear' ? '1' : slope.toString());
        expect(activate(EXACT, a, Rational.parse('5/4')).toString()).toBe('5/4');
      } else {
        expect(() => activate(EXACT, a, Rational.ONE)).toThrow(/exact \(rational\) arithmetic cannot compute/);
      }
    });
  }

  it('the conventions at 0: ReLU′(0) = 0, leaky ReLU′(0) = slope; softplus switches to g above 37', () => {
    expect(activateDerivative(F64, { kind: 'relu' }, 0)).toBe(0);
    expect(activate(F64, { kind: 'relu' }, 0)).toBe(0);
    expect(activateDerivative(F64, { kind: 'leaky_relu', slope: 0.2 }, 0)).toBe(0.2);
    expect(activate(F64, { kind: 'softplus' }, 37)).toBe(Math.log1p(Math.exp(37)));
    expect(activate(F64, { kind: 'softplus' }, 37.5)).toBe(37.5);
    // The cut is where the dropped term log1p(e^−g) falls below half an ulp of g (at 30 it was 14 ulp).
    expect(Math.log1p(Math.exp(-37))).toBeLessThan((Number.EPSILON / 2) * 32);
    expect(Math.log1p(Math.exp(-30))).toBeGreaterThan(10 * Number.EPSILON * 16);
    expect(ACTIVATIONS.leaky_relu.bound({ slope: -3 })).toBe(3);
    expect(ACTIVATIONS.leaky_relu.bound({ slope: 0.5 })).toBe(1);
  });

  it('text forms parse, default and refuse with the field named', () => {
    expect(parseActivation('leaky_relu')).toEqual({ kind: 'leaky_relu', slope: 0.01 });
    expect(parseActivation('leaky_relu:0.25')).toEqual({ kind: 'leaky_relu', slope: 0.25 });
    expect(parseActivation('gelu')).toEqual({ kind: 'gelu' });
    expect(ACTIVATION_FORMS).toBe('relu, leaky_relu:<slope>, linear, tanh, softplus, gelu');
    expect(() => parseActivation('leaky_relu:x', 'net.act')).toThrow(/net\.act.*leaky_relu slope 'x' is not a number/);
    expect(() => parseActivation('leaky_relu:', 'a')).toThrow(/unknown activation 'leaky_relu:'/);
    expect(() => parseActivation('relu:2')).toThrow(/activation.*unknown activation 'relu:2' \(relu, leaky_relu:<slope>/);
    expect(() => parseActivation('toString')).toThrow(/unknown activation 'toString'/);
    expect(() => parseActivation(3)).toThrow(/activation.*expected a string such as "relu", got number/);
  });
});

/**
 * ‖f‖ by outputNorm (f_i², 2 adds (0 + f_0² is exact), √: 4) against Math.hypot (V8 builtins-math.cc:
 * |f_i|/max, square, a Kahan sum (≤ 2ε: two), √, ·max: 6): the longer chain, 6; the root of a
 * one-signed sum, so the scale is ‖f‖.
 */
const HYPOT_OPS = 6;

describe('normalisation: both forms against the formula and differences', () => {
  const f = [0.3, -1.2, 0.5];
  const n = Math.hypot(...f);
  it('outputNorm, normalize (plus, max; offsets), and the vector-Jacobian product', () => {
    expectWithin(outputNorm(F64, f), n, { ops: HYPOT_OPS, what: 'outputNorm' });
    expectWithin(outputNorm(F64, [9, ...f, 9], 3, 1), n, { ops: HYPOT_OPS, what: 'outputNorm' });
    const eps = 0.1;
    for (const [form, d] of [['plus', (m: number) => m + eps], ['max', (m: number) => Math.max(m, eps)]] as const) {
      const out = [0, 0, 0, 0];
      expectWithin(normalize(F64, eps, [7, ...f], out, 3, 1, 1, NORMALIZATIONS[form]), n, { ops: HYPOT_OPS, what: 'normalize.norm' });
      expect(out[0]).toBe(0);
      // The norm's HYPOT_OPS, then d(n) (n + ε: one; max: none) and f_i/d: a quotient of one-signed terms.
      f.forEach((v, i) => expectWithin(out[i + 1]!, v / d(n), { ops: HYPOT_OPS + 2, what: `normalize.${form}` }));
      for (const scale of [1, 0.02]) {
        const g = f.map((v) => v * scale);
        const delta = [0.7, 0.2, -0.9];
        const into = [5, 0, 0, 0];
        normalizeVjp(F64, eps, [1, ...g], outputNorm(F64, g), [0, ...delta], into, 3, 1, 1, 1, NORMALIZATIONS[form]);
        expect(into[0]).toBe(5);
        g.forEach((_, i) => {
          const fn = (t: number) => {
            const h = g.map((v, j) => (j === i ? v + t : v));
            const m = Math.hypot(...h);
            return h.reduce((s, v, j) => s + (delta[j]! * v) / d(m), 0);
          };
          const dd = richardsonDerivative(fn, { h: 1e-4, value: fn(0) });
          expect(dd.smooth).toBe(true);
          if (dd.smooth) expect(compareDerivative(into[i + 1]!, dd, { source: 'gradient', scale: 1, scaleText: '1' }).ok, `${form} scale ${scale} ∂${i}`).toBe(true);
        });
      }
    }
    expect(NORMALIZATIONS.max.dependsOnNorm(F64, 0.1, 0.1)).toBe(true);
    expect(NORMALIZATIONS.max.divisor(F64, 0.1, 0.1)).toBe(0.1);
    expect(NORMALIZATIONS.max.dependsOnNorm(F64, 0.05, 0.1)).toBe(false);
    expect(formOf({})).toBe(NORMALIZATIONS.plus);
    expect(formOf({ normalizeForm: 'max' })).toBe(NORMALIZATIONS.max);
    const zero = [1, 1];
    normalizeVjp(F64, 0.5, [0, 0], 0, [2, 4], zero);
    expect(zero).toEqual([4, 8]);
  });
});

/** Weights, biases and an input in general position. */
function setup(spec: NetworkSpec, seed: number): { P: Params<number>; x: number[] } {
  const rng = new Rng(seed);
  const P = initParams(spec, rng, { scheme: 'pytorch' });
  return { P, x: Array.from({ length: spec.arch.nInputs }, () => rng.range(-1.5, 1.5)) };
}
function moved(P: Params<number>, which: 'W' | 'b', block: number, r: number, t: number): Params<number> {
  return {
    W: P.W.map((w, nu) => (which === 'W' && nu === block ? w.map((v, k) => (k === r ? v + t : v)) : w)),
    b: P.b ? P.b.map((w, nu) => (which === 'b' && nu === block ? w.map((v, k) => (k === r ? v + t : v)) : w)) : null,
  };
}
/** Every parameter's derivative of f(params) against Richardson differences. */
function eachParameter(spec: NetworkSpec, P: Params<number>, claimed: (which: 'W' | 'b', nu: number, r: number) => number, f: (Q: Params<number>) => number, what: string): number {
  let compared = 0;
  for (const b of spec.arch.blocks) {
    for (const which of spec.bias ? (['W', 'b'] as const) : (['W'] as const)) {
      const count = which === 'W' ? b.out * b.in : b.out;
      for (let r = 0; r < count; r++) {
        const fn = (t: number) => f(moved(P, which, b.index, r, t));
        const dd = richardsonDerivative(fn, { h: 1e-4, value: fn(0) });
        if (!dd.smooth) continue;
        const c = compareDerivative(claimed(which, b.index, r), dd, { source: 'gradient', scale: 1, scaleText: '1' });
        expect(c.ok, `${what} ${which}${b.index}[${r}]: ${claimed(which, b.index, r)} vs ${dd.estimate}`).toBe(true);
        compared++;
      }
    }
  }
  return compared;
}

const tree = completeTree(2, 2, () => 0.5);
const SPECS: [string, NetworkSpec][] = [
  ['mlp relu bias', { arch: mlpArchitecture([3, 4, 3, 2]), activation: { kind: 'relu' }, bias: true, normalize: false, eps: 1e-4 }],
  ['mlp tanh normalised', { arch: mlpArchitecture([3, 3, 2]), activation: { kind: 'tanh' }, bias: true, normalize: true, eps: 0.05 }],
  ['mlp gelu normalised max', { arch: mlpArchitecture([2, 3, 3]), activation: { kind: 'gelu' }, bias: false, normalize: true, eps: 0.05, normalizeForm: 'max' }],
  ['tree leaky bias', { arch: treeArchitecture(tree, 3, 2), activation: { kind: 'leaky_relu', slope: 0.1 }, bias: true, normalize: false, eps: 1e-4 }],
  ['tree softplus normalised', { arch: treeArchitecture(tree, 2, 2), activation: { kind: 'softplus' }, bias: true, normalize: true, eps: 1e-4 }],
];

/** An MLP forward pass written out (the oracle for the MLP specs). */
function mlpForward(spec: NetworkSpec, P: Params<number>, x: number[]): number[] {
  const psi = PSI[activationName(spec.activation)]!.v;
  let h = x;
  spec.arch.blocks.forEach((b, l) => {
    const g = Array.from({ length: b.out }, (_, i) => h.reduce((s, v, j) => s + P.W[l]![i * b.in + j]! * v, P.b ? P.b[l]![i]! : 0));
    h = l === spec.arch.output ? g : g.map(psi);
  });
  if (!spec.normalize) return h;
  const m = Math.hypot(...h);
  const d = spec.normalizeForm === 'max' ? Math.max(m, spec.eps) : m + spec.eps;
  return h.map((v) => v / d);
}

/**
 * The forward pass against mlpForward: the same sums in the same order, ψ by the oracle's formula,
 * ‖·‖ by Math.hypot. Where ψ rounds alike on both sides and nothing is normalised, equality. Else
 * ops = magnitude's forward chain (depth·(widest + 2) + nOut + 4) + ψ's chain per hidden layer (PSI[ψ].value.ops) +
 * the normalisation (HYPOT_OPS, d(n), /: + 2); scale: the path-sum bound ḡ_L,k (network/magnitude.ts),
 * normalised (ḡ_L,k + ‖ḡ_L‖)/d(‖g_L‖) (|Δout_k| ≤ (|Δg_k| + |out_k|·‖Δg‖)/d, |out_k| ≤ 1).
 */
function expectForward(spec: NetworkSpec, P: Params<number>, x: number[], out: readonly number[], norm: number | undefined): void {
  const want = mlpForward(spec, P, x);
  const psi = PSI[activationName(spec.activation)]!;
  if (psi.value.ops === 0 && !spec.normalize) {
    expect(out).toEqual(want);
    return;
  }
  const hidden = Math.max(...spec.arch.blocks.map((b) => b.depth));
  const ops = magnitude(spec, P, x).ops + hidden * psi.value.ops + (spec.normalize ? HYPOT_OPS + 2 : 0);
  const gbar = pathSums(spec, P, x).gbar[spec.arch.output]!;
  const d = spec.normalizeForm === 'max' ? Math.max(norm!, spec.eps) : norm! + spec.eps;
  want.forEach((v, k) => expectWithin(out[k]!, v, { ops, scale: spec.normalize ? (gbar[k]! + Math.hypot(...gbar)) / d : gbar[k]!, what: `forward.out[${k}]` }));
}

describe('forward, backward and connections against differences of the forward pass', () => {
  for (const [name, spec] of SPECS) {
    it(name, () => {
      const { P, x } = setup(spec, 17);
      const tr = forward(F64, spec, P, x);
      if (spec.arch.kind === 'mlp') expectForward(spec, P, x, tr.out, tr.norm);
      expect(tr.raw).toBe(tr.g[spec.arch.output]);
      if (spec.normalize) expectWithin(tr.norm!, Math.hypot(...tr.raw), { ops: HYPOT_OPS, what: 'forward.norm' });
      else expect(tr.out).toBe(tr.raw);
      expect(tr.f[spec.arch.output]).toEqual(tr.g[spec.arch.output]);
      // A zero entry in δ: the gradient must still be accumulated (only an all-zero δ may be skipped).
      const delta = Array.from({ length: spec.arch.nOut }, (_, k) => [0.8, 0, 0.3][k]!);
      const dot = (Q: Params<number>) => forward(F64, spec, Q, x).out.reduce((s, v, k) => s + v * delta[k]!, 0);
      const grads = zeroGrads(F64, spec);
      accumulateGrads(F64, spec, P, tr, delta, grads);
      accumulateGrads(F64, spec, P, tr, delta, grads); // accumulates: twice the gradient
      const n = eachParameter(spec, P, (which, nu, r) => (which === 'W' ? grads.W[nu]![r]! : grads.b![nu]![r]!) / 2, dot, `${name} backward`);
      spec.arch.blocks.forEach((b) => {
        expect(grads.W[b.index]).toHaveLength(b.out * b.in);
        if (grads.b) expect(grads.b[b.index]).toHaveLength(b.out);
      });
      expect(n).toBeGreaterThan(5);
      // dg of the output block and of a hidden block: ∂⟨δ, out⟩/∂b = dg.
      if (spec.bias) {
        const dg = backwardPre(F64, spec, P, tr, delta);
        // ∂b accumulated twice: 0 + dg = dg, dg + dg = 2dg and /2 are exact; backwardPre is the same computation.
        dg.forEach((row, nu) => row.forEach((v, i) => expect(v).toBe(grads.b![nu]![i]! / 2)));
      }
      // K_ν's columns are ∂out_k/∂w_ν: Kᵀ e_k and K v against differences.
      const Ks = connections(F64, spec, P, tr);
      expect(Ks.map((k) => k.block)).toEqual(spec.arch.blocks.map((b) => b.index));
      const J = jacobians(F64, spec, P, tr);
      for (const K of Ks) {
        const b = spec.arch.blocks[K.block]!;
        expect([K.rows, K.cols]).toEqual([b.out * b.in, spec.arch.nOut]);
        expect(K.K).toHaveLength(K.rows * K.cols);
        for (let k = 0; k < spec.arch.nOut; k++) {
          const e = delta.map((_, j) => (j === k ? 1 : 0));
          const col = connectionTimes(F64, K, e);
          expect(col).toHaveLength(K.rows);
          for (let r = 0; r < K.rows; r++) {
            const fn = (t: number) => forward(F64, spec, moved(P, 'W', K.block, r, t), x).out[k]!;
            const dd = richardsonDerivative(fn, { h: 1e-4, value: fn(0) });
            if (dd.smooth) expect(compareDerivative(col[r]!, dd, { source: 'gradient', scale: 1, scaleText: '1' }).ok, `${name} K${K.block}[${r},${k}]`).toBe(true);
          }
        }
        // K[(i·in + a), k] = J[k, i]·input[a]: the same product of the same J (jacobians is deterministic): exact.
        for (let i = 0; i < b.out; i++) for (let a = 0; a < b.in; a++) for (let k = 0; k < K.cols; k++) {
          expect(K.K[(i * b.in + a) * K.cols + k]).toBe(J[K.block]![k]![i]! * tr.inputs[K.block]![a]!);
        }
        const w = P.W[K.block]!;
        const Kw = connectionTransposeTimes(F64, K, w);
        const viaCols = delta.map((_, k) => w.reduce((s, v, r) => s + K.K[r * K.cols + k]! * v, 0));
        // Σ_r K[r, k]·w[r] from 0 in r order on both sides (connectionTransposeTimes skips w[r] = 0, whose
        // term ±0 leaves a sum unchanged): the same roundings, exact.
        Kw.forEach((v, k) => expect(v).toBe(viaCols[k]!));
      }
    });
  }

  it('exact rationals: the forward pass of a ReLU MLP matches float64 exactly on dyadic weights', () => {
    const spec = SPECS[0]![1];
    const { P, x } = setup(spec, 5);
    const q = (v: number) => Math.round(v * 64) / 64;
    const Pd = { W: P.W.map((w) => w.map(q)), b: P.b!.map((w) => w.map(q)) };
    const xd = x.map(q);
    const R = (p: Params<number>): Params<Rational> => ({ W: p.W.map((w) => w.map((v) => EXACT.from(v))), b: p.b!.map((w) => w.map((v) => EXACT.from(v))) });
    const te = forward(EXACT, spec, R(Pd), xd.map((v) => EXACT.from(v)));
    const tf = forward(F64, spec, Pd, xd);
    expect(te.out.map((v) => v.toNumber())).toEqual([...tf.out]);
  });
});

/**
 * The longer chain of one sample's ∂L/∂W by the backward pass (dg ⊗ input) or by Σ_k K[r, k]·δ_k:
 * magnitude's gradientOps (the forward and backward passes with ψ′ and its product per block level,
 * normalizeVjp, the product J·input and a sum over a block's rows; network/magnitude.ts).
 */
function backwardChain(spec: NetworkSpec, P: Params<number>, x: readonly number[]): number {
  return magnitude(spec, P, x).gradientOps;
}

describe('the batch gradient against differences of the batch loss', () => {
  for (const [name, spec] of [SPECS[0]!, SPECS[1]!, SPECS[4]!]) {
    for (const lossSpec of [{ name: 'nce', tau: 0.5 }, { name: 'simp' }] as const) {
      it(`${name}, ${lossSpec.name}`, () => {
        const rng = new Rng(3);
        const { P } = setup(spec, 9);
        const draw = () => Array.from({ length: spec.arch.nInputs }, () => rng.range(-1, 1));
        const batch = { x: [draw(), draw()], pos: [draw(), draw()], neg: [[draw(), draw()], [draw(), draw()]] };
        const loss = parseLoss(lossSpec);
        for (const reduction of ['mean', 'sum'] as const) {
          const res = batchLoss(F64, spec, P, batch, loss, reduction);
          const n = eachParameter(spec, P, (which, nu, r) => (which === 'W' ? res.grads.W[nu]![r]! : res.grads.b![nu]![r]!), (Q) => batchLoss(F64, spec, Q, batch, loss, reduction).value, `${name} ${lossSpec.name} ${reduction}`);
          expect(n).toBeGreaterThan(5);
          const viaK = connectionGradient(F64, spec, P, res);
          // claims/chainRule.ts connectionForm's derivation: scale Σ_s K̄_s·‖δ_s‖₁ (K̄: connectionBound),
          // n = the longer per-sample chain (backwardChain) + the S samples' accumulation (8).
          const traces = [...res.traces.x, ...res.traces.pos, ...res.traces.neg.flat()];
          const deltas = [...res.dOut.x, ...res.dOut.pos, ...res.dOut.neg.flat()];
          const scale = traces.reduce((acc, t, s) => acc + connectionBound(spec, P, t.x, t.norm ?? 0) * deltas[s]!.reduce((a, v) => a + Math.abs(v), 0), 0);
          const ops = Math.max(...traces.map((t) => backwardChain(spec, P, t.x))) + traces.length;
          viaK.forEach((row, nu) => row.forEach((v, r) => expectWithin(v, res.grads.W[nu]![r]!, { ops, scale, what: `ΣKδ vs ∂W${nu}[${r}]` })));
          expect(res.betaNeg.map((r) => r.length)).toEqual([2, 2]);
          // Per output: −, square (`**` against ·), + (nOut adds); /2 exact; a one-signed sum: nOut + 2 at |want|.
          res.f.x.forEach((fx, b) => expectWithin(halfSquaredDistance(F64, fx, res.f.pos[b]!), fx.reduce((s, v, k) => s + (v - res.f.pos[b]![k]!) ** 2, 0) / 2, { ops: spec.arch.nOut + 2, what: 'halfSquaredDistance' }));
        }
      });
    }
  }

  it('refuses a similarity loss outside in-batch negatives', () => {
    const spec = SPECS[0]![1];
    const { P, x } = setup(spec, 1);
    expect(() => batchLoss(F64, spec, P, { x: [x], pos: [x], neg: [[x]] }, parseLoss({ name: 'ntxent' }))).toThrow(/negatives.*loss 'ntxent' is defined on in-batch negatives only/);
  });
});

