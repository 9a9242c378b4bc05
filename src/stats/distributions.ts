/**
 * The distribution functions behind every statistical decision (C3's Monte Carlo, C9's binomial
 * tests, C11, C12): Student's t (central and noncentral) and the standard normal, from jStat.
 * Nothing else in src/stats calls jStat.
 */
import jstatModule from 'jstat';

const { jStat } = jstatModule as unknown as typeof import('jstat');

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


/** Upper quantile of the standard normal: P(Z > q) = p. */
export function normalQuantileUpper(p: number): number {
  return jStat.normal.inv(1 - p, 0, 1);
}

/** P(T' ≤ t) for the noncentral t with df degrees of freedom and noncentrality ncp. */
export function noncentralTCdf(t: number, df: number, ncp: number): number {
  if (ncp === 0) return jStat.studentt.cdf(t, df);
  // jStat's series is accurate for t ≥ 0; use the reflection P(T'(δ) ≤ t) = 1 − P(T'(−δ) ≤ −t).
  const v = t >= 0 ? jStat.noncentralt.cdf(t, df, ncp) : 1 - jStat.noncentralt.cdf(-t, df, -ncp);
  return Math.min(1, Math.max(0, v));
}
