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
import { parseLoss } from '../src/losses/index.js';

/** ψ and ψ′ written out with Math (the oracle). */
const PSI: Record<string, { v: (x: number) => number; d: (x: number) => number }> = {
  relu: { v: (x) => Math.max(0, x), d: (x) => (x > 0 ? 1 : 0) },
  'leaky_relu:0.1': { v: (x) => (x > 0 ? x : 0.1 * x), d: (x) => (x > 0 ? 1 : 0.1) },
  linear: { v: (x) => x, d: () => 1 },
  tanh: { v: Math.tanh, d: (x) => 1 / Math.cosh(x) ** 2 },
  softplus: { v: (x) => Math.log(1 + Math.exp(x)), d: (x) => Math.exp(x) / (1 + Math.exp(x)) },
  gelu: { v: (x) => x * phiCdf(x), d: (x) => phiCdf(x) + (x * Math.exp(-x * x / 2)) / Math.sqrt(2 * Math.PI) },
};
/** Φ(x) by Simpson's rule on the density (independent of erf), accurate to ~1e-13 on [-8, 8]. */
function phiCdf(x: number): number {
  const n = 2000;
  const a = Math.min(x, 0);
  const h = (Math.abs(x) || 1e-300) / n;
  const pdf = (t: number) => Math.exp(-t * t / 2) / Math.sqrt(2 * Math.PI);
  let s = pdf(a) + pdf(a + Math.abs(x));
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * pdf(a + i * h);
  const mid = (s * h) / 3; // ∫ over [min(x,0), |x| + min(x,0)]
  return x >= 0 ? 0.5 + mid : 0.5 - mid;
}
const POINTS = [-3.5, -1.2, -0.3, 0.4, 0.9, 2.7, 35];

describe('activations: values, derivatives, kernel sources, text forms', () => {
  for (const [name, psi] of Object.entries(PSI)) {
    it(`${name}: ψ, ψ′ and the f32 kernel sources`, () => {
      const a = parseActivation(name);
      const rec = activationRecord(a);
      const scope = Object.keys(KERNEL_SCOPE);
      const kv = new Function(...scope, 'a', `return ${rec.kernel.value('a', a as never)};`) as (...x: unknown[]) => number;
      const kg = new Function(...scope, 'g', 'd', `return ${rec.kernel.gate('g', 'd', a as never)};`) as (...x: unknown[]) => number;
      for (const x of POINTS) {
        const tol = 1e-12 * (1 + Math.abs(x));
        expect(Math.abs(activate(F64, a, x) - psi.v(x)), `${name}(${x})`).toBeLessThanOrEqual(tol);
        expect(Math.abs(activateDerivative(F64, a, x) - psi.d(x)), `${name}'(${x})`).toBeLessThanOrEqual(tol);
        expect(Math.abs(kv(...Object.values(KERNEL_SCOPE), x) - psi.v(x)), `kernel ${name}(${x})`).toBeLessThanOrEqual(tol);
        expect(Math.abs(kg(...Object.values(KERNEL_SCOPE), x, 3) - 3 * psi.d(x)), `kernel ${name}'(${x})·3`).toBeLessThanOrEqual(3 * tol);
        // The bound covers |ψ′| and the slope from 0; the offset is |ψ(0)|.
        expect(Math.abs(psi.d(x))).toBeLessThanOrEqual(rec.bound(a as never));
        expect(Math.abs(psi.v(x) - psi.v(0)) / Math.abs(x)).toBeLessThanOrEqual(rec.bound(a as never) + 1e-12);
      }
      expect(rec.offset).toBeCloseTo(Math.abs(psi.v(0)), 15);
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

  it('the conventions at 0: ReLU′(0) = 0, leaky ReLU′(0) = slope; softplus switches to g above 30', () => {
    expect(activateDerivative(F64, { kind: 'relu' }, 0)).toBe(0);
    expect(activate(F64, { kind: 'relu' }, 0)).toBe(0);
    expect(activateDerivative(F64, { kind: 'leaky_relu', slope: 0.2 }, 0)).toBe(0.2);
    expect(activate(F64, { kind: 'softplus' }, 30)).toBe(Math.log1p(Math.exp(30)));
    expect(activate(F64, { kind: 'softplus' }, 30.5)).toBe(30.5);
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

describe('normalisation: both forms against the formula and differences', () => {
  const f = [0.3, -1.2, 0.5];
  const n = Math.hypot(...f);
  it('outputNorm, normalize (plus, max; offsets), and the vector-Jacobian product', () => {
    expect(outputNorm(F64, f)).toBeCloseTo(n, 15);
    expect(outputNorm(F64, [9, ...f, 9], 3, 1)).toBeCloseTo(n, 15);
    const eps = 0.1;
    for (const [form, d] of [['plus', (m: number) => m + eps], ['max', (m: number) => Math.max(m, eps)]] as const) {
      const out = [0, 0, 0, 0];
      expect(normalize(F64, eps, [7, ...f], out, 3, 1, 1, NORMALIZATIONS[form])).toBeCloseTo(n, 15);
      expect(out[0]).toBe(0);
      f.forEach((v, i) => expect(out[i + 1]).toBeCloseTo(v / d(n), 15));
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

describe('forward, backward and connections against differences of the forward pass', () => {
  for (const [name, spec] of SPECS) {
    it(name, () => {
      const { P, x } = setup(spec, 17);
      const tr = forward(F64, spec, P, x);
      if (spec.arch.kind === 'mlp') mlpForward(spec, P, x).forEach((v, k) => expect(tr.out[k]).toBeCloseTo(v, 13));
      expect(tr.raw).toBe(tr.g[spec.arch.output]);
      if (spec.normalize) expect(tr.norm).toBeCloseTo(Math.hypot(...tr.raw), 14);
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
        dg.forEach((row, nu) => row.forEach((v, i) => expect(v).toBeCloseTo(grads.b![nu]![i]! / 2, 14)));
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
        // K[(i·in + a), k] = J[k, i]·input[a].
        for (let i = 0; i < b.out; i++) for (let a = 0; a < b.in; a++) for (let k = 0; k < K.cols; k++) {
          expect(K.K[(i * b.in + a) * K.cols + k]).toBeCloseTo(J[K.block]![k]![i]! * tr.inputs[K.block]![a]!, 14);
        }
        const w = P.W[K.block]!;
        const Kw = connectionTransposeTimes(F64, K, w);
        const viaCols = delta.map((_, k) => w.reduce((s, v, r) => s + K.K[r * K.cols + k]! * v, 0));
        Kw.forEach((v, k) => expect(v).toBeCloseTo(viaCols[k]!, 13));
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
          viaK.forEach((row, nu) => row.forEach((v, r) => expect(v).toBeCloseTo(res.grads.W[nu]![r]!, 12)));
          expect(res.betaNeg.map((r) => r.length)).toEqual([2, 2]);
          res.f.x.forEach((fx, b) => expect(halfSquaredDistance(F64, fx, res.f.pos[b]!)).toBeCloseTo(fx.reduce((s, v, k) => s + (v - res.f.pos[b]![k]!) ** 2, 0) / 2, 14));
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

