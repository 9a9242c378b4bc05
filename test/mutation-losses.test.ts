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
function checkLoss(loss: Loss, formula: (b: Batch) => number, b: Batch, what: string): void {
  const got = loss.evaluate(F64, b);
  const want = formula(b);
  expect(Math.abs(got.value - want), `${what}: value ${got.value} vs ${want}`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(want)));
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
      for (const b of batches(H)) checkLoss(loss, (x) => FORMULA[name]!(x, params), b, `${name} ${b.reduction}`);
    });
  }

  it('the plugin-format built-ins give the same values and weights (by the formulas, also for unbalanced)', () => {
    const plugins: [string, Record<string, number>, number][] = [...CASES.filter(([n]) => n !== 'ntxent'), ['unbalanced', {}, 3], ['unbalanced', { c: 3 }, 2]];
    for (const [name, params, H] of plugins) {
      const loss = pluginLoss(BUILTIN_PLUGINS[name]!, `builtin:${name}`, params);
      expect(loss.perTuple, name).toBe(!name.startsWith('official'));
      for (const b of batches(H)) checkLoss(loss, (x) => FORMULA[name]!(x, { c: 2, ...params }), b, `plugin ${name} ${JSON.stringify(params)} ${b.reduction}`);
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
    const { lse, softmax } = logSumExp([-1e4, -1e4 - Math.log(3)]);
    expect(lse).toBeCloseTo(-1e4 + Math.log(4 / 3), 9);
    expect(softmax[0]).toBeCloseTo(0.75, 12);
    expect(softmax[1]).toBeCloseTo(0.25, 12);
    expect(logSumExp([800, 800]).lse).toBeCloseTo(800 + Math.log(2), 12);
    const nce = parseLoss({ name: 'nce', tau: 0.001 }).evaluate(F64, { rPos: [2], rNeg: [[3, 2.5]], dim: 1, reduction: 'mean' });
    expect(Number.isFinite(nce.value)).toBe(true);
    expect(nce.value).toBeCloseTo(0, 12);
    expect(nce.betaPos[0]).toBeGreaterThan(0);
    expect(nce.betaNeg[0]![1]).toBeCloseTo(-Math.exp(-500), 300);
    expect(nce.betaNeg[0]![1]).toBeLessThan(0);
  });

  it('softplus and sigmoid are stable at both ends and exact at 0', () => {
    expect(softplus(0)).toBe(Math.log(2));
    expect(softplus(800)).toBe(800);
    expect(softplus(-800)).toBe(0);
    expect(softplus(40)).toBe(40 + Math.log1p(Math.exp(-40)));
    expect(softplus(-40)).toBeCloseTo(Math.exp(-40), 300);
    expect(softplus(1e-300)).toBeGreaterThan(Math.log(2) - 1e-15);
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(800)).toBe(1);
    expect(sigmoid(-800)).toBe(0);
    expect(sigmoid(-40) / Math.exp(-40)).toBeCloseTo(1, 12);
    expect(sigmoid(1e-300)).toBe(0.5);
    expect(sigmoid(-1e-300)).toBe(0.5);
  });

  it('official_nce keeps its slope where σ ≈ 1 (σ(u)σ(−u), not 1 − σ(u)); triplet hinge weights', () => {
    // n − p = 40τ: σ(40) rounds to 1, so 1 − σ would give a zero slope.
    const b = { rPos: [0], rNeg: [[20]], dim: 1, reduction: 'mean' as const };
    const v = parseLoss({ name: 'official_nce', tau: 1 }).evaluate(F64, b);
    expect(v.betaPos[0]! / (2 * Math.exp(-40))).toBeCloseTo(1, 9);
    expect(v.betaNeg[0]![0]! / (-2 * Math.exp(-40))).toBeCloseTo(1, 9);
    const dv = pluginLoss(BUILTIN_PLUGINS.official_nce!, 'x', { tau: 1 }).evaluate(F64, b);
    expect(dv.betaPos[0]! / (2 * Math.exp(-40))).toBeCloseTo(1, 9);
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
    expect(sigmoid(-720) / Math.exp(-720)).toBeCloseTo(1, 3);
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
  const close = (d: Dual<number>, v: number, dx: number, dy: number, what: string) => {
    expect(d.v, `${what} value`).toBeCloseTo(v, 13);
    expect(d.d[0], `${what} ∂x`).toBeCloseTo(dx, 13);
    expect(d.d[1], `${what} ∂y`).toBeCloseTo(dy, 13);
  };

  it('+ − × ÷ neg exp log, with constants on either side', () => {
    close(o.add(x, y), -0.6, 1, 1, 'add');
    close(o.add(2, y), 0.7, 0, 1, 'add const');
    close(o.sub(x, y), 2, 1, -1, 'sub');
    close(o.sub(3, x), 2.3, -1, 0, 'sub const');
    close(o.mul(x, y), -0.91, -1.3, 0.7, 'mul');
    close(o.mul(x, 3), 2.1, 3, 0, 'mul const');
    close(o.div(x, y), 0.7 / -1.3, 1 / -1.3, -0.7 / 1.69, 'div');
    close(o.div(2, y), 2 / -1.3, 0, -2 / 1.69, 'div const');
    close(o.neg(x), -0.7, -1, 0, 'neg');
    close(o.exp(x), Math.exp(0.7), Math.exp(0.7), 0, 'exp');
    close(o.log(o.mul(x, x)), Math.log(0.49), 2 / 0.7, 0, 'log');
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
    close(o.logSumExp([x, o.mul(y, 2), 1]), Math.log(s), e[0]! / s, (2 * e[1]!) / s, 'lse');
    close(o.logSumExp([o.add(x, 800), 800]), 800 + Math.log(Math.exp(0.7) + 1), Math.exp(0.7) / (Math.exp(0.7) + 1), 0, 'lse large');
    const inf = o.logSumExp([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(inf.v).toBe(Number.NEGATIVE_INFINITY);
    expect(inf.d).toEqual([0, 0]);
    close(o.softplus(y), Math.log1p(Math.exp(-1.3)), 0, 1 / (1 + Math.exp(1.3)), 'softplus');
    close(o.sigmoid(x), 1 / (1 + Math.exp(-0.7)), (Math.exp(-0.7) / (1 + Math.exp(-0.7)) ** 2), 0, 'sigmoid');
    const big = o.sigmoid(o.add(x, 39.3));
    expect(big.d[0]! / Math.exp(-40)).toBeCloseTo(1, 9);
    close(o.sum([x, y, 1]), 0.4, 1, 1, 'sum');
    close(o.mean([x, y, 1, 2]), 2.4 / 4, 0.25, 0.25, 'mean');
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

