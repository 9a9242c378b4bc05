/**
 * src/losses against oracles that share no code with it (issue 12 item 5, docs/mutation.md): each
 * loss's value against its formula written out here with Math (docs/theory.md §1.4), its weights
 * β = ∂L/∂r against Richardson central differences of that value, the plugin-format built-ins
 * against the same formulas, and the dual-number operations against their calculus rules.
 */
import { describe, expect, it } from 'vitest';
import { EXACT, F64 } from '../src/numeric/arith.js';
import { Rational } from '../src/numeric/rational.js';
import { compareDerivative, richardsonDerivative } from '../src/numeric/finiteDifference.js';
import { Dual, DualMisuse, F32, describeValue, dualOps } from '../src/losses/dual.js';
import { LOSS_NAMES, infoNceLoss, ntXentLoss, officialNceLoss, parseLoss, tripletLoss, type Loss, type Reduction } from '../src/losses/index.js';
import { logSumExp } from '../src/losses/infoNce.js';
import { sigmoid, softplus } from '../src/losses/triplet.js';
import { pluginLoss } from '../src/losses/plugin/index.js';
import { BUILTIN_PLUGINS } from '../src/losses/builtin/index.js';
import { InputError } from '../src/errors.js';
import { expectWithin, type Within } from './support/within.js';

type Batch = { rPos: number[]; rNeg: number[][]; dim: number; reduction: Reduction };
const sumOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const meanOf = (xs: readonly number[]) => sumOf(xs) / xs.length;

/** The formulas of docs/theory.md §1.4, written out with Math (the oracle). */
const FORMULA: Record<string, (b: Batch, p: Record<string, number>) => number> = {
  simp: (b) => reduce(b, (rp, rn) => rp - meanOf(rn)),
  unbalanced: (b, p) => reduce(b, (rp, rn) => rp - (p.c ?? 2) * meanOf(rn)),
  nce: (b, p) => reduce(b, (rp, rn) => -p.tau! * Math.log(Math.exp(-rp / p.tau!) / (Math.exp(-rp / p.tau!) + sumOf(rn.map((r) => Math.exp(-r / p.tau!)))))),
  tri: (b, p) => reduce(b, (rp, rn) => (p.tau === 0 ? Math.max(0, rp - rn[0]! + p.r0!) : p.tau! * Math.log(1 + Math.exp((rp - rn[0]! + p.r0!) / p.tau!)))),
  ntxent: (b, p) => reduce(b, (sp, sn) => -Math.log(Math.exp(sp / p.tau!) / (Math.exp(sp / p.tau!) + sumOf(sn.map((s) => Math.exp(s / p.tau!)))))),
  official_subtract: (b) => {
    const { P, N } = officialPN(b);
    return P - N;
  },
  official_nce: (b, p) => {
    const { P, N } = officialPN(b);
    return -Math.exp(-P / p.tau!) / (Math.exp(-P / p.tau!) + Math.exp(-N / p.tau!));
  },
};
/**
 * The rounding of a loss value against its formula: the table's c·n·(ε·scale + η) (test/support/within.ts).
 * n counts Higham's way: a sum adds 1 to the longer of its operands' chains, a product or quotient adds 1
 * to the sum of both, each exp/log/log1p counts 1, a negation is exact and not counted; n is the longest
 * of the hand-written loss, its plugin and the formula. The scale is the sum of the magnitudes of the
 * terms; where an exp reads a rounded exponent its relative error is the exponent's absolute error, so
 * the exponent's terms join the scale with the weight of that exp (lseScale, softmaxScale).
 */
interface Rounding {
  readonly ops: number;
  readonly scale: number;
}

/**
 * Σ|terms| of lse(x) = m + log Σ e^{x_i − m}: |m| + |log s|; 1 for log s of a sum that carries relative
 * roundings (log turns them into absolute ones); p_i·(|x_i| + |m|) for each exponent x_i − m, which rounds
 * relative to its terms and moves lse by p_i times that (p the softmax).
 */
function lseScale(x: readonly number[]): number {
  const m = Math.max(...x);
  const e = x.map((v) => Math.exp(v - m));
  const s = sumOf(e);
  return Math.abs(m) + Math.abs(Math.log(s)) + 1 + sumOf(x.map((v, i) => (e[i]! / s) * (Math.abs(v) + Math.abs(m))));
}

/** Σ|terms| of p_j = softmax_j(x), relative: p_j·(1 + (1 − p_j)·A_j + Σ_{i≠j} p_i·A_i), A_i = |x_i| + |m| the exponents' terms. */
function softmaxScale(x: readonly number[], j: number): number {
  const m = Math.max(...x);
  const e = x.map((v) => Math.exp(v - m));
  const p = e.map((v) => v / sumOf(e));
  const a = x.map((v) => Math.abs(v) + Math.abs(m));
  return p[j]! * (1 + sumOf(a.map((ai, i) => (i === j ? 1 - p[j]! : p[i]!) * ai)));
}

/** Per tuple (r_+, r_k−): its chain and Σ|terms|. */
const TUPLE_ROUNDING: Record<string, (rp: number, rn: number[], p: Record<string, number>) => Rounding> = {
  // H adds of Σ r_k, the product with 1/H (1 + H + 1), the subtract: H + 3 (plugin and formula: Σ, /H, −: H + 2); terms of one sign
  simp: (rp, rn) => ({ ops: rn.length + 3, scale: rp + meanOf(rn) }),
  // the plugin and the formula: Σ (H), /H, ·c, −: H + 3
  unbalanced: (rp, rn, p) => ({ ops: rn.length + 3, scale: rp + (p.c ?? 2) * meanOf(rn) }),
  // −r/τ (1), x − m (2), exp (3), H + 1 adds (H + 4), log, + m, ·τ, + r_+: H + 8; the formula: e^{−r_+/τ} (2) over the
  // sum of H + 1 exps (H + 3): H + 6, log, ·τ: H + 8; terms r_+ and τ·(those of lse over the logits −r/τ)
  nce: (rp, rn, p) => ({ ops: rn.length + 8, scale: rp + p.tau! * lseScale([rp, ...rn].map((r) => -r / p.tau!)) }),
  // s/τ (1), x − m (2), exp, H + 1 adds, log, + m, − s_+/τ: H + 7; the formula: e^{s_+/τ} (2) over H + 1 exps (H + 3), log: H + 7
  ntxent: (sp, sn, p) => ({ ops: sn.length + 7, scale: Math.abs(sp) / p.tau! + lseScale([sp, ...sn].map((s) => s / p.tau!)) }),
  // u = r_+ − r_− + r_0 (2), /τ (3), exp, log1p, + u (6), ·τ: 7 (formula: /τ 3, exp, 1 +, log, ·τ: 7); the hinge: u (2), max exact.
  // u rounds relative to r_+ + r_− + |r_0| and τ·softplus(u/τ) has slope σ ≤ 1; the terms of τ·softplus are of one sign (ℓ);
  // log1p of a relatively rounded argument errs absolutely: τ·1
  tri: (rp, rn, p) => {
    const u = rp - rn[0]! + p.r0!;
    const l = p.tau === 0 ? Math.max(0, u) : Math.max(0, u) + p.tau! * Math.log1p(Math.exp(-Math.abs(u) / p.tau!));
    return { ops: p.tau === 0 ? 2 : 7, scale: rp + rn[0]! + Math.abs(p.r0!) + l + p.tau! };
  },
};

/** The loss value's rounding on a batch: per tuple, then the reduction Σ_b (B adds) · (1/B) (2 more); or the batch losses'. */
function roundingOf(name: string, b: Batch, p: Record<string, number>): Rounding {
  const B = b.rPos.length;
  const H = b.rNeg[0]!.length;
  if (name === 'official_subtract' || name === 'official_nce') {
    const { P, N } = officialPN(b);
    // p = (2/(B·d))·Σ r_b+ (1 + B + 1), n likewise (BH + 2), p − n: BH + 3; the formula: Σ (BH), ·2, /(B·H·d): BH + 2, P − N: BH + 3;
    // the plugin: Σ, mean's /B (BH + 1), ·2, /d, −: BH + 4. Terms P and N (both ≥ 0).
    if (name === 'official_subtract') return { ops: B * H + 4, scale: P + N };
    // the exponent (N − P)/τ: BH + 5 for the plugin, its rounding relative to (P + N)/τ moving −σ by q(1 − q) times that;
    // σ's own exp, 1 +, divide, and the quotient's numerator again: 4, so BH + 9; the formula: P/τ (BH + 3) then e^{−P/τ} over
    // e^{−P/τ} + e^{−N/τ}: the same exponent terms, 4 own operations
    const q = Math.exp(-P / p.tau!) / (Math.exp(-P / p.tau!) + Math.exp(-N / p.tau!));
    return { ops: B * H + 9, scale: q + (q * (1 - q) * (P + N)) / p.tau! };
  }
  const per = b.rPos.map((rp, i) => TUPLE_ROUNDING[name]!(rp, b.rNeg[i]!, p));
  return { ops: Math.max(...per.map((r) => r.ops)) + B + 2, scale: sumOf(per.map((r) => r.scale)) / (b.reduction === 'mean' ? B : 1) };
}

function reduce(b: Batch, l: (rp: number, rn: number[]) => number): number {
  const s = sumOf(b.rPos.map((rp, i) => l(rp, b.rNeg[i]!)));
  return b.reduction === 'mean' ? s / b.rPos.length : s;
}
/** p = (1/(B·d)) Σ_b ‖f − f₊‖² = 2 Σ r₊/(B·d), n likewise averaged over k; 'sum' drops B. */
function officialPN(b: Batch): { P: number; N: number } {
  const B = b.reduction === 'mean' ? b.rPos.length : 1;
  const H = b.rNeg[0]!.length;
  return { P: (2 * sumOf(b.rPos)) / (B * b.dim), N: (2 * sumOf(b.rNeg.flat())) / (B * H * b.dim) };
}

/** value and every β against the formula and its Richardson differences. */
function checkLoss(loss: Loss, formula: (b: Batch) => number, b: Batch, what: string, rounding: (b: Batch) => Rounding): void {
  const got = loss.evaluate(F64, b);
  const want = formula(b);
  expectWithin(got.value, want, { ...rounding(b), what: `${what}: value` }); // ops and scale: roundingOf (the loss's chain, then the reduction)
  expect(got.betaPos).toHaveLength(b.rPos.length);
  expect(got.betaNeg.map((r) => r.length)).toEqual(b.rNeg.map((r) => r.length));
  const at = (pos: number, k: number) => (t: number) =>
    formula({ ...b, rPos: b.rPos.map((r, i) => (k < 0 && i === pos ? r + t : r)), rNeg: b.rNeg.map((row, i) => row.map((r, j) => (i === pos && j === k ? r + t : r))) });
  const cmp = (claimed: number, f: (t: number) => number, name: string) => {
    const d = richardsonDerivative(f, { h: 1e-3, value: want });
    expect(d.smooth, `${what} ${name} smooth`).toBe(true);
    if (!d.smooth) return;
    const c = compareDerivative(claimed, d, { source: 'loss-weight', scale: 1, scaleText: '1' });
    expect(c.ok, `${what} ${name}: ${claimed} vs ${d.estimate} (${c.derivation})`).toBe(true);
  };
  b.rPos.forEach((_, i) => cmp(got.betaPos[i]!, at(i, -1), `β+[${i}]`));
  b.rNeg.forEach((row, i) => row.forEach((_, k) => cmp(got.betaNeg[i]![k]!, at(i, k), `β[${i}][${k}]`)));
}

const batches = (H: number): Batch[] => [
  { rPos: [0.3, 1.25, 0.05], rNeg: [[0.5, 0.1, 2.5].slice(0, H), [2, 0.7, 1.1].slice(0, H), [0.4, 3, 0.2].slice(0, H)], dim: 3, reduction: 'mean' },
  { rPos: [0.8, 0.15], rNeg: [[0.25, 1.5, 0.6].slice(0, H), [1.7, 0.35, 0.9].slice(0, H)], dim: 2, reduction: 'sum' },
];

const CASES: [string, Record<string, number>, number][] = [
  ['simp', {}, 3],
  ['nce', { tau: 0.3 }, 3],
  ['nce', { tau: 2 }, 1],
  ['tri', { tau: 0.5, r0: 0.25 }, 1],
  ['tri', { tau: 0, r0: 0.1 }, 1],
  ['official_nce', { tau: 0.4 }, 3],
  ['official_subtract', {}, 3],
  ['ntxent', { tau: 0.5 }, 3],
];

describe('the hand-written losses: value by the formula, β by differences of the value', () => {
  for (const [name, params, H] of CASES) {
    it(`${name} ${JSON.stringify(params)} H=${H}`, () => {
      const loss = parseLoss({ name, ...params });
      expect(loss.name).toBe(name);
      expect(loss.perTuple).toBe(!name.startsWith('official'));
      expect(loss.rational).toBe(name === 'simp' || name === 'official_subtract');
      expect(loss.params).toEqual(name === 'tri' ? params : name === 'simp' || name === 'official_subtract' ? {} : { tau: params.tau });
      for (const b of batches(H)) checkLoss(loss, (x) => FORMULA[name]!(x, params), b, `${name} ${b.reduction}`, (x) => roundingOf(name, x, params));
    });
  }

  it('the plugin-format built-ins give the same values and weights (by the formulas, also for unbalanced)', () => {
    const plugins: [string, Record<string, number>, number][] = [...CASES.filter(([n]) => n !== 'ntxent'), ['unbalanced', {}, 3], ['unbalanced', { c: 3 }, 2]];
    for (const [name, params, H] of plugins) {
      const loss = pluginLoss(BUILTIN_PLUGINS[name]!, `builtin:${name}`, params);
      expect(loss.perTuple, name).toBe(!name.startsWith('official'));
      for (const b of batches(H)) checkLoss(loss, (x) => FORMULA[name]!(x, { c: 2, ...params }), b, `plugin ${name} ${JSON.stringify(params)} ${b.reduction}`, (x) => roundingOf(name, x, { c: 2, ...params }));
    }
    expect(Object.keys(BUILTIN_PLUGINS).sort()).toEqual(['nce', 'official_nce', 'official_subtract', 'simp', 'tri', 'unbalanced']);
    expect(pluginLoss(BUILTIN_PLUGINS.nce!, 'x').params).toEqual({ tau: 1 });
    expect(pluginLoss(BUILTIN_PLUGINS.tri!, 'x').params).toEqual({ tau: 1, r0: 0 });
    expect(pluginLoss(BUILTIN_PLUGINS.official_nce!, 'x').params).toEqual({ tau: 0.1 });
    expect(BUILTIN_PLUGINS.tri!.negatives).toBe(1);
    for (const n of ['nce', 'official_nce']) {
      expect(() => pluginLoss(BUILTIN_PLUGINS[n]!, 'x', { tau: 0 })).toThrow(/tau must be > 0, got 0/);
      expect(() => pluginLoss(BUILTIN_PLUGINS[n]!, 'x', { tau: -1 })).toThrow(/tau must be > 0, got -1/);
    }
    expect(() => pluginLoss(BUILTIN_PLUGINS.tri!, 'x', { tau: -0.5 })).toThrow(/tau must be >= 0, got -0.5/);
    expect(() => pluginLoss(BUILTIN_PLUGINS.tri!, 'x', { tau: 0 })).not.toThrow();
  });

  it('rational losses run exactly; the official weights and value are exact fractions', () => {
    const b = { rPos: [Rational.parse('1/3'), Rational.parse('1/2')], rNeg: [[Rational.ONE, Rational.parse('1/4')], [Rational.parse('3/2'), Rational.ZERO]], dim: 3, reduction: 'mean' as const };
    const s = parseLoss({ name: 'official_subtract' }).evaluate(EXACT, b);
    // p = 2(1/3 + 1/2)/(2·3) = 5/18, n = 2(11/4)/(2·2·3) = 11/24; β₊ = 2/(B d) = 1/3, β_k = −2/(B H d) = −1/6.
    expect([s.value, ...s.betaPos, ...s.betaNeg.flat()].map(String)).toEqual(['-13/72', '1/3', '1/3', '-1/6', '-1/6', '-1/6', '-1/6']);
    const p = pluginLoss(BUILTIN_PLUGINS.official_subtract!, 'x').evaluate(EXACT, { ...b, reduction: 'sum' });
    expect([p.value, p.betaPos[0], p.betaNeg[0]![0]].map(String)).toEqual(['-13/36', '2/3', '-1/3']);
    const simp = parseLoss({ name: 'simp' }).evaluate(EXACT, { ...b, reduction: 'sum' });
    expect([simp.value, ...simp.betaPos, ...simp.betaNeg.flat()].map(String)).toEqual(['-13/24', '1', '1', '-1/2', '-1/2', '-1/2', '-1/2']);
  });
});

describe('stability and edges of the hand-written losses', () => {
  it('logSumExp subtracts the maximum: no overflow or underflow at extreme logits', () => {
    const x = [-1e4, -1e4 - Math.log(3)];
    const { lse, softmax } = logSumExp(x);
    // x₁ (a log, a subtract: 2), x₁ − m, exp, 2 adds, log, + m: 8 operations (the wanted side: 4/3, log, +: 3); x₁'s rounding is
    // relative to 10⁴ and enters through the exponent x₁ − m (lseScale's exponent terms)
    expectWithin(lse, -1e4 + Math.log(4 / 3), { ops: 8, scale: lseScale(x), what: 'lse at −1e4' });
    // p_j = e_j/s: x₁ (2), x₁ − m (3), and the quotient of e_j (exp: 1) by s (exp, 2 adds: 3): 1 + 3 + 1 = 5 own: 8 operations;
    // the exponent's rounding (relative to 10⁴) moves p_j by p_j·p_i times it (softmaxScale)
    expectWithin(softmax[0]!, 0.75, { ops: 8, scale: softmaxScale(x, 0), what: 'softmax 0 at −1e4' });
    expectWithin(softmax[1]!, 0.25, { ops: 8, scale: softmaxScale(x, 1), what: 'softmax 1 at −1e4' });
    // Exact: e = (1, 1) and s = 2 exactly, so both sides compute log 2 and then 800 + log 2
    expect(logSumExp([800, 800]).lse).toBe(800 + Math.log(2));
    const tiny = { rPos: [2], rNeg: [[3, 2.5]], dim: 1, reduction: 'mean' as const };
    const nce = parseLoss({ name: 'nce', tau: 0.001 }).evaluate(F64, tiny);
    expect(Number.isFinite(nce.value)).toBe(true);
    // r_+ + τ·lse cancels to τ·log(1 + e^{−500} + e^{−1000}) ≈ 7e-221: nce's bound on this batch (roundingOf: H + 8 + B + 2 = 13
    // operations; the terms r_+ and τ·|lse| ≈ 2 each and the exponents' τ·(|x_i| + |m|) ≈ 4)
    expectWithin(nce.value, 0.001 * Math.log1p(Math.exp(-500) + Math.exp(-1000)), { ...roundingOf('nce', tiny, { tau: 0.001 }), what: 'nce value at τ = 1e-3' });
    expect(nce.betaPos[0]).toBeGreaterThan(0);
    // The logits −r/τ round to −2000, −3000, −2500, so the exponent −500 is exact; then exp (1), the sum 0 + 1 + e^{−1000} + e^{−500}
    // (3 adds: 4), the quotient (1 + 4 + 1 = 6), the reduction's 1/B and product: 8 operations, relative (deep underflow: scale |want|);
    // the softmax's denominator exceeds 1 by e^{−500}, a relative 7e-218 (far below ε)
    expect([-2 / 0.001, -3 / 0.001, -2.5 / 0.001]).toEqual([-2000, -3000, -2500]);
    expectWithin(nce.betaNeg[0]![1]!, -Math.exp(-500), { ops: 8, what: 'β₂ at τ = 1e-3' });
    expect(nce.betaNeg[0]![1]).toBeLessThan(0);
  });

  it('softplus and sigmoid are stable at both ends and exact at 0', () => {
    expect(softplus(0)).toBe(Math.log(2));
    expect(softplus(800)).toBe(800);
    expect(softplus(-800)).toBe(0);
    expect(softplus(40)).toBe(40 + Math.log1p(Math.exp(-40)));
    // softplus(−x) = log1p(e^{−x}) and 0 ≤ y − log1p(y) ≤ y²/2: truncation e^{−40}/2 relative; exp, log1p: 2 operations
    expectWithin(softplus(-40), Math.exp(-40), { ops: 2, what: 'softplus(−40)', truncation: (Math.exp(-40) * Math.exp(-40)) / 2, why: 'y − log1p(y) ≤ y²/2' });
    // softplus(u) − log 2 ∈ [u/2, u] for u ≥ 0 (slope σ ∈ [½, 1]): truncation u = 1e-300; exp, log1p, + u: 3 operations
    // (the wanted side: log 2, 1), terms u and log1p(e^{−u}) ≈ log 2
    expectWithin(softplus(1e-300), Math.LN2, { ops: 3, scale: Math.LN2 + 1e-300, what: 'softplus(1e-300)', truncation: 1e-300, why: 'softplus(u) − log 2 ≤ u' });
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(800)).toBe(1);
    expect(sigmoid(-800)).toBe(0);
    // σ(−x) = e^{−x}/(1 + e^{−x}): |σ(−x) − e^{−x}| ≤ e^{−x}·e^{−x}; exp, 1 +, the quotient (1 + 2 + 1): 4 operations
    expectWithin(sigmoid(-40), Math.exp(-40), { ops: 4, what: 'σ(−40)', truncation: Math.exp(-40) * Math.exp(-40), why: 'σ(−x) = e^{−x}/(1 + e^{−x})' });
    expect(sigmoid(1e-300)).toBe(0.5);
    expect(sigmoid(-1e-300)).toBe(0.5);
  });

  it('official_nce keeps its slope where σ ≈ 1 (σ(u)σ(−u), not 1 − σ(u)); triplet hinge weights', () => {
    // n − p = 40τ: σ(40) rounds to 1, so 1 − σ would give a zero slope.
    const b = { rPos: [0], rNeg: [[20]], dim: 1, reduction: 'mean' as const };
    // β_+ = −β_− = 2σ(40)σ(−40)/τ and |σ(u)σ(−u) − e^{−u}| ≤ 2e^{−u}·e^{−u} (truncation). The chain: p = (2/(B·d))·(0 + r_+)
    // (3), n (3), n − p, /τ (u: 5); σ(u) (3), σ(−u) (4), their product (8), /τ (9), ·(2/(B·d)) (11): with u's 5, 16 operations.
    // u's rounding is relative to (p + n)/τ = 40 and moves β relatively by as much: scale |β|·(1 + 40)
    const v = parseLoss({ name: 'official_nce', tau: 1 }).evaluate(F64, b);
    const slope = { ops: 16, scale: 2 * Math.exp(-40) * (1 + 40) };
    const trunc = 2 * (2 * Math.exp(-40)) * Math.exp(-40);
    expectWithin(v.betaPos[0]!, 2 * Math.exp(-40), { ...slope, what: 'official_nce β_+ at u = 40', truncation: trunc, why: 'σ(u)σ(−u) = e^{−u}/(1 + e^{−u})²' });
    expectWithin(v.betaNeg[0]![0]!, -2 * Math.exp(-40), { ...slope, what: 'official_nce β_− at u = 40', truncation: trunc, why: 'σ(u)σ(−u) = e^{−u}/(1 + e^{−u})²' });
    // The plugin: u through batchMeans (Σ, /B, ·2, /d), −, /τ: 6; σ(u)σ(−u): 8; the dual's ∂u/∂r_+ through the same five steps
    // (a divide's rule v·y′, x′ − ·, /y: 3 each; a product's 0 + c·x′: 2): 12; slope·∂u (8 + 12 + 1), the add to 0: 22; with u's 6: 28
    const dv = pluginLoss(BUILTIN_PLUGINS.official_nce!, 'x', { tau: 1 }).evaluate(F64, b);
    expectWithin(dv.betaPos[0]!, 2 * Math.exp(-40), { ...slope, ops: 28, what: 'plugin official_nce β_+ at u = 40', truncation: trunc, why: 'σ(u)σ(−u) = e^{−u}/(1 + e^{−u})²' });
    const hinge = parseLoss({ name: 'tri', tau: 0, r0: 0 });
    const at = (u: number) => hinge.evaluate(F64, { rPos: [1 + u], rNeg: [[1]], dim: 1, reduction: 'sum' });
    expect([at(0).value, at(0).betaPos[0], at(0).betaNeg[0]![0]]).toEqual([0, 0, -0]);
    expect([at(0.5).value, at(0.5).betaPos[0], at(0.5).betaNeg[0]![0]]).toEqual([0.5, 1, -1]);
    expect([at(-0.5).value, at(-0.5).betaPos[0]]).toEqual([0, 0]);
    const soft = parseLoss({ name: 'tri', tau: 0.01, r0: 0 }).evaluate(F64, { rPos: [9], rNeg: [[1]], dim: 1, reduction: 'sum' });
    expect(soft.value).toBe(8);
    expect(soft.betaPos[0]).toBe(1);
  });

  it('bad parameters and arithmetic are refused with the field named', () => {
    expect(() => parseLoss({ name: 'nce', tau: 0 })).toThrow(/must be > 0 for nce, got 0/);
    expect(() => parseLoss({ name: 'ntxent', tau: -1 })).toThrow(/must be > 0 for ntxent, got -1/);
    expect(() => parseLoss({ name: 'ntxent', tau: 0 })).toThrow(/must be > 0 for ntxent, got 0/);
    expect(() => parseLoss({ name: 'official_nce', tau: 0 })).toThrow(/must be > 0 for official_nce, got 0/);
    expect(() => parseLoss({ name: 'tri', tau: -0.1 })).toThrow(/must be >= 0 \(0 is the hinge\), got -0.1/);
    for (const [name, extra] of [['nce', {}], ['tri', {}], ['official_nce', {}], ['ntxent', {}]] as const) {
      const l = parseLoss({ name, ...extra });
      expect(() => l.evaluate(EXACT, { rPos: [Rational.ONE], rNeg: [[Rational.ONE]], dim: 1, reduction: 'mean' }), name).toThrow(/exact \(rational\) arithmetic cannot compute/);
    }
    const tri = parseLoss({ name: 'tri' });
    try {
      tri.evaluate(F64, { rPos: [1], rNeg: [[1, 2]], dim: 1, reduction: 'mean' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).message).toMatch(/batch\.x_neg.*tri takes H = 1 negative, got H = 2/);
    }
    expect(() => parseLoss({ name: 'tri', tau: Number.NaN })).toThrow(/loss\.tau/);
    expect(() => parseLoss({ name: 'tri', r0: Number.POSITIVE_INFINITY })).toThrow(/loss\.r0.*finite number/);
    expect(() => parseLoss({ name: 'nce', tau: '1' })).toThrow(/loss\.tau.*finite number/);
    expect(() => parseLoss({ name: 'nce', tau: 1, beta: 2 }, 'x.loss')).toThrow(/x\.loss\.beta.*unknown field/);
    expect(() => parseLoss({ name: 'hinge' })).toThrow(/loss\.name.*unknown loss.*simp, tri, nce, official_nce, official_subtract, ntxent/);
    for (const bad of [null, [], 'nce', 3]) expect(() => parseLoss(bad, 'case.loss')).toThrow(/case\.loss.*expected an object \{name, tau\?, r0\?\}/);
    expect(LOSS_NAMES).toEqual(['simp', 'tri', 'nce', 'official_nce', 'official_subtract', 'ntxent']);
  });

  it('every message names its field and its loss exactly (constructors called directly too)', () => {
    const msg = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(msg(() => parseLoss({ name: 'nce', tau: Number.NaN }, 'case.loss'))).toBe('case.loss.tau: expected a finite number, got NaN');
    expect(msg(() => parseLoss({ name: 'tri', r0: '1' }, 'case.loss'))).toMatch(/^case\.loss\.r0: expected a finite number, got/);
    expect(msg(() => parseLoss({ name: 'official_nce', tau: 'x' }, 'case.loss'))).toMatch(/^case\.loss\.tau: expected a finite number/);
    for (const [make, name] of [[infoNceLoss, 'nce'], [ntXentLoss, 'ntxent'], [officialNceLoss, 'official_nce']] as const) {
      expect(msg(() => make(Number.NaN))).toBe('loss.tau: expected a finite number, got NaN');
      expect(msg(() => make(0))).toBe(`loss.tau: must be > 0 for ${name}, got 0`);
    }
    expect(msg(() => tripletLoss(Number.NaN, 0))).toBe('loss.tau: expected a finite number, got NaN');
    expect(msg(() => tripletLoss(1, Number.POSITIVE_INFINITY))).toMatch(/^loss\.r0: expected a finite number/);
    expect(msg(() => tripletLoss(-1, 0))).toBe('loss.tau: must be >= 0 (0 is the hinge), got -1');
    const exact = { rPos: [Rational.ONE], rNeg: [[Rational.ONE]], dim: 1, reduction: 'mean' as const };
    const what: [string, string][] = [['nce', 'InfoNCE (exp/log)'], ['ntxent', 'NT-Xent (exp/log)'], ['official_nce', 'official_nce (exp)'], ['tri', 'the soft-triplet loss (exp/log)']];
    for (const [name, w] of what) expect(msg(() => parseLoss({ name }).evaluate(EXACT, exact))).toBe(`exact (rational) arithmetic cannot compute ${w}: use float64 for this variant`);
  });

  it('the official losses on an empty batch (reduction sum) are 0; sigmoid keeps subnormal values', () => {
    const empty = { rPos: [] as number[], rNeg: [] as number[][], dim: 2, reduction: 'sum' as const };
    expect(parseLoss({ name: 'official_subtract' }).evaluate(F64, empty)).toEqual({ value: 0, betaPos: [], betaNeg: [] });
    expect(sigmoid(-720)).toBeGreaterThan(0);
    // Exact: 1 + e^{−720} rounds to 1, so σ(−720) = fl(e^{−720})/1 is Math.exp(−720) itself (gradual underflow keeps the
    // subnormal). (A table bound would also do since float64's η is the smallest subnormal; equality is tighter.)
    expect(sigmoid(-720)).toBe(Math.exp(-720));
  });

  it('the built-in plugins describe their formulas', () => {
    const want: Record<string, RegExp> = {
      simp: /^r_\+ − mean_k r_k− \(balanced; its expected gradient is −2·OP·w, claim C3\)$/,
      tri: /^τ·softplus\(\(r_\+ − r_− \+ r_0\)\/τ\) \(balanced, claim C6\)$/,
      nce: /^r_\+ \+ τ·logsumexp\(−r_\+\/τ, −r_k−\/τ\) \(balanced, claim C6\)$/,
      official_nce: /^−e\^\{−p\/τ\}\/\(e\^\{−p\/τ\} \+ e\^\{−n\/τ\}\) over batch-mean MSEs \(no log, no τ prefactor\)$/,
      official_subtract: /^p − n over batch-mean MSEs$/,
      unbalanced: /^r_\+ − 2·mean_k r_k− \(not balanced: excluded by C6, C7\)$/,
    };
    for (const [name, re] of Object.entries(want)) expect(BUILTIN_PLUGINS[name]!.description, name).toMatch(re);
  });

  it('defaults: tri τ = 1, r0 = 0; nce and ntxent τ = 1; official_nce τ = 0.1', () => {
    expect(parseLoss({ name: 'tri' }).params).toEqual({ tau: 1, r0: 0 });
    expect(parseLoss({ name: 'nce' }).params).toEqual({ tau: 1 });
    expect(parseLoss({ name: 'ntxent' }).params).toEqual({ tau: 1 });
    expect(parseLoss({ name: 'official_nce' }).params).toEqual({ tau: 0.1 });
    expect(parseLoss({ name: 'ntxent' }).statistic).toBe('similarity');
    expect(parseLoss({ name: 'nce' }).statistic).toBeUndefined();
  });
});

describe('dual numbers: each operation against its calculus rule', () => {
  const o = dualOps(F64, 2);
  const x = o.variable(0.7, 0);
  const y = o.variable(-1.3, 1);
  type Bound = Omit<Within, 'what'>;
  /**
   * Value and partials against the rule written with Math: equal (===, so −0 is 0) where the dual performs the oracle's
   * roundings in its order; else within the table's bound, with the operation count stated at the call (Higham's count:
   * a sum adds 1 to the longer chain of its operands, a product or quotient 1 to the sum of both).
   */
  const close = (d: Dual<number>, v: number, dx: number, dy: number, what: string, bounds: { v?: Bound; dx?: Bound; dy?: Bound } = {}) => {
    const one = (got: number, want: number, b: Bound | undefined, name: string) => {
      if (b) expectWithin(got, want, { ...b, what: `${what} ${name}` });
      else expect(got === want, `${what} ${name}: ${got} vs ${want} (the same roundings: equal)`).toBe(true);
    };
    one(d.v, v, bounds.v, 'value');
    one(d.d[0]!, dx, bounds.dx, '∂x');
    one(d.d[1]!, dy, bounds.dy, '∂y');
  };

  it('+ − × ÷ neg exp log, with constants on either side', () => {
    close(o.add(x, y), 0.7 + -1.3, 1, 1, 'add');
    close(o.add(2, y), 2 + -1.3, 0, 1, 'add const');
    close(o.sub(x, y), 0.7 - -1.3, 1, -1, 'sub');
    close(o.sub(3, x), 3 - 0.7, -1, 0, 'sub const');
    close(o.mul(x, y), 0.7 * -1.3, -1.3, 0.7, 'mul');
    close(o.mul(x, 3), 0.7 * 3, 3, 0, 'mul const');
    // ∂y = −x/y²: the rule's (0 − v·1)/y with v = x/y: 4 operations (the oracle's y·y and a divide: 2)
    close(o.div(x, y), 0.7 / -1.3, 1 / -1.3, -0.7 / (1.3 * 1.3), 'div', { dy: { ops: 4 } });
    close(o.div(2, y), 2 / -1.3, 0, -2 / (1.3 * 1.3), 'div const', { dy: { ops: 4 } });
    close(o.neg(x), -0.7, -1, 0, 'neg');
    close(o.exp(x), Math.exp(0.7), Math.exp(0.7), 0, 'exp');
    // ∂ log(x·x) = 2/x: 1/(x·x) (2) times ∂(x·x) = (0 + 0.7·1) + 0.7·1 (3), the add to 0: 7 operations (the oracle's 2/0.7: 1)
    close(o.log(o.mul(x, x)), Math.log(0.7 * 0.7), 2 / 0.7, 0, 'log', { dx: { ops: 7 } });
    close(o.const(4), 4, 0, 0, 'const');
    expect(o.variable(2, 1).d).toEqual([0, 1]);
  });

  it('÷ by an exact 0: the partials neither side has stay 0, so 1/(1/0) + x is finite with ∂ = (1, 0)', () => {
    const inf = o.div(1, o.const(0));
    expect(inf.v).toBe(Infinity);
    expect(inf.d).toEqual([0, 0]); // was (0 − ∞·0)/0 = NaN for both
    const back = o.add(x, o.div(1, inf));
    expect([back.v, ...back.d]).toEqual([0.7, 1, 0]); // was ∂ = NaN: a plugin error naming r_+
    expect(o.div(x, o.const(0)).d[0]).toBeNaN(); // x/0 does depend on x: no partial is invented
    const exact = dualOps(EXACT, 2);
    expect(exact.div(exact.variable(Rational.of(1n, 2n), 0), 2).d.map((r) => r.toString())).toEqual(['1/2', '0']);
  });

  it('logSumExp, softplus, sigmoid, sum, mean; max and min choose a at ties', () => {
    const e = [Math.exp(0.7), Math.exp(-2.6), Math.exp(1)];
    const s = sumOf(e);
    const xs = [0.7, 2 * -1.3, 1];
    // value: 2y (1), x_i − m (2), exp (3), 0 + e₀ + e₁ + e₂ (6), log, + m: 8 (the oracle: exp, 3 adds, log: 5), the exponents in lseScale;
    // p_j = e_j/s: e_j (2) over s (6): 9, ·∂x_j (∂(2y) = 0 + 2·1: 2, so 12 for ∂y), the add to 0: 10 and 13
    close(o.logSumExp([x, o.mul(y, 2), 1]), Math.log(s), e[0]! / s, (2 * e[1]!) / s, 'lse', {
      v: { ops: 8, scale: lseScale(xs) },
      dx: { ops: 10, scale: softmaxScale(xs, 0) },
      dy: { ops: 13, scale: 2 * softmaxScale(xs, 1) },
    });
    const big8 = [0.7 + 800, 800];
    // x + 800 (1, relative to 800: in lseScale as an exponent's term), x_i − m (2), exp (3), 2 adds (5), log, + m: 7 (the oracle: 4);
    // p₀ = e₀/s: 3 + 5 + 1 = 9, ·∂(x + 800) (1 + 0: 1) and the add to 0: 12 (the oracle: exp, 1 +, a quotient: 4)
    close(o.logSumExp([o.add(x, 800), 800]), 800 + Math.log(Math.exp(0.7) + 1), Math.exp(0.7) / (Math.exp(0.7) + 1), 0, 'lse large', {
      v: { ops: 7, scale: lseScale(big8) },
      dx: { ops: 12, scale: softmaxScale(big8, 0) },
    });
    const inf = o.logSumExp([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(inf.v).toBe(Number.NEGATIVE_INFINITY);
    expect(inf.d).toEqual([0, 0]);
    // ∂y = σ(−1.3) = e/(1 + e): exp, 1 +, the quotient (1 + 2 + 1 = 4), ·1, the add to 0: 6 (the oracle: 1/(1 + e^{1.3}): 3)
    close(o.softplus(y), Math.log1p(Math.exp(-1.3)), 0, 1 / (1 + Math.exp(1.3)), 'softplus', { dy: { ops: 6 } });
    // ∂x = σ(u)·σ(−u): 1/(1 + e^{−u}) (3) times e^{−u}/(1 + e^{−u}) (4): 8, ·1, the add to 0: 10 (the oracle: e/(1 + e)²: 7)
    close(o.sigmoid(x), 1 / (1 + Math.exp(-0.7)), (Math.exp(-0.7) / (1 + Math.exp(-0.7)) ** 2), 0, 'sigmoid', { dx: { ops: 10 } });
    // 0.7 + 39.3 rounds to 40 exactly, so the exponent is exact; σ(40)σ(−40) (8), ·∂(x + 39.3) (1 + 0: 1): 10, the add to 0: 11;
    // |σ(u)σ(−u) − e^{−u}| ≤ 2e^{−u}·e^{−u} (truncation)
    expect(o.add(x, 39.3).v).toBe(40);
    const big = o.sigmoid(o.add(x, 39.3));
    expectWithin(big.d[0]!, Math.exp(-40), { ops: 11, what: 'σ′(40)', truncation: 2 * Math.exp(-40) * Math.exp(-40), why: 'σ(u)σ(−u) = e^{−u}/(1 + e^{−u})²' });
    close(o.sum([x, y, 1]), 0.7 + -1.3 + 1, 1, 1, 'sum');
    close(o.mean([x, y, 1, 2]), (0.7 + -1.3 + 1 + 2) / 4, 0.25, 0.25, 'mean');
    close(o.max(x, y), 0.7, 1, 0, 'max');
    close(o.max(y, x), 0.7, 1, 0, 'max swapped');
    close(o.min(x, y), -1.3, 0, 1, 'min');
    close(o.min(y, x), -1.3, 0, 1, 'min swapped');
    const x2 = o.add(o.mul(y, 0), 0.7); // value 0.7, derivative along y only
    expect(o.max(x, x2)).toBe(x);
    expect(o.max(x2, x)).toBe(x2);
    expect(o.min(x, x2)).toBe(x);
    expect(o.min(x2, x)).toBe(x2);
    expect(() => o.logSumExp([])).toThrow(/logSumExp of an empty list/);
    expect(() => o.mean([])).toThrow(/mean of an empty list/);
  });

  it('exact duals refuse exp, log, lse, softplus, sigmoid; F32 rounds every step; names', () => {
    const q = dualOps(EXACT, 1);
    const r = q.variable(Rational.parse('1/3'), 0);
    for (const [name, f] of [['exp', () => q.exp(r)], ['log', () => q.log(r)], ['log-sum-exp', () => q.logSumExp([r])], ['softplus', () => q.softplus(r)], ['sigmoid', () => q.sigmoid(r)]] as const) {
      expect(f, name).toThrow(new RegExp(`cannot compute ${name}`));
    }
    const r2 = q.mul(r, 1);
    expect(q.max(r, r2)).toBe(r);
    expect(q.min(r2, r)).toBe(r2);
    expect(q.max(r, 0)).toBe(r);
    expect(q.div(q.mul(r, 3), q.add(r, 1)).d[0]!.toString()).toBe('27/16');
    expect(q.arithmetic).toBe('rational');
    expect(dualOps(F64, 1).arithmetic).toBe('float64');
    const f = dualOps(F32, 1);
    expect(f.arithmetic).toBe('float32');
    const a = f.variable(0.1, 0);
    const s = f.add(a, 0.2);
    expect(s.v).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.2)));
    expect(f.exp(a).v).toBe(Math.fround(Math.exp(0.1)));
    expect(f.log(f.const(3)).v).toBe(Math.fround(Math.log(3)));
    expect([F32.sub(1, 1e-9), F32.mul(0.1, 3), F32.div(1, 3), F32.neg(2), F32.sqrt(2), F32.from(0.1)]).toEqual([1, Math.fround(Math.fround(0.1) * 3), Math.fround(1 / 3), -2, Math.fround(Math.SQRT2), Math.fround(0.1)]);
    expect([F32.sign(2), F32.sign(-2), F32.sign(0), F32.eq(1, 1), F32.eq(1, 2), F32.toNumber(3), F32.exact, F32.zero, F32.one]).toEqual([1, -1, 0, true, false, 3, false, 0, 1]);
    expect([F32.fn('tanh', 0.5), F32.fn('log1p', 0.5)]).toEqual([Math.fround(Math.tanh(0.5)), Math.fround(Math.log1p(0.5))]);
    expect(() => F32.fn('erf', 0.5)).toThrow(/F32: erf is not provided/);
  });

  it('misuse is refused with a message; describeValue names what it got', () => {
    expect(() => o.add(x, 'a' as unknown as number)).toThrow(/expected a distance, an op result or a number, got string/);
    expect(() => o.mul(x, Number.NaN)).toThrow(/a constant is NaN/);
    expect(() => +x).toThrow(DualMisuse);
    expect(() => x.valueOf()).toThrow(DualMisuse);
    expect(F32.name).toBe('float64');
    expect(() => `${x}` + 1).not.toThrow();
    expect(`${x}`).toBe('[covcheck dual number]');
    expect(new DualMisuse().name).toBe('DualMisuse');
    expect([describeValue(x), describeValue(null), describeValue(undefined), describeValue([1, 2]), describeValue(3), describeValue({}), describeValue('s')]).toEqual([
      'a dual number', 'null', 'undefined', 'an array of length 2', '3', 'an object ([object Object])', 'string',
    ]);
    expect(o.token).toBe(x.token);
    expect(dualOps(F64, 1).token).not.toBe(o.token);
    const t = Symbol('t');
    expect(dualOps(F64, 1, t).const(1).token).toBe(t);
  });
});

