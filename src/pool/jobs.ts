/**
 * `--jobs N`: how many workers run tasks at once. The default is the number of cores Node may use
 * (os.availableParallelism()); 1 runs every task in-process, one after the other, as covcheck did
 * before the pool (user code is the exception: it always runs isolated, see isolate.ts).
 */
import { availableParallelism } from 'node:os';
import { InputError } from '../errors.js';

/** More workers than this is a typo, not a machine (each worker holds its own heap). */
export const MAX_JOBS = 256;

export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/** Parses a --jobs value ("4"; undefined → the default); throws InputError naming the flag. */
export function parseJobs(raw: string | undefined, flag = '--jobs'): number {
  if (raw === undefined) return defaultJobs();
  const s = raw.trim();
  if (!/^[0-9]+$/.test(s) || Number(s) < 1 || Number(s) > MAX_JOBS) {
    throw new InputError(flag, `expected a whole number of workers from 1 to ${MAX_JOBS}, got ${JSON.stringify(raw)}`);
  }
  return Number(s);
}
