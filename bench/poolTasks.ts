/**
 * Task functions of bench/pool.ts: a CPU-bound synthetic task and a probe of a worker's memory.
 */
import { Rng } from '../src/numeric/random.js';
import type { TaskContext } from '../src/pool/task.js';

/** n seeded normal draws summed: pure CPU, no allocation; the seed is the task's own. */
export function spin(args: { n: number }, ctx: TaskContext): number {
  const rng = new Rng(ctx.seed);
  let s = 0;
  for (let i = 0; i < args.n; i++) s += rng.normal();
  return s;
}

/** This worker's heap and external memory (MB) after `holdMs` of waiting (so each worker gets one). */
export async function workerMemory(args: { holdMs: number }): Promise<{ heapUsedMb: number; heapTotalMb: number; externalMb: number; threadId: number }> {
  await new Promise((r) => setTimeout(r, args.holdMs));
  const m = process.memoryUsage();
  const { threadId } = await import('node:worker_threads');
  return { heapUsedMb: m.heapUsed / 2 ** 20, heapTotalMb: m.heapTotal / 2 ** 20, externalMb: m.external / 2 ** 20, threadId };
}
