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

/**
 * Makes `engineCache` serve a fresh cache over `train` (`verify --jobs N`: poolTrainFn, whose runs
 * go to the pool's workers, so the cache asks for a claim's runs all at once); null: back to the
 * engine in this thread. Returns what puts the previous cache back. The runs, and so the verdicts, are the same either way.
 */
export function useTrainFn(train: TrainFn | null, parallel = train !== null): () => void {
  const before = shared;
  shared = train === null ? null : Promise.resolve(new RunCache(train, parallel));
  return () => void (shared = before);
}

/** A fresh cache over a given train function (tests, sweeps). */
export function cacheOf(train: TrainFn): CacheSource {
  const c = new RunCache(train);
  return async () => c;
}
