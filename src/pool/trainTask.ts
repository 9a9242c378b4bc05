/**
 * The pool task of one training run (setting × seed) of the statistical claims (C11, C12) and of
 * `sweep`: a TrainFn whose runs go to the pool's workers. The run's seed is its own (the claim's
 * experiment seeds, a sweep cell's seed), so its key `settingKey#seed` only names it; a worker keeps
 * one engine TrainFn for all the runs it gets.
 */
import { loadEngineTrainFn, type EngineExtras } from '../sweep/engineTrain.js';
import { settingKey, type TrainFn, type TrainRun, type TrainSetting } from '../sweep/trainFn.js';
import { valueOf } from './failure.js';
import type { TaskSpec } from './task.js';
import type { WorkerPool } from './workerPool.js';

export interface TrainTaskArgs {
  readonly setting: TrainSetting;
  readonly seed: number;
  readonly extras?: EngineExtras;
}

/** This module's URL: the `module` of a training task. */
export const TRAIN_TASK_MODULE = import.meta.url;

const engines = new Map<string, Promise<TrainFn>>();

/** TaskFunction: one training run on this worker's engine. */
export async function trainRun(args: TrainTaskArgs): Promise<TrainRun> {
  const k = JSON.stringify(args.extras ?? {});
  let p = engines.get(k);
  if (!p) {
    p = loadEngineTrainFn(args.extras).then((r) => {
      if ('train' in r) return r.train;
      throw new Error(r.unavailable);
    });
    engines.set(k, p);
  }
  return (await p)(args.setting, args.seed);
}

/** The key of a run: the setting's stable key and the seed. */
export function trainKey(setting: TrainSetting, seed: number): string {
  return `${settingKey(setting)}#${seed}`;
}

/**
 * The start priority of a training run (TaskSpec.priority): a sequential design waits on its runs
 * before it can ask for the next look's, so runs start before checks that nothing waits on.
 */
export const TRAIN_PRIORITY = 1;

export function trainTask(setting: TrainSetting, seed: number, extras?: EngineExtras): TaskSpec<TrainTaskArgs> {
  return { key: trainKey(setting, seed), module: TRAIN_TASK_MODULE, export: 'trainRun', args: { setting, seed, ...(extras ? { extras } : {}) }, cost: setting.steps * setting.batch + setting.evalSamples, priority: TRAIN_PRIORITY };
}

/** A TrainFn that runs on the pool (a failed run rejects with a TaskError naming it and its cause). */
export function poolTrainFn(pool: WorkerPool, extras?: EngineExtras): TrainFn {
  return async (setting, seed) => valueOf(await pool.run<TrainRun>(trainTask(setting, seed, extras)));
}
