/**
 * The checks of one `verify` run over `--jobs N` workers (docs/scale.md). Property checks of the
 * registry run as pool tasks (checkTask: found by id in the registry module, seed
 * taskSeed(--seed, id) = deriveSeed(--seed, id), as in-process); every other check (statistical
 * checks sharing training runs, corpus replays, a loss plugin's checks) runs in this thread, one
 * after the other, while the pool works. Results come back in the order given, whatever order the
 * tasks finish in, so the report does not depend on N. With jobs 1 or no source every check runs
 * here, as before the pool.
 */
import type { Check, CheckResult, RunOptions } from '../runner/check.js';
import { checkTask, type CheckSource } from './checkTask.js';
import { taskSeed } from './taskSeed.js';
import { WorkerPool } from './workerPool.js';
import { poolTrainFn } from './trainTask.js';
import { loadEngineTrainFn } from '../sweep/engineTrain.js';
import { useTrainFn } from '../sweep/provider.js';
import type { TrainFn } from '../sweep/trainFn.js';

export interface RunChecksOptions {
  readonly jobs: number;
  /** Where workers find the checks (the registry module); null: every check runs here. */
  readonly source: CheckSource | null;
  /** Ids of the checks the source holds (others run here). */
  readonly sourceIds: ReadonlySet<string>;
  /** --seed: check i's seed is taskSeed(baseSeed, id). */
  readonly baseSeed: number;
  readonly run: Omit<RunOptions, 'seed' | 'baseSeed' | 'onProgress'>;
  /** --backend of the float32 checks, loaded in each worker that runs one. */
  readonly backend?: string;
  /** Runs one check here (a throw becomes the check's `fail`). */
  readonly runHere: (check: Check, options: RunOptions) => Promise<CheckResult>;
  /** The result of a check whose worker failed (threw, exited, ran out of memory). */
  readonly failed: (check: Check, message: string, seed: number, ms: number) => CheckResult;
  /** Checks done (fractions included) and the latest check id. */
  readonly onProgress?: (done: number, id: string) => void;
}

/** Runs `checks`; answers one result per check, in the order given. */
export async function runChecks(checks: readonly Check[], o: RunChecksOptions): Promise<CheckResult[]> {
  const all = checks.map((check, i) => ({ check, i }));
  const inSource = (c: Check): boolean => o.jobs > 1 && o.source !== null && c.type === 'property' && o.sourceIds.has(c.id);
  const pooled = all.filter(({ check }) => inSource(check));
  const here = all.filter(({ check }) => !inSource(check));
  const results = new Array<CheckResult>(checks.length);
  let poolDone = 0;
  let hereDone = 0;
  const report = (id: string): void => o.onProgress?.(poolDone + hereDone, id);

  const inPool = async (): Promise<void> => {
    if (pooled.length === 0 || o.source === null) return;
    const pool = new WorkerPool({ jobs: Math.min(o.jobs, pooled.length), seed: o.baseSeed, onProgress: (done, _total, key) => ((poolDone = done), report(key)) });
    try {
      const specs = pooled.map(({ check: c }) => checkTask(o.source!, c.id, { ...o.run, baseSeed: o.baseSeed }, undefined, o.backend));
      const outcomes = await pool.runAll<CheckResult>(specs);
      for (const [i, out] of outcomes.entries()) {
        const { check, i: at } = pooled[i]!;
        results[at] = (out.ok ? out.value : o.failed(check, out.failure.kind === 'threw' ? `the check threw: ${out.failure.error?.message ?? out.failure.message}` : out.failure.message, taskSeed(o.baseSeed, check.id), out.ms));
      }
    } finally {
      await pool.close();
    }
  };
  const inThread = async (): Promise<void> => {
    for (const [i, { check, i: at }] of here.entries()) {
      hereDone = i;
      report(check.id);
      const onProgress = (f: number): void => ((hereDone = i + Math.min(1, Math.max(0, f))), report(check.id));
      results[at] = await o.runHere(check, { ...o.run, seed: taskSeed(o.baseSeed, check.id), baseSeed: o.baseSeed, onProgress });
    }
    hereDone = here.length;
  };
  const restore = o.jobs > 1 && here.some(({ check }) => check.arithmetic === 'statistical') ? await trainInPool(o.jobs) : null;
  try {
    await Promise.all([inPool(), inThread()]);
  } finally {
    await restore?.();
  }
  return results;
}

/**
 * The statistical checks' training runs (C11, C12) go to a pool of `jobs` workers, started on the
 * first run; answers what closes it and puts the in-thread engine back. When the engine cannot
 * load here, nothing changes (the claims say `inconclusive` as before).
 */
async function trainInPool(jobs: number): Promise<() => Promise<void>> {
  if (!('train' in (await loadEngineTrainFn()))) return async () => undefined;
  let pool: WorkerPool | null = null;
  const train: TrainFn = (setting, seed) => poolTrainFn((pool ??= new WorkerPool({ jobs })))(setting, seed);
  const back = useTrainFn(train);
  return async () => {
    back();
    await (pool as WorkerPool | null)?.close();
  };
}
