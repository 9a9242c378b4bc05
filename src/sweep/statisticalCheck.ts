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
import { RunCache } from './runCache.js';
import { placeholderRun, planningOptions, registerPlanner, type PlannedRun } from './trainingPlan.js';

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

/** What a part's decision gets: the scale's configuration, the runs, the run options and the check id. */
export interface PartContext<C> {
  readonly cfg: C;
  readonly cache: RunCache;
  readonly options: RunOptions;
  readonly id: string;
}

/** The checks of a statistical training claim, one per part. */
export interface StatisticalClaimSpec<P extends string, C> {
  readonly claim: ClaimId;
  readonly parts: readonly P[];
  readonly ids: Readonly<Record<P, string>>;
  readonly titles: Readonly<Record<P, string>>;
  /** The part's α (its share of the claim's budget), stated in `statistic.alpha` when it gives no verdict. */
  readonly alpha: (part: P) => number;
  /** The configuration of each scale, and its one-line description (the check's variant). */
  readonly configs: Readonly<Record<Scale, C>>;
  readonly variant: (cfg: C) => string;
  readonly source: CacheSource;
  /** A reason the part cannot run at this scale (verdict `skipped`, never `pass`), and the statistic that says so, or null. */
  readonly notRunAt?: (part: P, cfg: C, options: RunOptions) => { readonly statistic: Statistic; readonly message: string } | null;
  /** Trains what the part needs (from the cache) and decides its tests. */
  readonly decide: (part: P, ctx: PartContext<C>) => Promise<PartOutcome>;
}

const NO_RATIO = { ratio: Number.NaN, error: Number.NaN, tolerance: Number.NaN } as const;

/** One CustomCheck per part of a statistical training claim. */
export function statisticalChecks<P extends string, C>(spec: StatisticalClaimSpec<P, C>): CustomCheck[] {
  return spec.parts.map((part) => partCheck(spec, part));
}

function partCheck<P extends string, C>(spec: StatisticalClaimSpec<P, C>, part: P): CustomCheck {
  const id = spec.ids[part];
  const alpha = spec.alpha(part);
  const check: CustomCheck = {
    type: 'custom',
    id,
    claim: spec.claim,
    title: spec.titles[part],
    variant: `CI: ${spec.variant(spec.configs.ci)}`,
    expect: 'hold',
    arithmetic: 'statistical',
    async run(options: RunOptions): Promise<Omit<CheckResult, 'ms'>> {
      const cfg = spec.configs[options.scale];
      const base = { check: id, claim: spec.claim, expect: 'hold' as const, arithmetic: 'statistical', variant: spec.variant(cfg), seed: options.seed };
      const inconclusive = (statistic: Statistic, message: string): Omit<CheckResult, 'ms'> => ({ ...base, verdict: 'inconclusive', cases: 0, worst: NO_RATIO, statistic: { alpha, ...statistic }, message });
      const skip = spec.notRunAt?.(part, cfg, options);
      if (skip) return { ...inconclusive(skip.statistic, skip.message), verdict: 'skipped' };
      const cache = await spec.source();
      if (!('run' in cache)) return inconclusive({ unavailable: cache.unavailable }, `no verdict: ${cache.unavailable}`);
      const o = await spec.decide(part, { cfg, cache, options, id });
      return { ...base, ...resultParts(o.tests, o.header, o.extra), cases: o.cases, plots: o.plots };
    },
  };
  // Its training plan (trainingPlan.ts): the decision run once at the last look on placeholder runs.
  registerPlanner(check, async (options) => {
    const cfg = spec.configs[options.scale];
    if (spec.notRunAt?.(part, cfg, options)) return [];
    const asked: PlannedRun[] = [];
    const cache = new RunCache(async (setting, seed) => (asked.push({ setting, seed }), placeholderRun(setting, seed)), true);
    await spec.decide(part, { cfg, cache, options: planningOptions(options), id });
    return asked;
  });
  return check;
}
