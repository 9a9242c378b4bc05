/**
 * The checks of one `verify` run over `--jobs N` workers (docs/scale.md). One pool of N workers
 * runs every check of the registry (checkTask: found by id in the registry module, seed
 * taskSeed(--seed, id) = deriveSeed(--seed, id), as in-process) and the training runs of the
 * statistical training claims (C11, C12). Those claims' checks stay in this thread, all at once:
 * each is a sequential design that waits on its runs, so the runs of every design's first look
 * reach the pool together, ahead of the checks (trainTask's priority), and keep every worker busy.
 * Checks the workers cannot load (corpus replays, a loss plugin's checks) run here, one after
 * the other, while the pool works. The checks start longest first (estimated costs), so the run
 * does not end on one long check alone. Results come back in the order given, whatever order the
 * tasks finish in, so the report does not depend on N. With jobs 1 or no source every check runs
 * here, one after the other, as before the pool.
 */
import type { Check, CheckResult, RunOptions } from '../runner/check.js';
import { checkTask, type CheckSource } from './checkTask.js';
import { taskSeed } from './taskSeed.js';
import { WorkerPool } from './workerPool.js';
import { poolTrainFn, TRAIN_TASK_MODULE } from './trainTask.js';
import { isTrainingCheck } from './claimRuns.js';
import { ENGINE_MODULE, loadEngineTrainFn } from '../sweep/engineTrain.js';
import { useTrainFn } from '../sweep/provider.js';

export interface RunChecksOptions {
  readonly jobs: number;
  /** Where workers find the checks (the registry module); null: every check runs here. */
  readonly source: CheckSource | null;
  /** Ids of the checks the source holds (others run here). */
  readonly sourceIds: ReadonlySet<string>;
  /** Estimated cost of each check (ms at CI scale; the start order only); unknown ids: DEFAULT_CHECK_COST. */
  readonly costs?: Readonly<Record<string, number>>;
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

/** The estimated cost of a check missing from RunChecksOptions.costs (about a typical check's CPU ms at CI scale). */
export const DEFAULT_CHECK_COST = 100;

/** Runs `checks`; answers one result per check, in the order given. */
export async function runChecks(checks: readonly Check[], o: RunChecksOptions): Promise<CheckResult[]> {
  const all = checks.map((check, i) => ({ check, i }));
  const workers = o.jobs > 1 && o.source !== null;
  const inSource = (c: Check): boolean => workers && o.sourceIds.has(c.id) && !isTrainingCheck(c);
  const pooled = all.filter(({ check }) => inSource(check));
  const here = all.filter(({ check }) => !inSource(check));
  const together = workers ? here.filter(({ check }) => isTrainingCheck(check)) : [];
  const oneByOne = here.filter((h) => !together.includes(h));
  const results = new Array<CheckResult>(checks.length);
  const fractions = new Map<number, number>();
  let poolDone = 0;
  const report = (id: string): void => {
    let done = poolDone;
    for (const f of fractions.values()) done += f;
    o.onProgress?.(done, id);
  };
  const runHere = async ({ check, i: at }: { check: Check; i: number }): Promise<void> => {
    fractions.set(at, 0);
    report(check.id);
    const onProgress = (f: number): void => (fractions.set(at, Math.min(1, Math.max(0, f))), report(check.id));
    results[at] = await o.runHere(check, { ...o.run, seed: taskSeed(o.baseSeed, check.id), baseSeed: o.baseSeed, onProgress });
    fractions.set(at, 1);
    report(check.id);
  };

  const pool = workers && (pooled.length > 0 || together.length > 0) ? new WorkerPool({ jobs: o.jobs, seed: o.baseSeed, preload: [o.source!.module, ...(together.length > 0 ? [TRAIN_TASK_MODULE, ENGINE_MODULE] : [])], onProgress: (done, _total, key) => ((poolDone = done), report(key)) }) : null;
  const inPool = async (): Promise<void> => {
    if (pooled.length === 0 || pool === null) return;
    const specs = pooled.map(({ check: c }) => checkTask(o.source!, c.id, { ...o.run, baseSeed: o.baseSeed }, o.costs?.[c.id] ?? DEFAULT_CHECK_COST, o.backend));
    const outcomes = await pool.runAll<CheckResult>(specs);
    for (const [i, out] of outcomes.entries()) {
      const { check, i: at } = pooled[i]!;
      results[at] = out.ok ? out.value : o.failed(check, out.failure.kind === 'threw' ? `the check threw: ${out.failure.error?.message ?? out.failure.message}` : out.failure.message, taskSeed(o.baseSeed, check.id), out.ms);
    }
  };
  const inThread = async (): Promise<void> => {
    for (const h of oneByOne) await runHere(h);
  };
  const restore = pool !== null && together.length > 0 ? await trainInPool(pool) : null;
  try {
    await Promise.all([inPool(), inThread(), ...together.map(runHere)]);
  } finally {
    restore?.();
    await pool?.close();
  }
  return results;
}

/**
 * The statistical checks' training runs (C11, C12) go to the pool; answers what puts the
 * in-thread engine back. When the engine cannot load here, nothing changes (the claims say
 * `inconclusive` as before).
 */
async function trainInPool(pool: WorkerPool): Promise<() => void> {
  if (!('train' in (await loadEngineTrainFn()))) return () => undefined;
  return useTrainFn(poolTrainFn(pool));
}
