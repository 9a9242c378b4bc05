/**
 * The training runs of the statistical training claims (C11, C12) as shard tasks (docs/scale.md
 * "Splitting a claim's training runs"): `verify --shard i/n` plans every run the claims' checks
 * could ask for (src/sweep/trainingPlan.ts), trains its slice of them, and stores each TrainRun;
 * `covcheck merge` serves the pooled runs back to the checks through a TrainFn, so each check
 * decides from the same per-seed data as the unsharded run: the verdicts are recomputed from the
 * pooled runs, never voted.
 */
import type { Check, RunOptions } from '../runner/check.js';
import { plannerOf, type PlannedRun } from '../sweep/trainingPlan.js';
import type { TrainFn, TrainRun } from '../sweep/trainFn.js';
import { TaskError } from './failure.js';
import type { StoredOutcome } from './shardFile.js';
import type { TaskOutcome } from './task.js';
import { trainKey, trainTask } from './trainTask.js';
import { WorkerPool } from './workerPool.js';

/** Shard task keys of training runs start with this (check ids never do). */
export const RUN_TASK_PREFIX = 'train:';

/** The shard task key of a run: "train:" + settingKey#seed. */
export function runTaskKey(run: PlannedRun): string {
  return RUN_TASK_PREFIX + trainKey(run.setting, run.seed);
}

/** Whether a check trains (its runs can be planned and split). */
export function isTrainingCheck(check: Check): boolean {
  return plannerOf(check) !== undefined;
}

/**
 * Every run the training checks among `checks` could ask for, each once, in the order first asked
 * for (deterministic: the plan depends only on the checks and their options).
 */
export async function planClaimRuns(checks: readonly Check[], optionsOf: (check: Check) => RunOptions): Promise<PlannedRun[]> {
  const out = new Map<string, PlannedRun>();
  for (const c of checks) {
    const planner = plannerOf(c);
    if (!planner) continue;
    for (const r of await planner(optionsOf(c))) if (!out.has(runTaskKey(r))) out.set(runTaskKey(r), r);
  }
  return [...out.values()];
}

/** A run's relative cost for shard balance (~ samples processed; a CI-scale C11 run ≈ 17). */
export function runCost(run: PlannedRun): number {
  return (run.setting.steps * run.setting.batch + run.setting.evalSamples) / 2000;
}

/** Trains `runs` on `jobs` workers (1: here); outcomes in the order given, keyed by runTaskKey. */
export async function trainPlanned(runs: readonly PlannedRun[], jobs: number, onProgress?: (done: number, key: string) => void): Promise<TaskOutcome<TrainRun>[]> {
  if (runs.length === 0) return [];
  const pool = new WorkerPool({ jobs: Math.min(jobs, runs.length), ...(onProgress ? { onProgress: (done: number, _t: number, key: string) => onProgress(done, key) } : {}) });
  try {
    const outcomes = await pool.runAll<TrainRun>(runs.map((r) => trainTask(r.setting, r.seed)));
    return outcomes.map((o, i) => ({ ...o, key: runTaskKey(runs[i]!) }));
  } finally {
    await pool.close();
  }
}

/**
 * A TrainFn answering from pooled shard outcomes: a stored run, a stored failure (rejects with its
 * TaskError, as the pool would have), or an Error naming a run no shard planned.
 */
export function pooledTrainFn(outcomes: ReadonlyMap<string, StoredOutcome<TrainRun>>): TrainFn {
  return async (setting, seed) => {
    const key = runTaskKey({ setting, seed });
    const o = outcomes.get(key);
    if (o === undefined) throw new Error(`merge: training run ${key} is in no shard (the shards' training plan missed it; please report this)`);
    if (!o.ok) throw new TaskError(key, o.failure);
    return o.value;
  };
}
