/**
 * Runs one shard of a run on a pool and gives its shard file (shardFile.ts): the tasks shardOf
 * picks from the canonical list, their outcomes in canonical order. The unsharded run is the
 * special case 1/1; `mergeShards` of all n shard files gives the outcomes of the unsharded run.
 */
import { shardOf, type Shard } from './shard.js';
import { SHARD_FORMAT, SHARD_FORMAT_VERSION, type ShardFile, type ShardRun, type StoredOutcome } from './shardFile.js';
import type { TaskOutcome, TaskSpec } from './task.js';
import type { WorkerPool } from './workerPool.js';

/**
 * `specs` are every task of the run in canonical order (their keys are run.tasks); `cost` balances
 * the split (shard.ts). Returns the shard file (write it with writeShardFile).
 */
export async function runShard<R = unknown>(pool: WorkerPool, run: ShardRun, specs: readonly TaskSpec[], shard: Shard, cost?: (spec: TaskSpec) => number): Promise<ShardFile<R>> {
  if (specs.length !== run.tasks.length || specs.some((s, i) => s.key !== run.tasks[i])) {
    throw new Error('runShard: the task specs must be the run\'s tasks, in the order of run.tasks');
  }
  const mine = shardOf(specs, shard, cost);
  const outcomes = await pool.runAll<R>(mine);
  return shardFileOf(run, shard, outcomes);
}

/** A shard file from outcomes (any order; stored in canonical order). */
export function shardFileOf<R>(run: ShardRun, shard: Shard, outcomes: readonly TaskOutcome<R>[]): ShardFile<R> {
  const index = new Map(run.tasks.map((k, i) => [k, i]));
  for (const o of outcomes) if (!index.has(o.key)) throw new Error(`shardFileOf: task ${JSON.stringify(o.key)} is not part of the run`);
  const results: StoredOutcome<R>[] = [...outcomes].sort((a, b) => index.get(a.key)! - index.get(b.key)!);
  return { format: SHARD_FORMAT, formatVersion: SHARD_FORMAT_VERSION, run, shard, results };
}
