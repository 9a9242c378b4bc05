/**
 * The result file of one shard (`--shard i/n`, docs/scale.md): what defines the run (covcheck
 * version, command, seed, the options that change results, the canonical list of every task key),
 * which shard this is, and the raw outcome of each of its tasks: for statistical claims the
 * per-seed training runs, never a verdict, so that `covcheck merge` recomputes every verdict from
 * the pooled data. Written atomically (temporary file, then rename); numbers are kept exactly
 * (exactJson.ts). Read back with full validation: a file that is not a shard file, or is damaged,
 * is an InputError naming it.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { writeFileAtomic } from './atomicWrite.js';
import { fromExactJson, toExactJson } from './exactJson.js';
import type { Shard } from './shard.js';
import type { TaskFailure } from './task.js';

export const SHARD_FORMAT = 'covcheck-shard';
/** 2: verify shards hold training runs (`train:` tasks) and the run's check list. */
export const SHARD_FORMAT_VERSION = 2;

/** Everything that must be equal across the shards of one run. */
export interface ShardRun {
  /** covcheck's version (package.json). */
  readonly covcheck: string;
  /** "verify", "sweep", …. */
  readonly command: string;
  readonly seed: number;
  /** The options that define the run (not --jobs, --shard, --report-dir, --progress): JSON data. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Every task key of the whole run, in canonical order. */
  readonly tasks: readonly string[];
}

/** One task's outcome as stored (the time is kept for cost estimates; it decides nothing). */
export type StoredOutcome<R = unknown> =
  | { readonly key: string; readonly ok: true; readonly value: R; readonly ms: number }
  | { readonly key: string; readonly ok: false; readonly failure: TaskFailure; readonly ms: number };

export interface ShardFile<R = unknown> {
  readonly format: typeof SHARD_FORMAT;
  readonly formatVersion: typeof SHARD_FORMAT_VERSION;
  readonly run: ShardRun;
  readonly shard: Shard;
  /** This shard's tasks, in canonical order. */
  readonly results: readonly StoredOutcome<R>[];
}

export function shardFileText(file: ShardFile): string {
  return toExactJson(file, 1) + '\n';
}

/** Writes the shard file atomically. */
export async function writeShardFile(path: string, file: ShardFile): Promise<void> {
  await writeFileAtomic(path, shardFileText(file));
}

/** Reads and validates a shard file; every problem is an InputError whose field is the path. */
export async function readShardFile<R = unknown>(path: string): Promise<ShardFile<R>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new InputError(path, `cannot read the shard file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let v: unknown;
  try {
    v = fromExactJson(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new InputError(path, `is not valid JSON (${(e as Error).message}): a damaged or truncated shard file?`);
  }
  return validateShardFile<R>(v, path);
}

function validateShardFile<R>(v: unknown, path: string): ShardFile<R> {
  const bad = (what: string): never => {
    throw new InputError(path, `is not a covcheck shard file (format ${SHARD_FORMAT} ${SHARD_FORMAT_VERSION}): ${what}`);
  };
  if (!isObject(v)) return bad('not a JSON object');
  if (v.format !== SHARD_FORMAT) return bad(`format is ${JSON.stringify(v.format)}`);
  if (v.formatVersion !== SHARD_FORMAT_VERSION) return bad(`formatVersion is ${JSON.stringify(v.formatVersion)}`);
  const run = v.run;
  if (!isObject(run)) return bad('no run');
  if (typeof run.covcheck !== 'string' || typeof run.command !== 'string') return bad('run.covcheck and run.command must be strings');
  if (typeof run.seed !== 'number' || !Number.isInteger(run.seed)) return bad('run.seed must be an integer');
  if (!isObject(run.options)) return bad('run.options must be an object');
  if (!Array.isArray(run.tasks) || !run.tasks.every((t) => typeof t === 'string')) return bad('run.tasks must be a list of task keys');
  if (new Set(run.tasks).size !== run.tasks.length) return bad('run.tasks repeats a key');
  const shard = v.shard;
  if (!isObject(shard) || !Number.isInteger(shard.index) || !Number.isInteger(shard.count) || (shard.count as number) < 1 || (shard.index as number) < 1 || (shard.index as number) > (shard.count as number)) {
    return bad('shard must be {index, count} with 1 <= index <= count');
  }
  if (!Array.isArray(v.results)) return bad('results must be a list');
  for (const [i, r] of v.results.entries()) {
    if (!isObject(r) || typeof r.key !== 'string' || typeof r.ok !== 'boolean' || typeof r.ms !== 'number') return bad(`results[${i}] must be {key, ok, value | failure, ms}`);
    if (r.ok === false && !(isObject(r.failure) && typeof r.failure.kind === 'string' && typeof r.failure.message === 'string')) return bad(`results[${i}] (${r.key}) failed without a failure {kind, message}`);
  }
  return v as unknown as ShardFile<R>;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
