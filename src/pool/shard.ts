/**
 * `--shard i/n`: which tasks of a run shard i of n runs (docs/scale.md). A pure function of the
 * canonical task list, so every machine of a CI matrix computes the same split and the shards cover
 * each task exactly once. Without costs: round-robin over the canonical order (task j goes to shard
 * j mod n + 1), which spreads neighbouring (similar) tasks. With costs (e.g. the ms of an earlier
 * run): greedy longest-first: tasks in decreasing cost (ties: canonical order) each go to the
 * least-loaded shard (ties: the lowest index), within 4/3 of the best balance (Graham's bound).
 */
import { InputError } from '../errors.js';

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

export const MAX_SHARDS = 1024;

/** Parses "i/n" (1 ≤ i ≤ n ≤ MAX_SHARDS); throws InputError naming the flag. */
export function parseShard(raw: string, flag = '--shard'): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw);
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new InputError(flag, `expected i/n with 1 <= i <= n <= ${MAX_SHARDS} (e.g. 2/4), got ${JSON.stringify(raw)}`);
  }
  return { index, count };
}

/** The shard each item goes to (1-based), by position in the canonical list. */
export function shardAssignment(itemCount: number, count: number, costs?: readonly number[]): number[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`shardAssignment: count must be an integer >= 1, got ${count}`);
  if (costs === undefined) return Array.from({ length: itemCount }, (_, j) => (j % count) + 1);
  if (costs.length !== itemCount) throw new RangeError(`shardAssignment: ${costs.length} costs for ${itemCount} items`);
  costs.forEach((c, j) => {
    if (!(Number.isFinite(c) && c >= 0)) throw new RangeError(`shardAssignment: cost of item ${j} must be a finite number >= 0, got ${c}`);
  });
  const order = costs.map((c, j) => ({ c, j })).sort((a, b) => b.c - a.c || a.j - b.j);
  const load = new Array<number>(count).fill(0);
  const out = new Array<number>(itemCount);
  for (const { c, j } of order) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s]! < load[best]!) best = s;
    load[best] = load[best]! + c;
    out[j] = best + 1;
  }
  return out;
}

/** The items of shard `shard`, in canonical order. `cost(item)` balances by estimate when given. */
export function shardOf<T>(items: readonly T[], shard: Shard, cost?: (item: T) => number): T[] {
  if (!Number.isInteger(shard.index) || shard.index < 1 || shard.index > shard.count) throw new RangeError(`shardOf: bad shard ${shard.index}/${shard.count}`);
  const assign = shardAssignment(items.length, shard.count, cost ? items.map(cost) : undefined);
  return items.filter((_, j) => assign[j] === shard.index);
}
