/**
 * Power and sample size of the one-sided t-test and of TOST (docs/statistics.md "Power"): exact
 * with the noncentral t for the one-sided test, a lower bound for TOST.
 */
import { noncentralTCdf, normalQuantileUpper, tQuantileUpper } from './distributions.js';

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
  const z = normalQuantileUpper;
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
