/**
 * One-sample and paired tests over seeds for the statistical claims (docs/theory.md §3: C11, C12).
 *
 * Every test here decides one of three outcomes at a stated false-failure rate α:
 *   - directional (the claim says E X > 0):   pass when the one-sided (1−α) lower confidence bound
 *     is > 0; fail when the one-sided (1−α) upper bound is < 0; inconclusive otherwise. So
 *     P(fail | claim true) ≤ α and P(pass | claim false) ≤ α: a false verdict either way is rare,
 *     and too few or too noisy seeds give `inconclusive`, never `pass`.
 *   - equivalence (the claim says |E X| < m):  TOST. Pass when both one-sided (1−α) bounds lie inside
 *     (−m, m) (the (1−2α) two-sided interval is inside); fail when a one-sided (1−α/2) bound lies
 *     entirely beyond ±m; inconclusive when the interval is too wide.
 * The statistic is Student's t on the seed values (the seeds are independent and identically
 * distributed; the values are means over many nodes and samples, so close to normal).
 */
import jstatModule from 'jstat';

const { jStat } = jstatModule as unknown as typeof import('jstat');

export type Decision = 'pass' | 'fail' | 'inconclusive';

export interface Summary {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1); NaN for n < 2. */
  readonly sd: number;
  /** Standard error sd/√n. */
  readonly se: number;
}

export function summarize(xs: readonly number[]): Summary {
  const n = xs.length;
  if (n === 0) return { n: 0, mean: Number.NaN, sd: Number.NaN, se: Number.NaN };
  const mean = xs.reduce((s, v) => s + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1)) : Number.NaN;
  return { n, mean, sd, se: sd / Math.sqrt(n) };
}

const quantiles = new Map<string, number>();

/** Upper quantile of Student's t: P(T_df > q) = p (memoised: the designs reuse a few (p, df)). */
export function tQuantileUpper(p: number, df: number): number {
  const key = `${p}|${df}`;
  let q = quantiles.get(key);
  if (q === undefined) {
    q = jStat.studentt.inv(1 - p, df);
    if (quantiles.size > 10_000) quantiles.clear();
    quantiles.set(key, q);
  }
  return q;
}

/** P(T_df ≥ t). */
export function tUpper(t: number, df: number): number {
  if (Number.isNaN(t)) return Number.NaN;
  if (t === Number.POSITIVE_INFINITY) return 0;
  if (t === Number.NEGATIVE_INFINITY) return 1;
  return 1 - jStat.studentt.cdf(t, df);
}

/** P(T' ≤ t) for the noncentral t with df degrees of freedom and noncentrality ncp. */
export function noncentralTCdf(t: number, df: number, ncp: number): number {
  if (ncp === 0) return jStat.studentt.cdf(t, df);
  // jStat's series is accurate for t ≥ 0; use the reflection P(T'(δ) ≤ t) = 1 − P(T'(−δ) ≤ −t).
  const v = t >= 0 ? jStat.noncentralt.cdf(t, df, ncp) : 1 - jStat.noncentralt.cdf(-t, df, -ncp);
  return Math.min(1, Math.max(0, v));
}

/**
 * Power of the one-sided t-test at level α with n values: P(pass) when the true mean is `effect`
 * (> 0) and the true standard deviation is `sd`. Exact (noncentral t).
 */
export function powerOneSided(n: number, alpha: number, effect: number, sd: number): number {
  if (n < 2 || !(sd > 0) || !Number.isFinite(effect)) return Number.NaN;
  const df = n - 1;
  const crit = tQuantileUpper(alpha, df);
  return 1 - noncentralTCdf(crit, df, (effect / sd) * Math.sqrt(n));
}

/**
 * The smallest number of values (≥ 2, ≤ max) for which the one-sided t-test at level α has at least
 * `power` against a true mean `effect` with standard deviation `sd`; Infinity if none ≤ max.
 */
export function sampleSizeOneSided(alpha: number, effect: number, sd: number, power = 0.8, max = 100_000): number {
  if (!(effect > 0) || !(sd > 0)) return effect > 0 && sd === 0 ? 2 : Number.POSITIVE_INFINITY;
  // Normal approximation as a starting point, then walk.
  const z = (p: number) => jStat.normal.inv(1 - p, 0, 1);
  let n = Math.max(2, Math.floor((((z(alpha) + z(1 - power)) * sd) / effect) ** 2) - 2);
  while (n <= max && powerOneSided(n, alpha, effect, sd) < power) n++;
  return n > max ? Number.POSITIVE_INFINITY : n;
}

/** The true mean the one-sided t-test at level α detects with the given power, from n values of sd. */
export function minimumDetectableEffect(n: number, alpha: number, sd: number, power = 0.8): number {
  if (n < 2 || !(sd >= 0)) return Number.NaN;
  if (sd === 0) return 0;
  let lo = 0;
  let hi = sd;
  while (powerOneSided(n, alpha, hi, sd) < power) hi *= 2;
  for (let i = 0; i < 40 && hi - lo > 1e-9 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (powerOneSided(n, alpha, mid, sd) < power) lo = mid;
    else hi = mid;
  }
  return hi;
}

export interface DirectionalOptions {
  /** False-failure rate (also the false-pass rate). */
  readonly alpha: number;
  /** The claim is E X > threshold (default 0). */
  readonly threshold?: number;
  /** 'greater' (default): the claim is E X > threshold; 'less': E X < threshold. */
  readonly direction?: 'greater' | 'less';
  /** A planning effect (distance from the threshold in the claimed direction) and sd for the power. */
  readonly planned?: { readonly effect: number; readonly sd: number };
  /** Target power for the minimum detectable effect and the seeds needed (default 0.8). */
  readonly power?: number;
  /** Compute power, mde and nNeeded (default true; simulations turn it off: it costs milliseconds). */
  readonly diagnostics?: boolean;
}

export interface DirectionalResult extends Summary {
  readonly kind: 'directional';
  readonly decision: Decision;
  readonly alpha: number;
  readonly threshold: number;
  readonly direction: 'greater' | 'less';
  /** (mean − threshold)/se, signed so that positive supports the claim. */
  readonly t: number;
  /** One-sided p-value of "E X does not satisfy the claim" (pass when ≤ α). */
  readonly pPass: number;
  /** One-sided p-value of "E X satisfies the claim" (fail when ≤ α). */
  readonly pFail: number;
  /** One-sided (1−α) confidence bounds on E X. */
  readonly lower: number;
  readonly upper: number;
  /** Power at the planning effect and sd (NaN without a plan). */
  readonly power: number;
  /** Power if the observed mean and sd were the truth (post hoc; NaN if the mean is on the wrong side). */
  readonly powerObserved: number;
  /** Effect (from the threshold) detected with the target power at this n and the observed sd. */
  readonly mde: number;
  /** Values needed for the target power at the observed effect and sd (Infinity if the effect is ≤ 0). */
  readonly nNeeded: number;
}

/**
 * Directional one-sample t-test: is E X > threshold (or < for 'less')? See the module comment for
 * the decision rule. Use it on paired differences for comparisons of settings.
 */
export function directionalTest(xs: readonly number[], o: DirectionalOptions): DirectionalResult {
  checkAlpha(o.alpha);
  const threshold = o.threshold ?? 0;
  const direction = o.direction ?? 'greater';
  const sign = direction === 'greater' ? 1 : -1;
  const s = summarize(xs);
  const power = o.power ?? 0.8;
  const base = { kind: 'directional' as const, ...s, alpha: o.alpha, threshold, direction };
  if (s.n < 2 || !Number.isFinite(s.mean) || !Number.isFinite(s.sd)) {
    return {
      ...base,
      decision: 'inconclusive',
      t: Number.NaN,
      pPass: Number.NaN,
      pFail: Number.NaN,
      lower: Number.NaN,
      upper: Number.NaN,
      power: Number.NaN,
      powerObserved: Number.NaN,
      mde: Number.NaN,
      nNeeded: Number.NaN,
    };
  }
  const df = s.n - 1;
  const q = tQuantileUpper(o.alpha, df);
  const diff = sign * (s.mean - threshold);
  // se = 0: every seed gave the same value; the data are then conclusive unless the mean is exactly the threshold.
  const t = s.se > 0 ? diff / s.se : diff > 0 ? Number.POSITIVE_INFINITY : diff < 0 ? Number.NEGATIVE_INFINITY : 0;
  const pPass = tUpper(t, df);
  const pFail = tUpper(-t, df);
  const lower = s.mean - q * s.se;
  const upper = s.mean + q * s.se;
  const decision: Decision = pPass <= o.alpha && t > 0 ? 'pass' : pFail <= o.alpha && t < 0 ? 'fail' : 'inconclusive';
  const observedEffect = diff;
  if (o.diagnostics === false) {
    return { ...base, decision, t, pPass, pFail, lower, upper, power: Number.NaN, powerObserved: Number.NaN, mde: Number.NaN, nNeeded: Number.NaN };
  }
  return {
    ...base,
    decision,
    t,
    pPass,
    pFail,
    lower,
    upper,
    power: o.planned ? powerOneSided(s.n, o.alpha, o.planned.effect, o.planned.sd) : Number.NaN,
    powerObserved: observedEffect > 0 ? powerOneSided(s.n, o.alpha, observedEffect, s.sd) : Number.NaN,
    mde: minimumDetectableEffect(s.n, o.alpha, s.sd, power),
    nNeeded: observedEffect > 0 ? sampleSizeOneSided(o.alpha, observedEffect, s.sd, power) : Number.POSITIVE_INFINITY,
  };
}

export interface EquivalenceOptions {
  readonly alpha: number;
  /** The claim is |E X − center| < margin. */
  readonly margin: number;
  readonly center?: number;
  /** Compute powerAtCenter and nNeeded (default true). */
  readonly diagnostics?: boolean;
}

export interface EquivalenceResult extends Summary {
  readonly kind: 'equivalence';
  readonly decision: Decision;
  readonly alpha: number;
  readonly margin: number;
  readonly center: number;
  /** TOST p-value: the larger of the two one-sided p-values (pass when ≤ α). */
  readonly pTost: number;
  /** One-sided (1−α) bounds, i.e. the (1−2α) two-sided interval (pass when inside ±margin). */
  readonly lower: number;
  readonly upper: number;
  /** One-sided (1−α/2) bounds used for `fail` (an interval entirely beyond a margin). */
  readonly failLower: number;
  readonly failUpper: number;
  /** Lower bound on the power at a true mean equal to the center with the observed sd. */
  readonly powerAtCenter: number;
  /** Values needed for power ≥ 0.8 at the center with the observed sd (Infinity if none ≤ 100 000). */
  readonly nNeeded: number;
}

/**
 * Equivalence test (TOST) of |E X − center| < margin at false-pass rate α, with `fail` at
 * false-failure rate α (an interval beyond the margin) and `inconclusive` when the interval
 * straddles a margin: a wide interval never passes.
 */
export function equivalenceTest(xs: readonly number[], o: EquivalenceOptions): EquivalenceResult {
  checkAlpha(o.alpha);
  if (!(o.margin > 0)) throw new RangeError(`equivalenceTest: margin must be > 0, got ${o.margin}`);
  const center = o.center ?? 0;
  const s = summarize(xs);
  const base = { kind: 'equivalence' as const, ...s, alpha: o.alpha, margin: o.margin, center };
  if (s.n < 2 || !Number.isFinite(s.mean) || !Number.isFinite(s.sd)) {
    return { ...base, decision: 'inconclusive', pTost: Number.NaN, lower: Number.NaN, upper: Number.NaN, failLower: Number.NaN, failUpper: Number.NaN, powerAtCenter: Number.NaN, nNeeded: Number.NaN };
  }
  const df = s.n - 1;
  const q = tQuantileUpper(o.alpha, df);
  const qf = tQuantileUpper(o.alpha / 2, df);
  const lower = s.mean - q * s.se;
  const upper = s.mean + q * s.se;
  const failLower = s.mean - qf * s.se;
  const failUpper = s.mean + qf * s.se;
  const lo = center - o.margin;
  const hi = center + o.margin;
  const pLow = s.se > 0 ? tUpper((s.mean - lo) / s.se, df) : s.mean > lo ? 0 : 1;
  const pHigh = s.se > 0 ? tUpper((hi - s.mean) / s.se, df) : s.mean < hi ? 0 : 1;
  const pTost = Math.max(pLow, pHigh);
  const decision: Decision = lower > lo && upper < hi ? 'pass' : failLower >= hi || failUpper <= lo ? 'fail' : 'inconclusive';
  return {
    ...base,
    decision,
    pTost,
    lower,
    upper,
    failLower,
    failUpper,
    powerAtCenter: o.diagnostics === false ? Number.NaN : powerEquivalence(s.n, o.alpha, o.margin, s.sd),
    nNeeded: o.diagnostics === false ? Number.NaN : sampleSizeEquivalence(o.alpha, o.margin, s.sd),
  };
}

/**
 * A lower bound on the power of TOST at level α with n values when the true mean is the center:
 * P(both one-sided tests reject) ≥ 2·P(one rejects) − 1, each side a noncentral t with
 * ncp = margin·√n/sd.
 */
export function powerEquivalence(n: number, alpha: number, margin: number, sd: number): number {
  if (n < 2 || !(sd >= 0)) return Number.NaN;
  if (sd === 0) return 1;
  const one = powerOneSided(n, alpha, margin, sd);
  return Math.max(0, 2 * one - 1);
}

export function sampleSizeEquivalence(alpha: number, margin: number, sd: number, power = 0.8, max = 100_000): number {
  if (!(sd > 0)) return sd === 0 ? 2 : Number.NaN;
  // Each side needs power (1 + power)/2.
  return sampleSizeOneSided(alpha, margin, sd, (1 + power) / 2, max);
}

/**
 * Paired differences a(seed) − b(seed) over the seeds present in both; throws if a seed of one is
 * missing in the other (pairing must be complete: a silently dropped seed biases the test).
 */
export function pairedDifferences(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): { seeds: number[]; diffs: number[] } {
  const seeds = [...a.keys()].sort((x, y) => x - y);
  const missing = seeds.filter((s) => !b.has(s)).concat([...b.keys()].filter((s) => !a.has(s)));
  if (missing.length > 0) throw new Error(`pairedDifferences: seeds not in both settings: ${missing.slice(0, 5).join(', ')}`);
  return { seeds, diffs: seeds.map((s) => a.get(s)! - b.get(s)!) };
}

/** Combines the decisions of parts that must all hold: any fail → fail; all pass → pass; else inconclusive. */
export function combineAll(decisions: readonly Decision[]): Decision {
  if (decisions.includes('fail')) return 'fail';
  if (decisions.length > 0 && decisions.every((d) => d === 'pass')) return 'pass';
  return 'inconclusive';
}

function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 0.5)) throw new RangeError(`alpha must be in (0, 0.5), got ${alpha}`);
}
