/**
 * Where the statistical claims get their training runs: one process-wide RunCache over the
 * engine's train function (so the parts of C11 and C12, separate checks, share their runs), or an
 * injected TrainFn in tests.
 */
import { RunCache } from './runCache.js';
import type { TrainFn } from './trainFn.js';
import { loadEngineTrainFn } from './engineTrain.js';

/** A cache, or why there is none (the engine is missing: the claims are then `inconclusive`). */
export type CacheSource = () => Promise<RunCache | { readonly unavailable: string }>;

let shared: Promise<RunCache | { readonly unavailable: string }> | null = null;

/** The engine-backed cache shared by every check of the process. */
export const engineCache: CacheSource = () => {
  shared ??= loadEngineTrainFn().then((r) => ('train' in r ? new RunCache(r.train) : { unavailable: r.unavailable }));
  return shared;
};

/** A fresh cache over a given train function (tests, sweeps). */
export function cacheOf(train: TrainFn): CacheSource {
  const c = new RunCache(train);
  return async () => c;
}
