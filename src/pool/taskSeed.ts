/**
 * The seed of a task, from its identity alone: taskSeed(runSeed, key) = deriveSeed(runSeed, key),
 * FNV-1a (32-bit) over the UTF-16 code units of the key, started from runSeed (src/numeric/random.ts,
 * the one definition). Never from the task's position in a queue, its worker or the number of
 * workers, so `--jobs N` and `--shard i/n` cannot change a result. For `verify` the key is the check
 * id, which gives exactly the seed each check has always had (deriveSeed(--seed, check id)).
 */
import { deriveSeed } from '../numeric/random.js';

export function taskSeed(runSeed: number, key: string): number {
  return deriveSeed(runSeed, key);
}
