/**
 * The training plan of a statistical training check (C11, C12; docs/scale.md "Splitting a claim's
 * training runs"): every (setting, seed) run the check could ask for, so that `verify --shard i/n`
 * can spread one claim's runs over n machines and `covcheck merge` can decide the claim from the
 * pooled runs.
 *
 * A sequential design asks for more seeds only when a look is undecided, so the runs a check
 * actually uses depend on the data. The plan is the data-free upper bound: the check's decision
 * is run once with options marked as *planning*, under which `looksOf` (experiment.ts) gives the
 * design's last look only, and a cache that records every request and answers it with a
 * placeholder run (never used for a verdict). With one look the runs asked for no longer depend on
 * their values: every setting at every seed up to the last look. The shards then train at most
 * (last look / deciding look) times the runs the unsharded verify trains; the merge replays the
 * real sequential design on the pooled runs, so its verdicts are the unsharded run's.
 */
import type { RunOptions } from '../runner/check.js';
import type { TrainRun, TrainSetting } from './trainFn.js';

/** One run of a plan. */
export interface PlannedRun {
  readonly setting: TrainSetting;
  readonly seed: number;
}

/** What plans a check's runs from the options it would run with (scale, baseSeed, numRuns). */
export type TrainingPlanner = (options: RunOptions) => Promise<readonly PlannedRun[]>;

const planning = new WeakSet<RunOptions>();
const planners = new WeakMap<object, TrainingPlanner>();

/** A copy of `options` marked as planning (no progress reports). */
export function planningOptions(options: RunOptions): RunOptions {
  const { onProgress: _drop, ...rest } = options;
  const o: RunOptions = { ...rest };
  planning.add(o);
  return o;
}

/** Whether these options belong to a planning pass (looksOf then gives the last look only). */
export function isPlanning(options: RunOptions): boolean {
  return planning.has(options);
}

/** Records that `check` trains, and how to plan its runs. */
export function registerPlanner(check: object, planner: TrainingPlanner): void {
  planners.set(check, planner);
}

/** The planner of a statistical training check; undefined for every other check. */
export function plannerOf(check: object): TrainingPlanner | undefined {
  return planners.get(check);
}

/**
 * A stand-in run for a planning pass: `depth` heights (the engine's count) with values that vary
 * with the seed, so the tests of the pass see finite, non-constant data. Never reported.
 */
export function placeholderRun(setting: TrainSetting, seed: number): TrainRun {
  const wobble = ((seed >>> 0) % 997) / 99_700;
  const init = Array.from({ length: Math.max(2, setting.depth) }, (_, h) => 0.5 + h / 100 + wobble);
  return { seed, init, final: init.map((v, h) => v + (h + 1) / 100 + wobble), steps: setting.steps, diverged: false };
}
