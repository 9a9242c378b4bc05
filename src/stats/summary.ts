/**
 * Summaries of values over seeds (docs/statistics.md): mean, sample standard deviation and standard
 * error; the t confidence half-width of the mean; paired differences of two settings by seed.
 */
import { tQuantileUpper } from './distributions.js';

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

/** Half-width t_{1−tail, n−1}·se of the two-sided (1 − 2·tail) confidence interval of the mean (NaN for n < 2). */
export function tHalfWidth(s: Summary, tail = 0.025): number {
  return s.n >= 2 ? tQuantileUpper(tail, s.n - 1) * s.se : Number.NaN;
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
