/**
 * The worker pool's speed-up and memory (issue 10; docs/scale.md sizes shards from these figures):
 * the same task sets at --jobs 1 (in-process) and --jobs N (worker threads), wall time and ratio,
 * results compared; memory per worker. Run alone: `node bin/run-ts.js bench/pool.ts [N]` (default 2).
 * From the TypeScript sources each worker first registers tsx and transpiles what it loads (about
 * 0.3–0.5 s); the compiled package starts a worker in about 0.15 s.
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { withPool } from '../src/pool/workerPool.js';
import { trainTask } from '../src/pool/trainTask.js';
import type { TaskSpec } from '../src/pool/task.js';
import { C11_CI, lossSetting } from '../properties/claims/C11.js';
import { experimentSeeds } from '../src/sweep/experiment.js';

const TASKS = new URL('./poolTasks.ts', import.meta.url).href;

export interface PoolBenchRow {
  readonly what: string;
  readonly jobs: number;
  /** Wall seconds, worker starts included. */
  readonly seconds: number;
  /** seconds at jobs 1 / seconds here. */
  readonly ratio: number;
  /** The same values as at jobs 1. */
  readonly same: boolean;
}

async function timed(jobs: number, specs: readonly TaskSpec[]): Promise<{ s: number; values: unknown[] }> {
  const t0 = performance.now();
  const outcomes = await withPool({ jobs, seed: 42 }, (p) => p.runAll(specs));
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length > 0) throw new Error(failed.map((o) => (o.ok ? '' : o.failure.message)).join('; '));
  return { s: (performance.now() - t0) / 1000, values: outcomes.map((o) => (o.ok ? stripMs(o.value) : null)) };
}

async function compare(what: string, jobsList: readonly number[], specs: readonly TaskSpec[]): Promise<PoolBenchRow[]> {
  const one = await timed(1, specs);
  const rows: PoolBenchRow[] = [{ what, jobs: 1, seconds: one.s, ratio: 1, same: true }];
  for (const jobs of jobsList) {
    const many = await timed(jobs, specs);
    rows.push({ what, jobs, seconds: many.s, ratio: one.s / many.s, same: isDeepStrictEqual(one.values, many.values) });
  }
  return rows;
}

/** A training run's `ms` is its own timing, not a result. */
function stripMs(v: unknown): unknown {
  return v !== null && typeof v === 'object' && 'ms' in v ? { ...v, ms: 0 } : v;
}

/** Speed-up rows at jobs 1 and each of jobsList: synthetic CPU tasks and C11's CI-scale training runs. */
export async function benchPool(jobsList: readonly number[] = [2], tasks = 16): Promise<PoolBenchRow[]> {
  const spin = Array.from({ length: tasks }, (_, i) => ({ key: `spin-${i}`, module: TASKS, export: 'spin', args: { n: 6_000_000 } }));
  const setting = lossSetting(C11_CI, C11_CI.losses[0]!);
  const train = experimentSeeds(42, 'bench', tasks).map((seed) => trainTask(setting, seed));
  return [
    ...(await compare(`synthetic CPU tasks (${tasks} × 6e6 normal draws)`, jobsList, spin)),
    ...(await compare(`C11 CI training runs (${tasks} seeds, official_nce, depth 4, 200 steps × 128)`, jobsList, train)),
  ];
}

/** Memory per worker with the training engine loaded: each worker's own heap, and the process RSS grown per worker. */
export async function benchWorkerMemory(jobs = 2): Promise<{ rssPerWorkerMb: number; heapUsedMb: number; heapTotalMb: number; externalMb: number }> {
  const rss0 = process.memoryUsage.rss();
  const setting = lossSetting(C11_CI, C11_CI.losses[0]!);
  return withPool({ jobs, seed: 42 }, async (p) => {
    await p.runAll(experimentSeeds(42, 'bench-mem', jobs).map((seed) => trainTask(setting, seed)));
    const probes = await p.runAll<{ heapUsedMb: number; heapTotalMb: number; externalMb: number; threadId: number }>(
      Array.from({ length: jobs }, (_, i) => ({ key: `mem-${i}`, module: TASKS, export: 'workerMemory', args: { holdMs: 300 } })),
    );
    const rss = process.memoryUsage.rss();
    const ok = probes.flatMap((o) => (o.ok ? [o.value] : []));
    const mean = (f: (x: (typeof ok)[number]) => number) => ok.reduce((s, x) => s + f(x), 0) / Math.max(1, ok.length);
    return { rssPerWorkerMb: (rss - rss0) / 2 ** 20 / jobs, heapUsedMb: mean((x) => x.heapUsedMb), heapTotalMb: mean((x) => x.heapTotalMb), externalMb: mean((x) => x.externalMb) };
  });
}

const isMain = process.argv.slice(1).some((a) => resolve(a) === fileURLToPath(import.meta.url));
if (isMain) {
  // node bin/run-ts.js bench/pool.ts [N …]: jobs 1 against each N (default 2).
  const jobsList = process.argv.slice(3).map(Number).filter((n) => Number.isInteger(n) && n > 1);
  if (jobsList.length === 0) jobsList.push(2);
  for (const r of await benchPool(jobsList)) {
    console.log(`${r.what}: jobs ${r.jobs} ${r.seconds.toFixed(2)} s, ×${r.ratio.toFixed(2)} against jobs 1, same results: ${r.same ? 'yes' : 'NO'}`);
  }
  const jobs = jobsList[0]!;
  const m = await benchWorkerMemory(jobs);
  console.log(`memory per worker (training engine loaded, ${jobs} workers): process RSS +${m.rssPerWorkerMb.toFixed(0)} MB per worker; worker heap ${m.heapUsedMb.toFixed(0)} MB used of ${m.heapTotalMb.toFixed(0)} MB, external ${m.externalMb.toFixed(1)} MB`);
}
