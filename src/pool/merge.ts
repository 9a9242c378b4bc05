/**
 * `covcheck merge DIR…` (docs/scale.md): the shard files of one run combined into the outcomes of
 * every task in canonical order, as if one machine had run them all; the command then recomputes
 * every verdict from these pooled outcomes (per-seed data for the statistical claims), so the merged
 * report.json is byte-identical to the unsharded run's. Refused with an InputError naming the file:
 * a foreign shard (another covcheck version, command, seed, options, task list or shard count than
 * the others), a shard given twice, a missing shard, a task missing or held by two shards, a task
 * that is not part of the run.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import type { Shard } from './shard.js';
import { readShardFile, type ShardFile, type ShardRun, type StoredOutcome } from './shardFile.js';

/** The conventional name of a shard file: shard-2-of-4.covcheck-shard.json. */
export function shardFileName(shard: Shard): string {
  return `shard-${shard.index}-of-${shard.count}${SHARD_SUFFIX}`;
}

export const SHARD_SUFFIX = '.covcheck-shard.json';

/** The shard files under the given paths: files as given, folders searched recursively for *.covcheck-shard.json (sorted). */
export async function findShardFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.isDirectory()) await walk(join(dir, e.name));
      else if (e.name.endsWith(SHARD_SUFFIX)) out.push(join(dir, e.name));
    }
  };
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = (await stat(p)).isDirectory();
    } catch (e) {
      throw new InputError(p, `no such file or folder (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    if (isDir) await walk(p);
    else out.push(p);
  }
  return out;
}

export interface MergeOptions {
  /** The merging covcheck's version: shards of another version are foreign (their verdicts could differ). */
  readonly covcheck?: string;
}

export interface MergedRun<R = unknown> {
  readonly run: ShardRun;
  readonly shardCount: number;
  /** Every task of the run, in canonical order (run.tasks). */
  readonly outcomes: readonly StoredOutcome<R>[];
}

/** Reads, checks and pools the shard files (all of one run, each shard once). */
export async function mergeShards<R = unknown>(files: readonly string[], options: MergeOptions = {}): Promise<MergedRun<R>> {
  if (files.length === 0) throw new InputError('merge', 'no shard files given (expected files or folders holding *.covcheck-shard.json)');
  const shards: { path: string; file: ShardFile<R> }[] = [];
  for (const path of files) shards.push({ path, file: await readShardFile<R>(path) });
  const { reference, refPath } = commonRun(shards);
  for (const { path, file } of shards) {
    if (options.covcheck !== undefined && file.run.covcheck !== options.covcheck) {
      throw new InputError(path, `foreign shard: written by covcheck ${file.run.covcheck}, this is covcheck ${options.covcheck} (rerun the shard with this version)`);
    }
    const diff = runDifference(file, reference);
    if (diff !== null) throw new InputError(path, `foreign shard: its ${diff.what} is ${diff.mine}, the other shards' (${refPath}) is ${diff.theirs}`);
  }
  const count = reference.shard.count;
  const byIndex = new Map<number, string>();
  for (const { path, file } of shards) {
    const other = byIndex.get(file.shard.index);
    if (other !== undefined) throw new InputError(path, `duplicate shard ${file.shard.index}/${count}: ${other} is the same shard`);
    byIndex.set(file.shard.index, path);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    throw new InputError('merge', `incomplete run: shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing (given: ${[...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([i, p]) => `${i}/${count} ${p}`).join(', ')})`);
  }
  const tasks = new Set(reference.run.tasks);
  const owner = new Map<string, { path: string; outcome: StoredOutcome<R> }>();
  for (const { path, file } of shards) {
    for (const outcome of file.results) {
      if (!tasks.has(outcome.key)) throw new InputError(path, `holds task ${JSON.stringify(outcome.key)}, which is not part of the run`);
      const other = owner.get(outcome.key);
      if (other !== undefined) throw new InputError(path, `duplicate task ${JSON.stringify(outcome.key)}: ${other.path} holds it too`);
      owner.set(outcome.key, { path, outcome });
    }
  }
  const outcomes: StoredOutcome<R>[] = [];
  for (const key of reference.run.tasks) {
    const o = owner.get(key);
    if (o === undefined) throw new InputError('merge', `task ${JSON.stringify(key)} is in no shard file (a shard was cut short or edited?)`);
    outcomes.push(o.outcome);
  }
  return { run: reference.run, shardCount: count, outcomes };
}

/** The run most files agree on (ties: the first file's), and a file that holds it. */
function commonRun<R>(shards: readonly { path: string; file: ShardFile<R> }[]): { reference: ShardFile<R>; refPath: string } {
  const votes = new Map<string, { n: number; path: string; file: ShardFile<R> }>();
  for (const s of shards) {
    const sig = signature(s.file);
    const v = votes.get(sig);
    if (v) v.n++;
    else votes.set(sig, { n: 1, path: s.path, file: s.file });
  }
  let best: { n: number; path: string; file: ShardFile<R> } | null = null;
  for (const v of votes.values()) if (best === null || v.n > best.n) best = v;
  return { reference: best!.file, refPath: best!.path };
}

function signature(f: ShardFile<unknown>): string {
  return JSON.stringify([f.run.covcheck, f.run.command, f.run.seed, canonical(f.run.options), f.run.tasks, f.shard.count]);
}

function runDifference(a: ShardFile<unknown>, b: ShardFile<unknown>): { what: string; mine: string; theirs: string } | null {
  const pairs: [string, unknown, unknown][] = [
    ['covcheck version', a.run.covcheck, b.run.covcheck],
    ['command', a.run.command, b.run.command],
    ['seed', a.run.seed, b.run.seed],
    ['shard count', a.shard.count, b.shard.count],
    ['options', canonical(a.run.options), canonical(b.run.options)],
    ['task list', a.run.tasks, b.run.tasks],
  ];
  for (const [what, x, y] of pairs) {
    const sx = JSON.stringify(x);
    const sy = JSON.stringify(y);
    if (sx === sy) continue;
    if (what !== 'task list') return { what, mine: clip(sx), theirs: clip(sy) };
    const xs = x as readonly string[];
    const ys = y as readonly string[];
    const i = xs.findIndex((k, j) => k !== ys[j]);
    return i < 0 || i >= ys.length
      ? { what: 'task list', mine: `${xs.length} tasks`, theirs: `${ys.length} tasks` }
      : { what: `task #${i + 1}`, mine: clip(JSON.stringify(xs[i])), theirs: clip(JSON.stringify(ys[i])) };
  }
  return null;
}

/** Options with their keys sorted (the order they were written in decides nothing). */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

function clip(s: string): string {
  return s.length > 120 ? `${s.slice(0, 120)}…` : s;
}
