/**
 * `verify --shard i/n` and its merge (docs/scale.md): the selected checks are cut into n slices,
 * deterministically from the check list (the checks of one statistical claim stay together, so its
 * parts share their training runs and decide from all of them); slice i runs and writes a shard
 * file of its CheckResults; `covcheck merge` reads every slice back, in registry order, and builds
 * the report exactly as the unsharded run does (a check's result depends only on its id and seed).
 */
import { join } from 'node:path';
import type { Check, CheckResult, ClaimRecord, VerifyScale } from '../../runner/check.js';
import { shardAssignment, type Shard } from '../../pool/shard.js';
import { writeShardFile, type ShardRun } from '../../pool/shardFile.js';
import { shardFileName } from '../../pool/merge.js';

/** The options of verify that define a run (verify.ts VerifyOptions). */
interface RunDefinition {
  readonly seed: number;
  readonly scale: VerifyScale;
  readonly runs: number | null;
  readonly claims: readonly string[] | null;
  readonly check: string | null;
  readonly loss?: string | null;
  readonly backend?: string;
  readonly corpus?: boolean;
}

/** Training-heavy checks count this many ordinary ones when slices are balanced. */
const STATISTICAL_COST = 50;

/** The checks of slice `shard`, in the order given. */
export function shardChecks(checks: readonly Check[], shard: Shard): Check[] {
  const groupOf = (c: Check): string => (c.arithmetic === 'statistical' ? `claim ${c.claim}` : `check ${c.id}`);
  const groups = [...new Set(checks.map(groupOf))];
  const costs = groups.map((g) => checks.filter((c) => groupOf(c) === g).reduce((s, c) => s + (c.arithmetic === 'statistical' ? STATISTICAL_COST : 1), 0));
  const assign = shardAssignment(groups.length, shard.count, costs);
  const mine = new Set(groups.filter((_, j) => assign[j] === shard.index));
  return checks.filter((c) => mine.has(groupOf(c)));
}

/** What a merge needs besides the results: the options of the run, the claim records, the titles. */
export interface VerifyShardOptions {
  readonly [k: string]: unknown;
  readonly scale: RunDefinition['scale'];
  readonly runs: number | null;
  readonly claims: readonly string[] | null;
  readonly check: string | null;
  /** The backend as the report names it (tfjs-wasm). */
  readonly reportBackend: string;
  /** The rest of the run's definition (verify's options: --loss, --backend, --no-corpus). */
  readonly loss: string | null;
  readonly backend: string | null;
  readonly corpus: boolean | null;
  readonly records: readonly ClaimRecord[];
  readonly titles: readonly string[];
}

/** The run every slice of this verify shares (its identity in a merge). */
export function verifyShardRun(o: RunDefinition, version: string, backend: string, all: readonly Check[], records: readonly ClaimRecord[]): ShardRun {
  const claimIds = new Set(all.map((c) => c.claim));
  const options: VerifyShardOptions = { scale: o.scale, runs: o.runs, claims: o.claims, check: o.check, reportBackend: backend, loss: o.loss ?? null, backend: o.backend ?? null, corpus: o.corpus ?? null, records: records.filter((c) => claimIds.has(c.id)), titles: all.map((c) => c.title) };
  return { covcheck: version, command: 'verify', seed: o.seed, options, tasks: all.map((c) => c.id) };
}

/** Writes slice `shard`'s results under <reportDir>/shards/<run name>/; answers the path. */
export async function writeVerifyShard(dir: string, run: ShardRun, shard: Shard, results: readonly CheckResult[]): Promise<string> {
  const path = join(dir, shardFileName(shard));
  const stored = results.map((r) => ({ key: r.check, ok: true as const, value: r, ms: r.ms }));
  await writeShardFile(path, { format: 'covcheck-shard', formatVersion: 1, run, shard, results: stored });
  return path;
}
