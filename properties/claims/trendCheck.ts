/**
 * An asymptotic trend as one custom check (C6's large-τ limits, C7's τ and augmentation trends):
 * the trend's own measurement returns its series count, the worst slope deviation, the fitted slopes,
 * the series that are off, the plots and the words; the verdict follows: no series → inconclusive,
 * none off → pass, else fail.
 */
import type { CheckResult, ClaimId, CustomCheck, RunOptions } from '../../src/runner/check.js';
import { logLogSlope } from '../../src/numeric/leastSquares.js';
import { fmt } from '../../src/runner/run.js';

export interface TrendOutcome {
  /** Series measured (0: the pipeline has none of the losses: inconclusive). */
  readonly cases: number;
  /** The largest |slope − expected|/tolerance, as error/tolerance. */
  readonly worst: { readonly ratio: number; readonly error: number; readonly tolerance: number };
  readonly statistic: Readonly<Record<string, number | string>>;
  /** One line per series off its trend. */
  readonly bad: readonly string[];
  /** One line per series that meets its trend trivially (a quantity 0 at every point); said in the message. */
  readonly trivial?: readonly string[];
  readonly plots: Readonly<Record<string, string>>;
  /** The message with no series, with every series on its trend, and with `bad`. */
  readonly message: { readonly none: string; readonly pass: string; readonly fail: (bad: readonly string[]) => string };
}

export interface TrendCheck {
  readonly id: string;
  readonly claim: ClaimId;
  readonly title: string;
  readonly variant: string;
  readonly arithmetic: CustomCheck['arithmetic'];
}

export function trendCheck(c: TrendCheck, measure: (options: RunOptions) => Promise<TrendOutcome>): CustomCheck {
  return {
    type: 'custom',
    ...c,
    expect: 'hold',
    async run(options: RunOptions): Promise<Omit<CheckResult, 'ms'>> {
      const t = await measure(options);
      return {
        check: c.id,
        claim: c.claim,
        verdict: t.cases === 0 ? 'inconclusive' : t.bad.length === 0 ? 'pass' : 'fail',
        expect: 'hold',
        arithmetic: c.arithmetic,
        variant: c.variant,
        cases: t.cases,
        worst: t.worst,
        seed: options.seed,
        statistic: t.statistic,
        message: (t.cases === 0 ? t.message.none : t.bad.length === 0 ? t.message.pass : t.message.fail(t.bad)) + trivialNote(t.trivial),
        plots: t.plots,
      };
    },
  };
}

function trivialNote(trivial: readonly string[] | undefined): string {
  return trivial && trivial.length > 0 ? `; met trivially (0 at every point): ${trivial.join('; ')}` : '';
}

/**
 * A power law y ~ x^expected judged on a series, with zero and non-finite values handled explicitly
 * (issue 8: a loss whose residue is 0 at every τ meets the trend trivially, THEORY.md C7). A point is
 * 0 when y ≤ its `negligible` level (one for the series, or one per point: the rounding level of each
 * point, C7/models.ts negligibleRatio); `level` is the largest level of the points taken for 0.
 *   - 'zero': every y negligible: the trend holds trivially (no slope is fitted through noise);
 *   - 'undefined': some y is not finite (a zero denominator under a non-zero numerator): no slope;
 *   - 'partial': some y negligible and others not: no log-log slope can be fitted through 0;
 *   - 'fit': the log-log least-squares slope and max/min of y·x^(−expected) (bounded when y ~ x^expected).
 */
export type PowerFit =
  | { readonly kind: 'zero'; readonly max: number; readonly level: number }
  | { readonly kind: 'undefined'; readonly at: readonly number[] }
  | { readonly kind: 'partial'; readonly zeroAt: readonly number[]; readonly max: number; readonly level: number }
  | { readonly kind: 'fit'; readonly slope: number; readonly bound: number };

export function powerFit(points: readonly (readonly [number, number])[], o: { expected: number; negligible: number | readonly number[] }): PowerFit {
  const levelAt = (i: number): number => (typeof o.negligible === 'number' ? o.negligible : o.negligible[i]!);
  if (typeof o.negligible !== 'number' && o.negligible.length !== points.length) throw new RangeError(`powerFit: ${o.negligible.length} negligible levels for ${points.length} points`);
  const nonFinite = points.filter(([, y]) => !Number.isFinite(y)).map(([x]) => x);
  if (nonFinite.length > 0) return { kind: 'undefined', at: nonFinite };
  const max = Math.max(0, ...points.map(([, y]) => y));
  const zero = points.map(([, y], i) => !(y > levelAt(i)));
  const level = Math.max(0, ...points.map((_, i) => (zero[i] ? levelAt(i) : 0)));
  if (zero.every(Boolean)) return { kind: 'zero', max, level };
  const zeroAt = points.filter((_, i) => zero[i]).map(([x]) => x);
  if (zeroAt.length > 0) return { kind: 'partial', zeroAt, max, level };
  const scaled = points.map(([x, y]) => y * x ** -o.expected);
  return { kind: 'fit', slope: logLogSlope(points), bound: Math.max(...scaled) / Math.min(...scaled) };
}

/** The words for a fit that has no slope ('undefined', 'partial'), naming the quantity and the points. */
export function noSlopeWords(f: Exclude<PowerFit, { kind: 'fit' } | { kind: 'zero' }>, o: { quantity: string; x: string }): string {
  return f.kind === 'undefined'
    ? `${o.quantity} is not finite at ${o.x} = ${f.at.map(fmt).join(', ')} (its denominator is 0): no slope`
    : `${o.quantity} is 0 (≤ ${fmt(f.level)}, its rounding level) at ${o.x} = ${f.zeroAt.map(fmt).join(', ')} but up to ${fmt(f.max)} elsewhere: no log-log slope through 0`;
}
