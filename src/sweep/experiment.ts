/**
 * The seeds and runs of a statistical training experiment (C11, C12; docs/statistics.md): the
 * training seeds derived from the run's base seed, the design's looks, the runs of several settings
 * paired by seed, progress, and mean ± confidence bars for the plots.
 */
import type { ClaimId, RunOptions } from '../runner/check.js';
import { deriveSeed } from '../numeric/random.js';
import type { ErrorBarPoint } from '../report/errorBarPlot.js';
import { summarize, tHalfWidth } from '../stats/index.js';
import type { RunCache } from './runCache.js';
import type { TrainRun, TrainSetting } from './trainFn.js';
import { isPlanning } from './trainingPlan.js';

/** Base seed of the training experiments when the runner gives none. */
export const DEFAULT_EXPERIMENT_SEED = 20_101;

/**
 * The base seed of an experiment: `baseSeed` of the run options when the runner passes it (the
 * verify --seed), else a fixed one. Deliberately not RunOptions.seed: that one is derived per check
 * id, and the parts of a claim must share their training runs (same seeds) to stay affordable.
 */
export function experimentBase(options: RunOptions): number {
  const b = options.baseSeed;
  return typeof b === 'number' && Number.isInteger(b) ? b : DEFAULT_EXPERIMENT_SEED;
}

/** The training seeds of an experiment: n seeds derived from a base seed and a label. */
export function experimentSeeds(base: number, label: string, n: number): number[] {
  return Array.from({ length: n }, (_, i) => deriveSeed(base, label, i) >>> 0);
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

/**
 * The seeds at each look: the configured looks, or one look of `--runs` seeds. A planning pass
 * (trainingPlan.ts) gets the last look only: every run the design could ask for, whatever the data.
 */
export function looksOf(options: RunOptions, configured: readonly number[]): readonly number[] {
  const looks = options.numRuns !== undefined ? [seedsFromRuns(options.numRuns)] : configured;
  return isPlanning(options) ? looks.slice(-1) : looks;
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

/** Runs of several settings on the same first n seeds, setting by setting (all at once when the cache is parallel). */
export async function pairedRuns(cache: RunCache, settings: readonly TrainSetting[], seeds: readonly number[], tick?: () => void): Promise<TrainRun[][]> {
  if (cache.parallel) return Promise.all(settings.map((s) => cache.runMany(s, seeds, tick)));
  const out: TrainRun[][] = [];
  for (const s of settings) out.push(await cache.runMany(s, seeds, tick));
  return out;
}

/** Mean ± two-sided 95% confidence half-width of each column, as error-bar points at x = xs[i]. */
export function meanBars(rows: readonly (readonly number[])[], xs: readonly number[]): ErrorBarPoint[] {
  return xs.map((x, i) => {
    const s = summarize(rows.map((r) => r[i]!));
    const h = tHalfWidth(s);
    return { x, mean: s.mean, lo: s.mean - h, hi: s.mean + h };
  });
}
