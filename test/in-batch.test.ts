/**
 * In-batch negatives, `loss.symmetric` and NT-Xent in `covcheck eval` (docs/case-format.md
 * "In-batch negatives"), by two independent routes:
 *  1. the explicit-negative expansion of the same batch (network/inBatchPairs.ts explicitExpansion):
 *     anchor i's in-batch loss is the explicit loss with those 2B − 2 negatives, symmetric the mean
 *     of the two directions — equal in rationals (===) and to float64 rounding (tolerance table);
 *  2. the TF.js example implementation (examples/impl-tfjs, float32 autograd, through the protocol
 *     client src/impl), judged with the agreement tolerance of the expansion.
 * Plus the schema's refusals and C2 (connection form) for in-batch cases.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXACT, F64 } from '../src/numeric/arith.js';
import { Rng } from '../src/numeric/random.js';
import { tolerance } from '../src/numeric/tolerance.js';
import { parseCase } from '../src/case/parseCase.js';
import { writeCase } from '../src/case/writeCase.js';
import { evaluateCase } from '../src/case/evaluateCase.js';
import { batchLoss, connectionGradientOf } from '../src/network/batchGradient.js';
import { inBatchLoss, pairwiseConnectionGradient } from '../src/network/inBatchGradient.js';
import { explicitExpansion } from '../src/network/inBatchPairs.js';
import { connectionBound, jacobianBounds, magnitude } from '../src/network/magnitude.js';
import { toArith } from '../src/network/init.js';
import { forward } from '../src/network/forward.js';
import { derivativeAlongDirection } from '../src/claims/chainRule.js';
import { agreementTolerance } from '../src/impl/agreementTolerance.js';
import { ImplClient, type ImplCase } from '../src/impl/index.js';
import { InputError } from '../src/errors.js';
import { parseLoss } from '../src/losses/index.js';
import { definePlugin, pluginLoss, type TupleLossPlugin } from '../src/losses/plugin/index.js';
import { BUILTIN_PLUGINS } from '../src/losses/builtin/index.js';
import type { ParsedCase } from '../src/case/schema.js';

type Json = Record<string, unknown>;
const ROOT = join(import.meta.dirname, '..');
const EXAMPLE = join(ROOT, 'examples', 'impl-tfjs', 'impl.js');

/** A random in-batch case: depth 2 binary tree, hid 3, B rows of 0/1 leaves. */
function randomCase(seed: number, o: { loss: Json; B?: number; bias?: boolean; normalize?: boolean; dyadic?: boolean; reduction?: 'mean' | 'sum' }): Json {
  const rng = new Rng(seed);
  const w = (rows: number, cols: number) =>
    Array.from({ length: rows }, () => Array.from({ length: cols }, () => (o.dyadic ? (rng.int(33) - 16) / 8 : rng.normal() / Math.sqrt(cols))));
  const weights = { s: w(3, 6), s0: w(3, 2), s1: w(3, 2) };
  const biases = o.bias ? { s: w(1, 3)[0], s0: w(1, 3)[0], s1: w(1, 3)[0] } : undefined;
  const B = o.B ?? 3;
  const row = () => Array.from({ length: 4 }, () => rng.int(2));
  return {
    depth: 2,
    children: 2,
    weights,
    ...(biases ? { biases } : {}),
    ...(o.normalize ? { normalize: true } : {}),
    ...(o.reduction ? { reduction: o.reduction } : {}),
    negatives: 'in-batch',
    batch: { x: Array.from({ length: B }, row), x_pos: Array.from({ length: B }, row) },
    loss: o.loss,
  };
}

/** The explicit case of the expansion (loss without `symmetric`). */
function expanded(c: Json): Json {
  const { negatives: _n, ...rest } = c;
  const { symmetric, ...loss } = c.loss as Json;
  const b = c.batch as { x: number[][]; x_pos: number[][] };
  const e = explicitExpansion(b.x, b.x_pos, symmetric === true);
  return { ...rest, loss, batch: { x: e.x, x_pos: e.pos, x_neg: e.neg } };
}

/** tol of a float64 gradient identity over the expansion's samples (as claims/chainRule.ts connectionForm). */
function gradTolerance(p: ParsedCase) {
  const r = batchLoss(F64, p.spec, p.params, p.batch, p.loss, p.reduction);
  const samples = [...p.batch.x, ...p.batch.pos, ...p.batch.neg.flat()];
  const deltas = [...r.dOut.x, ...r.dOut.pos, ...r.dOut.neg.flat()];
  const traces = [...r.traces.x, ...r.traces.pos, ...r.traces.neg.flat()];
  let scale = 0;
  let ops = 0;
  samples.forEach((x, i) => {
    const norm = traces[i]!.norm ?? 0;
    const k = connectionBound(p.spec, p.params, x, norm);
    const bound = p.spec.bias ? Math.max(k, ...jacobianBounds(p.spec, p.params, norm).flat()) : k;
    scale += bound * deltas[i]!.reduce((s, v) => s + Math.abs(v), 0);
    ops = Math.max(ops, magnitude(p.spec, p.params, x).gradientOps);
  });
  return tolerance('float64', 'identity', ops + samples.length, scale);
}

/**
 * The table's float64 bound on a loss value of case p (src/numeric/tolerance.ts): the longest forward
 * chain (ops of one sample), then the loss stage over the batch (an exp, an add, a log per sample:
 * 4 per sample), relative to 1 + |value|.
 */
function lossTolerance(p: ParsedCase, value: number) {
  const samples = [...p.batch.x, ...p.batch.pos, ...p.batch.neg.flat()];
  const ops = Math.max(...samples.map((x) => magnitude(p.spec, p.params, x).ops));
  return tolerance('float64', 'identity', ops + 4 * samples.length, 1 + Math.abs(value));
}

const maxDiff = (a: readonly number[], b: readonly number[]) => Math.max(0, ...a.map((v, i) => Math.abs(v - b[i]!)));
/** Every block's numbers, by node name (answers may list the nodes in another order). */
const flatGrads = (g: Json) => Object.keys(g).sort().flatMap((k) => (g[k] as number[][] | number[]).flat()) as number[];

const LOSSES: Json[] = [
  { name: 'simp' },
  { name: 'simp', symmetric: true },
  { name: 'nce', tau: 0.5 },
  { name: 'nce', tau: 0.2, symmetric: true },
  { name: 'official_nce', tau: 0.1, symmetric: true },
  { name: 'official_subtract' },
];

describe('the case schema: in-batch fields', () => {
  const base = randomCase(1, { loss: { name: 'nce', tau: 0.5 } });
  const error = (c: Json) => {
    try {
      parseCase(c);
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as InputError).message;
    }
    return 'parsed';
  };
  it('refuses x_neg with in-batch, B = 1, symmetric or ntxent without in-batch, ntxent without normalisation, bad values', () => {
    const b = base.batch as { x: number[][]; x_pos: number[][] };
    expect(error({ ...base, batch: { ...b, x_neg: b.x } })).toMatch(/^batch\.x_neg: must be absent/);
    expect(error({ ...base, batch: { x: b.x.slice(0, 1), x_pos: b.x_pos.slice(0, 1) } })).toMatch(/^batch\.x: .*B >= 2/);
    expect(error({ ...expanded(base), loss: { name: 'nce', symmetric: true } })).toMatch(/^loss\.symmetric: needs negatives "in-batch"/);
    expect(error({ ...expanded(base), loss: { name: 'ntxent' }, normalize: true })).toMatch(/^loss\.name: ntxent needs negatives "in-batch"/);
    expect(error({ ...base, loss: { name: 'ntxent', tau: 0.5 } })).toMatch(/^normalize: ntxent .* needs normalize: true/);
    expect(error({ ...base, loss: { name: 'nce', symmetric: 1 } })).toMatch(/^loss\.symmetric: expected true or false/);
    expect(error({ ...base, negatives: 'all' })).toMatch(/^negatives: expected "explicit" or "in-batch"/);
    expect(error({ ...base, loss: { name: 'tri' } })).toBe('parsed');
    expect(() => evaluateCase(parseCase({ ...base, loss: { name: 'tri' } }))).toThrow(/tri takes H = 1/);
  });
  it('eval --exact refuses ntxent and normalisation naming the field; writeCase round-trips an in-batch case', () => {
    expect(() => evaluateCase(parseCase({ ...base, normalize: true, loss: { name: 'ntxent', tau: 0.5 } }), { exact: true })).toThrow(/^normalize:/);
    expect(() => evaluateCase(parseCase({ ...base, loss: { name: 'nce', tau: 0.5, symmetric: true } }), { exact: true })).toThrow(/^loss\.name:/);
    const c = { ...base, loss: { name: 'nce', tau: 0.5, symmetric: true } };
    const w = writeCase(parseCase(c)) as unknown as Json;
    expect(w.negatives).toBe('in-batch');
    expect((w.batch as Json).x_neg).toBeUndefined();
    expect(evaluateCase(parseCase(w))).toEqual(evaluateCase(parseCase(c)));
  });
});

describe('route 1: in-batch = the explicit-negative expansion of the same batch', () => {
  let seed = 100;
  for (const loss of LOSSES) {
    for (const variant of [{}, { bias: true, normalize: true, reduction: 'sum' as const }, { B: 2, normalize: true }]) {
      it(`float64: ${JSON.stringify(loss)} ${JSON.stringify(variant)}`, () => {
        const c = randomCase(seed++, { loss, ...variant });
        const ib = evaluateCase(parseCase(c)) as { loss: number; f: Json; grads: Json; grads_bias?: Json; connection_grads: Json };
        const pe = parseCase(expanded(c));
        const ex = evaluateCase(pe) as { loss: number; grads: Json; grads_bias?: Json };
        // The same distances in the same anchor order reach the same loss code: the value is identical.
        expect(ib.loss).toBe(ex.loss);
        const tol = gradTolerance(pe);
        expect(maxDiff(flatGrads(ib.grads), flatGrads(ex.grads)), tol.derivation).toBeLessThanOrEqual(tol.tol);
        if (ex.grads_bias) expect(maxDiff(flatGrads(ib.grads_bias!), flatGrads(ex.grads_bias)), tol.derivation).toBeLessThanOrEqual(tol.tol);
        // C2: the connection form, per view and per pair.
        expect(maxDiff(flatGrads(ib.connection_grads), flatGrads(ib.grads)), tol.derivation).toBeLessThanOrEqual(tol.tol);
        const p = parseCase(c);
        const r = inBatchLoss(F64, p.spec, p.params, p.batch, p.loss, p.symmetric, p.reduction);
        expect(maxDiff(pairwiseConnectionGradient(F64, p.spec, p.params, r, false).flat(), r.grads.W.flat()), tol.derivation).toBeLessThanOrEqual(tol.tol);
        // f holds x and x_pos only.
        expect(Object.keys(ib.f)).toEqual(['x', 'x_pos']);
      });
    }
  }
  for (const loss of [{ name: 'simp' }, { name: 'simp', symmetric: true }, { name: 'official_subtract', symmetric: true }]) {
    it(`rationals (===): ${JSON.stringify(loss)}, dyadic weights, with biases`, () => {
      const c = randomCase(seed++, { loss, bias: true, dyadic: true, B: 3 });
      const ib = evaluateCase(parseCase(c), { exact: true }) as Json;
      const ex = evaluateCase(parseCase(expanded(c)), { exact: true }) as Json;
      expect(ib.loss).toBe(ex.loss);
      expect(ib.grads).toEqual(ex.grads);
      expect(ib.grads_bias).toEqual(ex.grads_bias);
      expect(ib.connection_grads).toEqual(ib.grads);
      const p = parseCase(c);
      const params = toArith(EXACT, p.params);
      const q = (rows: readonly (readonly number[])[]) => rows.map((row) => row.map((v) => EXACT.from(v)));
      const r = inBatchLoss(EXACT, p.spec, params, { x: q(p.batch.x), pos: q(p.batch.pos) }, p.loss, p.symmetric, p.reduction);
      const pairwise = pairwiseConnectionGradient(EXACT, p.spec, params, r, false);
      expect(pairwise.flat().map(String)).toEqual(r.grads.W.flat().map(String));
      expect(connectionGradientOf(EXACT, p.spec, params, r.traces, r.dOut).flat().map(String)).toEqual(r.grads.W.flat().map(String));
    });
  }
  it('ntxent = symmetric in-batch nce / τ where every output is a unit vector (eps 0, biases keep outputs off 0); C2 pairwise in similarities', () => {
    for (const tau of [1, 0.5, 0.1]) {
      const c = { ...randomCase(seed++, { loss: { name: 'ntxent', tau }, bias: true, normalize: true }), eps: 0 };
      const nt = evaluateCase(parseCase(c)) as { loss: number; grads: Json; connection_grads: Json };
      const pn = parseCase(expanded({ ...c, loss: { name: 'nce', tau, symmetric: true } }));
      const nce = evaluateCase(pn) as { loss: number; grads: Json };
      const tol = gradTolerance(pn);
      const scaled = { tol: tol.tol / tau, derivation: `${tol.derivation} ÷ τ` };
      const lt = lossTolerance(pn, nce.loss);
      expect(Math.abs(nt.loss - nce.loss / tau), lt.derivation).toBeLessThanOrEqual(lt.tol / tau);
      expect(maxDiff(flatGrads(nt.grads), flatGrads(nce.grads).map((v) => v / tau)), scaled.derivation).toBeLessThanOrEqual(scaled.tol);
      expect(maxDiff(flatGrads(nt.connection_grads), flatGrads(nt.grads))).toBeLessThanOrEqual(scaled.tol);
      const p = parseCase(c);
      const r = inBatchLoss(F64, p.spec, p.params, p.batch, p.loss, p.symmetric, p.reduction);
      expect(r.anchors).toHaveLength(2 * p.batch.x.length);
      expect(maxDiff(pairwiseConnectionGradient(F64, p.spec, p.params, r, true).flat(), r.grads.W.flat())).toBeLessThanOrEqual(scaled.tol);
    }
  });
  it('a loss plugin sees H = 2B − 2 and gives what the built-in gives', () => {
    const seen: number[] = [];
    const spy = definePlugin({ name: 'spy_nce', params: { tau: 0.5 }, loss(ops, r, p) {
      seen.push(r.neg.length);
      return (BUILTIN_PLUGINS.nce as TupleLossPlugin).loss(ops, r, p);
    } });
    const loss = pluginLoss(spy, 'test');
    seen.length = 0; // the loader's own probes
    const c = parseCase(randomCase(40, { loss: { name: 'nce', tau: 0.5, symmetric: true }, B: 4, normalize: true }));
    const viaPlugin = inBatchLoss(F64, c.spec, c.params, c.batch, loss, true);
    const builtin = inBatchLoss(F64, c.spec, c.params, c.batch, c.loss, true);
    expect(new Set(seen)).toEqual(new Set([6]));
    const lt = lossTolerance(c, builtin.value);
    expect(Math.abs(viaPlugin.value - builtin.value), lt.derivation).toBeLessThanOrEqual(lt.tol);
    expect(maxDiff(viaPlugin.grads.W.flat(), builtin.grads.W.flat())).toBeLessThanOrEqual(gradTolerance(parseCase(expanded(randomCase(40, { loss: { name: 'nce', tau: 0.5, symmetric: true }, B: 4, normalize: true })))).tol);
  });
  it('ntxent is balanced per anchor in the similarities: γ_+ = −Σ_k γ_k', () => {
    const loss = parseLoss({ name: 'ntxent', tau: 0.3 });
    const v = loss.evaluate(F64, { rPos: [0.9, -0.2], rNeg: [[0.1, 0.5, -1], [0.3, 0.3, 0.2]], dim: 2, reduction: 'sum' });
    v.betaPos.forEach((bp, a) => expect(Math.abs(bp + v.betaNeg[a]!.reduce((s, x) => s + x, 0))).toBeLessThanOrEqual(8 * Number.EPSILON * 10));
  });
});

/** normalize_form "max" with eps between the raw output norms of the case (half below, half above). */
function maxAtMedianNorm(c: Json): Json {
  const p = parseCase(c);
  const norms = interleaveRaw(p).sort((a, b) => a - b);
  const eps = Math.fround((norms[Math.floor(norms.length / 2) - 1]! + norms[Math.floor(norms.length / 2)]!) / 2);
  return { ...c, normalize_form: 'max', eps };
}
const interleaveRaw = (p: ParsedCase) => p.batch.x.concat(p.batch.pos).map((x) => Math.hypot(...forward(F64, { ...p.spec, normalize: false }, p.params, x).out));

describe('normalize_form "max" (F.normalize): the gradient is the derivative of the loss', () => {
  for (const [k, eps] of [0.3, 0.6, 1e-12].entries()) {
    it(`finite differences along the gradient, eps ${eps}`, () => {
      const c = parseCase({ ...expanded(randomCase(20 + k, { loss: { name: 'nce', tau: 0.5 }, bias: true, normalize: true })), normalize_form: 'max', eps });
      expect(c.spec.normalizeForm).toBe('max');
      const m = derivativeAlongDirection({ spec: c.spec, params: c.params, batch: c.batch, loss: c.loss, reduction: c.reduction });
      expect(m.ok, `${m.derivation} ${m.note}`).toBe(true);
    });
  }
  it('"max" differs from "plus" and round-trips through writeCase', () => {
    const base = { ...randomCase(30, { loss: { name: 'nce', tau: 0.5, symmetric: true }, bias: true, normalize: true }), eps: 0.5 };
    const plus = evaluateCase(parseCase(base)) as { loss: number };
    const max = evaluateCase(parseCase({ ...base, normalize_form: 'max' })) as { loss: number };
    expect(max.loss).not.toBe(plus.loss);
    expect((writeCase(parseCase({ ...base, normalize_form: 'max' })) as unknown as Json).normalize_form).toBe('max');
    expect((writeCase(parseCase(base)) as unknown as Json).normalize_form).toBeUndefined();
  });
});

describe('route 2: the TF.js example implementation (float32 autograd) agrees', () => {
  let impl: ImplClient;
  beforeAll(async () => {
    impl = await ImplClient.start([process.execPath, EXAMPLE].map((a) => JSON.stringify(a)).join(' '), { handshakeTimeoutMs: 60_000 });
  }, 90_000);
  afterAll(async () => {
    await impl?.close();
  });
  const fround = (v: unknown): unknown => (typeof v === 'number' ? Math.fround(v) : Array.isArray(v) ? v.map(fround) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fround(x)])) : v);
  const cases: [string, Json][] = [
    ['nce symmetric, normalised', randomCase(7, { loss: { name: 'nce', tau: 0.5, symmetric: true }, normalize: true })],
    ['simp, biases, sum', randomCase(8, { loss: { name: 'simp' }, bias: true, reduction: 'sum' })],
    ['official_nce symmetric, B = 4', randomCase(9, { loss: { name: 'official_nce', tau: 0.1, symmetric: true }, B: 4, normalize: true })],
    ['ntxent τ 0.5, biases', randomCase(10, { loss: { name: 'ntxent', tau: 0.5 }, bias: true, normalize: true })],
    ['ntxent τ 0.2, normalize_form max, eps 1e-12 (F.normalize)', { ...randomCase(11, { loss: { name: 'ntxent', tau: 0.2 }, bias: true, normalize: true }), normalize_form: 'max', eps: 1e-12 }],
    ['nce symmetric, normalize_form max, eps at the median norm (both branches)', maxAtMedianNorm(randomCase(12, { loss: { name: 'nce', tau: 0.5, symmetric: true }, bias: true, normalize: true, B: 4 }))],
    ['simp, normalize_form max, eps 0.3, explicit negatives', (() => { const c = randomCase(13, { loss: { name: 'simp' }, normalize: true }); return { ...expanded(c), normalize_form: 'max', eps: 0.3 }; })()],
  ];
  for (const [name, c0] of cases) {
    it(name, async () => {
      const c = fround(c0) as Json;
      const got = await impl.grad(c as unknown as ImplCase);
      const ours = evaluateCase(parseCase(c)) as { loss: number; f: { x: number[][]; x_pos: number[][] }; grads: Json; grads_bias?: Json };
      // Tolerance: the expansion's (the in-batch per-view ∂L/∂u are sums of the expansion's per-sample
      // ones, so its Σ‖δ‖ bounds theirs); ntxent through symmetric nce ÷ τ (the same magnitudes).
      const loss = c.loss as Json;
      const ntx = loss.name === 'ntxent';
      const tau = ntx ? (loss.tau as number) : 1;
      const pe = parseCase(c.negatives === 'in-batch' ? expanded(ntx ? { ...c, loss: { name: 'nce', tau, symmetric: true } } : c) : c);
      const ref = batchLoss(F64, pe.spec, pe.params, pe.batch, pe.loss, pe.reduction);
      const t = agreementTolerance('float32', pe.spec, pe.params, pe.batch, pe.loss, ref);
      expect(Math.abs(got.loss - ours.loss), t.loss.derivation).toBeLessThanOrEqual(t.loss.tol / tau);
      expect(maxDiff(got.f.x.flat().concat(got.f.x_pos.flat()), ours.f.x.flat().concat(ours.f.x_pos.flat())), t.f.derivation).toBeLessThanOrEqual(t.f.tol);
      if (c.normalize_form === 'max' && (c.eps as number) > 0.1) {
        // The case exercises both branches of max(‖f‖, eps).
        const norms = interleaveRaw(pe);
        expect(norms.some((n) => n < (c.eps as number)) && norms.some((n) => n > (c.eps as number))).toBe(true);
      }
      expect(maxDiff(flatGrads(got.grads as Json), flatGrads(ours.grads)), t.grads.derivation).toBeLessThanOrEqual(t.grads.tol / tau);
      if (ours.grads_bias) expect(maxDiff(flatGrads(got.grads_bias as Json), flatGrads(ours.grads_bias)), t.grads.derivation).toBeLessThanOrEqual(t.grads.tol / tau);
    }, 60_000);
  }
});
