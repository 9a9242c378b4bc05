/**
 * Shared plumbing of the statistical training checks (C11, C12): the seeds of an experiment, the
 * training runs of several settings paired by seed, progress, and the parts of a CheckResult.
 */
import type { CheckResult, ClaimId, RunOptions } from '../runner/check.js';
import { experimentSeeds, type RunCache, type TrainRun, type TrainSetting } from '../sweep/trainFn.js';
import { combineAll, summarize, tQuantileUpper, type Decision } from './tests.js';
import { describe as describeTest, flatten, worstOf, type TestResult } from './report.js';
import type { ErrorBarPoint } from './plot.js';

/** Base seed of the training experiments when the runner gives none (RunOptions has no base seed yet). */
export const DEFAULT_EXPERIMENT_SEED = 20_101;

/**
 * The base seed of an experiment: `baseSeed` of the run options when the runner passes it (the
 * verify --seed), else a fixed one. Deliberately not RunOptions.seed: that one is derived per check
 * id, and the parts of a claim must share their training runs (same seeds) to stay affordable.
 */
export function experimentBase(options: RunOptions): number {
  const b = (options as RunOptions & { readonly baseSeed?: number }).baseSeed;
  return typeof b === 'number' && Number.isInteger(b) ? b : DEFAULT_EXPERIMENT_SEED;
}

/** Seeds 0..n−1 of a claim's experiment (the same list for every setting: runs pair by index). */
export function claimSeeds(options: RunOptions, claim: ClaimId, n: number): number[] {
  return experimentSeeds(experimentBase(options), claim, n);
}

/** The most seeds `--runs` (RunOptions.numRuns) gives a training check: `verify --runs 1000` means
 * 1000 property cases, not 1000 training runs per setting. */
export const MAX_SEEDS_FROM_RUNS = 100;

/** RunOptions.numRuns as seeds per setting: one fixed look of min(max(2, n), 100) seeds. */
export function seedsFromRuns(numRuns: number): number {
  return Math.min(MAX_SEEDS_FROM_RUNS, Math.max(2, numRuns));
}

/** Counts training runs for RunOptions.onProgress. */
export class ProgressCounter {
  private done = 0;
  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly onProgress?: (fraction: number, message: string) => void,
  ) {}
  tick = (): void => {
    this.done++;
    this.onProgress?.(Math.min(1, this.done / Math.max(1, this.total)), `${this.label} (${this.done} runs)`);
  };
}

/** Runs of several settings on the same first n seeds, setting by setting. */
export async function pairedRuns(cache: RunCache, settings: readonly TrainSetting[], seeds: readonly number[], tick?: () => void): Promise<TrainRun[][]> {
  const out: TrainRun[][] = [];
  for (const s of settings) out.push(await cache.runMany(s, seeds, tick));
  return out;
}

/** Mean ± two-sided 95% confidence half-width of each column, as error-bar points at x = xs[i]. */
export function meanBars(rows: readonly (readonly number[])[], xs: readonly number[]): ErrorBarPoint[] {
  return xs.map((x, i) => {
    const s = summarize(rows.map((r) => r[i]!));
    const h = s.n >= 2 ? tQuantileUpper(0.025, s.n - 1) * s.se : Number.NaN;
    return { x, mean: s.mean, lo: s.mean - h, hi: s.mean + h };
  });
}

export interface NamedTest {
  readonly label: string;
  readonly result: TestResult;
}

/** Everything of a CheckResult that comes from the tests (verdict, statistic, message, worst). */
export function resultParts(
  tests: readonly NamedTest[],
  header: string,
  extra: Readonly<Record<string, number | string | boolean>> = {},
): Pick<Omit<CheckResult, 'ms'>, 'verdict' | 'statistic' | 'message' | 'worst'> {
  const decision: Decision = combineAll(tests.map((t) => t.result.decision));
  const statistic: Record<string, number | string | boolean> = { ...extra };
  for (const t of tests) Object.assign(statistic, flatten(t.label, t.result));
  statistic.decision = decision;
  const lines = tests.map((t) => describeTest(t.label, t.result));
  return { verdict: decision, statistic, message: `${header}\n${lines.join('\n')}`, worst: worstOf(tests.map((t) => t.result)) };
}
