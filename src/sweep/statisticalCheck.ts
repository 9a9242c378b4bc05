/**
 * The frame of a statistical training check (C11, C12: one check per part of a claim,
 * docs/statistics.md): the scale's configuration, the source of training runs (an engine that is
 * missing makes the check `inconclusive` with the reason), and the CheckResult built from the
 * part's named tests (verdict: every test must pass; the statistic flattens each test; the worst
 * p/α ratio). The claim supplies only what is its own: the runs it trains and the tests it decides.
 */
import type { CheckResult, ClaimId, CustomCheck, RunOptions, Scale } from '../runner/check.js';
import { combineAll, describe as describeTest, flatten, worstOf, type Decision, type TestResult } from '../stats/index.js';
import type { CacheSource } from './provider.js';
import type { RunCache } from './runCache.js';

export interface NamedTest {
  readonly label: string;
  readonly result: TestResult;
}

type Statistic = Readonly<Record<string, number | string | boolean>>;

/** Everything of a CheckResult that comes from the tests (verdict, statistic, message, worst). */
export function resultParts(tests: readonly NamedTest[], header: string, extra: Statistic = {}): Pick<Omit<CheckResult, 'ms'>, 'verdict' | 'statistic' | 'message' | 'worst'> {
  const decision: Decision = combineAll(tests.map((t) => t.result.decision));
  const statistic: Record<string, number | string | boolean> = { ...extra };
  for (const t of tests) Object.assign(statistic, flatten(t.label, t.result));
  statistic.decision = decision;
  const lines = tests.map((t) => describeTest(t.label, t.result));
  return { verdict: decision, statistic, message: `${header}\n${lines.join('\n')}`, worst: worstOf(tests.map((t) => t.result)) };
}

/** What a part decides once it has its runs: the tests, the message header, extra statistics, the runs counted and the plots. */
export interface PartOutcome {
  readonly tests: readonly NamedTest[];
  readonly header: string;
  readonly extra: Statistic;
  readonly cases: number;
  readonly plots: Readonly<Record<string, string>>;
}

export interface StatisticalCheckSpec<C> {
  readonly id: string;
  readonly claim: ClaimId;
  readonly title: string;
  /** The configuration of each scale, and its one-line description (the check's variant). */
  readonly configs: Readonly<Record<Scale, C>>;
  readonly variant: (cfg: C) => string;
  /** The part's α, stated in `statistic.alpha` when it gives no verdict. */
  readonly alpha: number;
  readonly source: CacheSource;
  /** A reason to answer `inconclusive` without training at this scale (and the statistic that says so), or null. */
  readonly notRunAt?: (cfg: C, options: RunOptions) => { readonly statistic: Statistic; readonly message: string } | null;
  /** Trains what the part needs (from the cache) and decides its tests. */
  readonly decide: (cfg: C, cache: RunCache, options: RunOptions) => Promise<PartOutcome>;
}

const NO_RATIO = { ratio: Number.NaN, error: Number.NaN, tolerance: Number.NaN } as const;

/** A CustomCheck running one part of a statistical training claim. */
export function statisticalCheck<C>(spec: StatisticalCheckSpec<C>): CustomCheck {
  return {
    type: 'custom',
    id: spec.id,
    claim: spec.claim,
    title: spec.title,
    variant: `CI: ${spec.variant(spec.configs.ci)}`,
    expect: 'hold',
    arithmetic: 'statistical',
    async run(options: RunOptions): Promise<Omit<CheckResult, 'ms'>> {
      const cfg = spec.configs[options.scale];
      const base = { check: spec.id, claim: spec.claim, expect: 'hold' as const, arithmetic: 'statistical', variant: spec.variant(cfg), seed: options.seed };
      const inconclusive = (statistic: Statistic, message: string): Omit<CheckResult, 'ms'> => ({ ...base, verdict: 'inconclusive', cases: 0, worst: NO_RATIO, statistic: { alpha: spec.alpha, ...statistic }, message });
      const skip = spec.notRunAt?.(cfg, options);
      if (skip) return inconclusive(skip.statistic, skip.message);
      const cache = await spec.source();
      if (!('run' in cache)) return inconclusive({ unavailable: cache.unavailable }, `no verdict: ${cache.unavailable}`);
      const o = await spec.decide(cfg, cache, options);
      return { ...base, ...resultParts(o.tests, o.header, o.extra), cases: o.cases, plots: o.plots };
    },
  };
}
