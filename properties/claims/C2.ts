/**
 * C2 (exact a.e.): chain rule through distances. For r = ½‖f_L(x) − f_L(x')‖² and any block ν of
 * any network, ∂r/∂w_ν = (K_ν(x) − K_ν(x'))(f_L(x) − f_L(x')); for a loss of the distances the batch
 * gradient is Σ_tuples Σ β (ΔK)(Δf). With C1 (bias-free homogeneous, a cut l):
 * ∂r/∂w_l = (K_l(x) − K_l(x'))(K_l(x) − K_l(x'))ᵀ w_l.
 * Witnesses: the hand-written backward pass, the connection form, and central finite differences.
 */
import * as fc from 'fast-check';
import { EXACT, F64, type Arith } from '../../src/numeric/arith.js';
import type { Check, ClaimRecord, Measurement, PropertyCheck } from '../../src/runner/check.js';
import type { Activation } from '../../src/network/activation.js';
import type { NetworkSpec, Params } from '../../src/network/architecture.js';
import { accumulateGrads, zeroGrads } from '../../src/network/backward.js';
import { batchLoss, connectionGradient, type Batch } from '../../src/network/batchGradient.js';
import { connections, connectionTimes, connectionTransposeTimes } from '../../src/network/connection.js';
import { forward } from '../../src/network/forward.js';
import { toArith } from '../../src/network/init.js';
import { connectionBound, magnitude } from '../../src/network/magnitude.js';
import { tolerance } from '../../src/numeric/tolerance.js';
import { parseLoss, type Loss } from '../../src/losses/index.js';
import { arbBatch, arbInputPool, arbNetwork, describeNetwork, poolSizes, type GeneratedNetwork, type NetworkConstraints } from '../generators/network.js';
import { compareIn, withinTolerance } from './compare.js';

export const record: ClaimRecord = {
  id: 'C2',
  title: 'Chain rule through distances: gradients are connection differences',
  statement: '∂r/∂w_ν = (K_ν(x) − K_ν(x′))(f_L(x) − f_L(x′)) for any block of any network; for a layer with C1, (ΔK)(ΔK)ᵀ w_l; batch gradients of any loss of the distances are Σ β (ΔK)(Δf)',
  section: 'THEORY.md §2 C2, §1.3–1.4',
  kind: 'exact',
  holdsFor: ['any differentiable loss of the distances', 'any network (bias, normalisation, tanh, softplus, GELU) for the connection form', 'the layer form as C1'],
  breaksWith: ['the layer form with a bias at or above the layer (as C1)', 'points where a gate flips'],
};

const HOMOGENEOUS: Activation[] = [{ kind: 'relu' }, { kind: 'leaky_relu', slope: 0.25 }, { kind: 'linear' }];
const ANY: Activation[] = [...HOMOGENEOUS, { kind: 'tanh' }, { kind: 'softplus' }, { kind: 'gelu' }];

interface PairCase {
  readonly net: GeneratedNetwork;
  readonly x: number[];
  readonly xp: number[];
  readonly cut: readonly number[];
}

const arbPair = (nc: NetworkConstraints): fc.Arbitrary<PairCase> => {
  const n = poolSizes(nc).inputs;
  return fc.record({ net: arbNetwork(nc), x: arbInputPool(n), xp: arbInputPool(n), pick: fc.nat() }).map(({ net, x, xp, pick }) => {
    const { arch } = net.spec;
    return { net, x: x.slice(0, arch.nInputs), xp: xp.slice(0, arch.nInputs), cut: arch.layers[pick % arch.layers.length]!.blocks };
  });
};

/** Backward-pass gradient of r = ½‖f(x) − f(x')‖² (flat per block). */
function distanceGradient<T>(A: Arith<T>, spec: NetworkSpec, params: Params<T>, x: T[], xp: T[]): { grad: T[][]; df: T[] } {
  const t = forward(A, spec, params, x);
  const tp = forward(A, spec, params, xp);
  const df = t.out.map((v, k) => A.sub(v, tp.out[k]!));
  const g = zeroGrads(A, spec);
  accumulateGrads(A, spec, params, t, df, g);
  accumulateGrads(A, spec, params, tp, df.map((v) => A.neg(v)), g);
  return { grad: g.W, df };
}

/** (K_ν(x) − K_ν(x')) applied to v, for the requested blocks. */
function deltaK<T>(A: Arith<T>, spec: NetworkSpec, params: Params<T>, x: T[], xp: T[], blocks: readonly number[]) {
  const K = connections(A, spec, params, forward(A, spec, params, x), blocks);
  const Kp = connections(A, spec, params, forward(A, spec, params, xp), blocks);
  return K.map((k, i) => ({ ...k, K: k.K.map((v, r) => A.sub(v, Kp[i]!.K[r]!)) }));
}

/** scale = Σ_{s∈{x,x'}} K̄_s·‖Δf‖₁ (K̄_s bounds |K_ν(s)| entries, magnitude.ts), ops = the longer chain. */
function pairTolerance(c: PairCase) {
  return () => {
    const { spec, params } = c.net;
    const outs = [c.x, c.xp].map((x) => forward(F64, spec, params, x));
    const df = outs[0]!.out.reduce((s, v, k) => s + Math.abs(v - outs[1]!.out[k]!), 0);
    let scale = 0;
    let ops = 0;
    [c.x, c.xp].forEach((x, i) => {
      scale += connectionBound(spec, params, x, outs[i]!.norm ?? 0) * df;
      ops = Math.max(ops, magnitude(spec, params, x).ops);
    });
    return tolerance('float64', 'identity', 2 * ops, scale);
  };
}

/** Connection form ∂r/∂w_ν = ΔK_ν Δf, every block. */
function measureConnectionForm<T>(A: Arith<T>, c: PairCase): Measurement {
  const { spec } = c.net;
  const params = toArith(A, c.net.params);
  const x = c.x.map((v) => A.from(v));
  const xp = c.xp.map((v) => A.from(v));
  const { grad, df } = distanceGradient(A, spec, params, x, xp);
  const all = spec.arch.blocks.map((b) => b.index);
  const viaK = deltaK(A, spec, params, x, xp, all).flatMap((k) => connectionTimes(A, k, df));
  return compareIn(A, grad.flat(), viaK, pairTolerance(c));
}

/** Layer form ∂r/∂w_l = ΔK_l ΔK_lᵀ w_l on a cut. */
function measureLayerForm<T>(A: Arith<T>, c: PairCase): Measurement {
  const { spec } = c.net;
  const params = toArith(A, c.net.params);
  const x = c.x.map((v) => A.from(v));
  const xp = c.xp.map((v) => A.from(v));
  const { grad } = distanceGradient(A, spec, params, x, xp);
  const dK = deltaK(A, spec, params, x, xp, c.cut);
  const u = new Array<T>(spec.arch.nOut).fill(A.zero);
  for (const k of dK) connectionTransposeTimes(A, k, params.W[k.block]!).forEach((v, i) => (u[i] = A.add(u[i]!, v)));
  const lhs = c.cut.flatMap((b) => grad[b]!);
  const rhs = dK.flatMap((k) => connectionTimes(A, k, u));
  return compareIn(A, lhs, rhs, pairTolerance(c));
}

interface BatchCase {
  readonly net: GeneratedNetwork;
  readonly batch: Batch<number>;
  readonly loss: string;
}

const LOSSES: Record<string, Loss> = {
  simp: parseLoss({ name: 'simp' }),
  'tri(τ=0.5,r0=0.25)': parseLoss({ name: 'tri', tau: 0.5, r0: 0.25 }),
  'nce(τ=0.5)': parseLoss({ name: 'nce', tau: 0.5 }),
  'official_nce(τ=0.1)': parseLoss({ name: 'official_nce', tau: 0.1 }),
  official_subtract: parseLoss({ name: 'official_subtract' }),
};

const arbBatchCase = (nc: NetworkConstraints, losses: string[]): fc.Arbitrary<BatchCase> =>
  fc.record({ net: arbNetwork(nc), loss: fc.constantFrom(...losses) }).chain(({ net, loss }) =>
    fc.record({ net: fc.constant(net), batch: arbBatch(net.spec.arch.nInputs, { maxH: loss.startsWith('tri') ? 1 : 2 }), loss: fc.constant(loss) }),
  );

/** Backward pass of a batch loss vs Σ_samples K·∂L/∂f (any network, any loss). */
function measureBatch(c: BatchCase): Measurement {
  const { spec, params } = c.net;
  const r = batchLoss(F64, spec, params, c.batch, LOSSES[c.loss]!);
  const viaK = connectionGradient(F64, spec, params, r);
  const samples = [...c.batch.x, ...c.batch.pos, ...c.batch.neg.flat()];
  const deltas = [...r.dOut.x, ...r.dOut.pos, ...r.dOut.neg.flat()];
  let scale = 0;
  let ops = 0;
  samples.forEach((x, i) => {
    const t = forward(F64, spec, params, x);
    scale += connectionBound(spec, params, x, t.norm ?? 0) * deltas[i]!.reduce((s, v) => s + Math.abs(v), 0);
    ops = Math.max(ops, magnitude(spec, params, x).ops);
  });
  return withinTolerance(r.grads.W.flat(), viaK.flat(), tolerance('float64', 'identity', ops + samples.length, scale));
}

/** Central differences of a ReLU-net L_simp batch loss (piecewise quadratic in each weight: exact away from kinks). */
function measureFiniteDifference(c: BatchCase & { readonly entry: number }): Measurement {
  const { spec, params } = c.net;
  const loss = LOSSES.simp!;
  const h = 2 ** -12;
  const flat = params.W.flat();
  const idx = c.entry % flat.length;
  let block = 0;
  let offset = idx;
  while (offset >= params.W[block]!.length) offset -= params.W[block++]!.length;
  const at = (delta: number): { value: number; gates: string } => {
    const W = params.W.map((w, b) => (b === block ? w.map((v, j) => (j === offset ? v + delta : v)) : w));
    const p = { W, b: params.b };
    const r = batchLoss(F64, spec, p, c.batch, loss);
    const gates = [...r.traces.x, ...r.traces.pos, ...r.traces.neg.flat()].map((t) => t.g.flat().map((g) => (g > 0 ? 1 : 0)).join('')).join('|');
    return { value: r.value, gates };
  };
  const mid = at(0);
  const plus = at(h);
  const minus = at(-h);
  if (plus.gates !== mid.gates || minus.gates !== mid.gates) return { ok: true, error: 0, tolerance: 0, note: 'a gate flips within ±h: skipped (C2 holds a.e.)' };
  const fd = (plus.value - minus.value) / (2 * h);
  const grad = batchLoss(F64, spec, params, c.batch, loss).grads.W[block]![offset]!;
  const samples = [...c.batch.x, ...c.batch.pos, ...c.batch.neg.flat()];
  const m = Math.max(...samples.map((x) => magnitude(spec, params, x).scale)) + h;
  const t = tolerance('float64', 'identity', magnitude(spec, params, samples[0]!).ops, (2 * m * m) / h);
  return withinTolerance([grad], [fd], { tol: t.tol, derivation: `${t.derivation}; scale = 2·M²/h, h = 2^-12 (rounding of L over 2h)` });
}

function property<V>(id: string, variant: string, expect: 'hold' | 'fail', arithmetic: 'rational' | 'float64', arb: () => fc.Arbitrary<V>, measure: (v: V) => Measurement, describe: (v: V) => unknown, runs = 80): PropertyCheck<V> {
  return { type: 'property', id, claim: 'C2', title: record.title, variant, expect, arithmetic, runs: { ci: runs, full: runs * 10 }, arbitrary: arb, measure, describe };
}

const describePair = (c: PairCase) => ({ network: describeNetwork(c.net), x: c.x, x_prime: c.xp, cut: c.cut.map((b) => c.net.spec.arch.blocks[b]!.name) });
const describeBatch = (c: BatchCase) => ({ network: describeNetwork(c.net), batch: c.batch, loss: c.loss });

export const checks: readonly Check[] = [
  property('C2/rational/connection-form', 'relu|leaky|linear with bias', 'hold', 'rational', () => arbPair({ activation: HOMOGENEOUS, bias: true }), (c) => measureConnectionForm(EXACT, c), describePair),
  property('C2/float64/connection-form', 'any activation, bias, normalisation', 'hold', 'float64', () => arbPair({ activation: ANY, bias: true, normalize: true, values: 'float' }), (c) => measureConnectionForm(F64, c), describePair),
  property('C2/float64/batch-any-loss', 'any network, every built-in loss', 'hold', 'float64', () => fc.oneof(arbBatchCase({ activation: ANY, values: 'float' }, Object.keys(LOSSES)), arbBatchCase({ activation: ANY, bias: true, normalize: true, values: 'float' }, Object.keys(LOSSES))), measureBatch, describeBatch),
  property('C2/float64/finite-difference', 'relu with bias, L_simp (backward pass vs central differences)', 'hold', 'float64', () => arbBatchCase({ bias: true }, ['simp']).chain((c) => fc.record({ net: fc.constant(c.net), batch: fc.constant(c.batch), loss: fc.constant(c.loss), entry: fc.nat() })), measureFiniteDifference, describeBatch),
  property('C2/rational/layer-form', 'bias-free relu|leaky|linear, cuts', 'hold', 'rational', () => arbPair({ activation: HOMOGENEOUS }), (c) => measureLayerForm(EXACT, c), describePair),
  property('C2/rational/layer-form-bias', 'layer form with bias', 'fail', 'rational', () => arbPair({ bias: true }), (c) => measureLayerForm(EXACT, c), describePair),
];
