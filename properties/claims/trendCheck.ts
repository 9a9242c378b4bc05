/**
 * An asymptotic trend as one custom check (C6's large-τ limits, C7's τ and augmentation trends):
 * the trend's own measurement returns its series count, the worst slope deviation, the fitted slopes,
 * the series that are off, the plots and the words; the verdict follows: no series → inconclusive,
 * none off → pass, else fail.
 */
import type { CheckResult, ClaimId, CustomCheck, RunOptions } from '../../src/runner/check.js';

export interface TrendOutcome {
  /** Series measured (0: the pipeline has none of the losses: inconclusive). */
  readonly cases: number;
  /** The largest |slope − expected|/tolerance, as error/tolerance. */
  readonly worst: { readonly ratio: number; readonly error: number; readonly tolerance: number };
  readonly statistic: Readonly<Record<string, number | string>>;
  /** One line per series off its trend. */
  readonly bad: readonly string[];
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
        message: t.cases === 0 ? t.message.none : t.bad.length === 0 ? t.message.pass : t.message.fail(t.bad),
        plots: t.plots,
      };
    },
  };
}
