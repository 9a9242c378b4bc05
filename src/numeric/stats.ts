/**
 * Distribution functions for the statistical decisions (C3 Monte Carlo, C9, C11, C12), from jStat.
 * Every statistical verdict states its false-failure rate α; these give the thresholds.
 */
import jstatModule from 'jstat';

const { jStat } = jstatModule as unknown as typeof import('jstat');

/** Two-sided Student-t critical value: P(|T_dof| > t) = alpha. */
export function tCritical(alpha: number, dof: number): number {
  return jStat.studentt.inv(1 - alpha / 2, dof);
}

/** One-sided p-value P(T_dof ≥ t). */
export function tUpperP(t: number, dof: number): number {
  return 1 - jStat.studentt.cdf(t, dof);
}

/** Standard normal quantile. */
export function normalQuantile(p: number): number {
  return jStat.normal.inv(p, 0, 1);
}

/** Upper tail of the standard normal, P(Z ≥ z). */
export function normalUpperP(z: number): number {
  return 1 - jStat.normal.cdf(z, 0, 1);
}

/** Mean and sample standard deviation. */
export function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const n = xs.length;
  const mean = xs.reduce((s, v) => s + v, 0) / n;
  const v = n > 1 ? xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : Number.NaN;
  return { mean, sd: Math.sqrt(v) };
}
