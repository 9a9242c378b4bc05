/**
 * `verify --shard i/n` and its merge (docs/scale.md): the run's tasks are cut into n slices,
 * deterministically from the check list. A task is a check, or one training run (setting × seed)
 * of a statistical training claim (C11, C12): those claims' checks are not run by any slice; their
 * planned runs (src/pool/claimRuns.ts) are spread over all slices, and `covcheck merge` decides
 * each such check from the pooled runs, exactly as the unsharded run decides it. Other checks of a
 * statistical claim (C9) stay together in one slice. Slice i writes a shard file of its
 * CheckResults and TrainRuns; the merge reads every slice back and builds the report as the
 * unsharded run does (a check's result depends only on its id, its seed and its runs).
 */
import { join } from 'node:path';
import type { Check, CheckResult, ClaimRecord, RunOptions } from '../../runner/check.js';
import { shardAssignment, type Shard } from '../../pool/shard.js';
import { SHARD_FORMAT, SHARD_FORMAT_VERSION, writeShardFile, type ShardRun, type StoredOutcome } from '../../pool/shardFile.js';
import { shardFileName } from '../../pool/merge.js';
import { isTrainingCheck, planClaimRuns, runCost, runTaskKey } from '../../pool/claimRuns.js';
import { taskSeed } from '../../pool/taskSeed.js';
import type { PlannedRun } from '../../sweep/trainingPlan.js';

/** The options of verify that define a run (verify.ts VerifyOptions). */
interface RunDefinition {
  readonly seed: number;
  readonly scale: 'ci' | 'full';
  readonly runs: number | null;
  readonly claims: readonly string[] | null;
  readonly check: string | null;
  readonly loss?: string | null;
  readonly backend?: string;
  readonly corpus?: boolean;
}

/** Statistical checks count this many ordinary ones when slices are balanced (runCost: a training run). */
const STATISTICAL_COST = 50;

/** The RunOptions a check of this run gets (as runChecks gives them). */
export function checkRunOptions(o: Pick<RunDefinition, 'seed' | 'scale' | 'runs'>, check: Check): RunOptions {
  return { scale: o.scale, ...(o.runs !== null ? { numRuns: o.runs } : {}), seed: taskSeed(o.seed, check.id), baseSeed: o.seed };
}

/** The whole run's tasks and this slice's share of them. */
export interface VerifySplit {
  /** Every task key of the run: the checks run by slices, then the training runs. */
  readonly tasks: readonly string[];
  /** The checks this slice runs, in the order given. */
  readonly checks: readonly Check[];
  /** The training runs this slice trains. */
  readonly runs: readonly PlannedRun[];
}

/** Splits `checks` (the run's selection) and the training runs they plan into slice `shard`. */
export async function splitVerify(all: readonly Check[], o: RunDefinition, shard: Shard): Promise<VerifySplit> {
  const sliced = all.filter((c) => !isTrainingCheck(c));
  const runs = await planClaimRuns(all, (c) => checkRunOptions(o, c));
  const groupOf = (c: Check): string => (c.arithmetic === 'statistical' ? `claim ${c.claim}` : `check ${c.id}`);
  const groups = [...new Set(sliced.map(groupOf))];
  const costs = [
    ...groups.map((g) => sliced.filter((c) => groupOf(c) === g).reduce((s, c) => s + (c.arithmetic === 'statistical' ? STATISTICAL_COST : 1), 0)),
    ...runs.map(runCost),
  ];
  const assign = shardAssignment(costs.length, shard.count, costs);
  const mine = new Set(groups.filter((_, j) => assign[j] === shard.index));
  return {
    tasks: [...sliced.map((c) => c.id), ...runs.map(runTaskKey)],
    checks: sliced.filter((c) => mine.has(groupOf(c))),
    runs: runs.filter((_, j) => assign[groups.length + j] === shard.index),
  };
}

/** What a merge needs besides the results: the options of the run, the claim records, the checks. */
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
  /** Every check of the run in order (the report's order), and their titles. */
  readonly checks: readonly string[];
  readonly titles: readonly string[];
}

/** The run every slice of this verify shares (its identity in a merge). */
export function verifyShardRun(o: RunDefinition, version: string, backend: string, all: readonly Check[], records: readonly ClaimRecord[], tasks: readonly string[]): ShardRun {
  const claimIds = new Set(all.map((c) => c.claim));
  const options: VerifyShardOptions = { scale: o.scale, runs: o.runs, claims: o.claims, check: o.check, reportBackend: backend, loss: o.loss ?? null, backend: o.backend ?? null, corpus: o.corpus ?? null, records: records.filter((c) => claimIds.has(c.id)), checks: all.map((c) => c.id), titles: all.map((c) => c.title) };
  return { covcheck: version, command: 'verify', seed: o.seed, options, tasks };
}

/** Writes slice `shard`'s check results and training runs under <reportDir>/shards/<run name>/; answers the path. */
export async function writeVerifyShard(dir: string, run: ShardRun, shard: Shard, results: readonly CheckResult[], trained: readonly StoredOutcome[]): Promise<string> {
  const path = join(dir, shardFileName(shard));
  const order = new Map(run.tasks.map((k, i) => [k, i]));
  const stored: StoredOutcome[] = [...results.map((r) => ({ key: r.check, ok: true as const, value: r, ms: r.ms })), ...trained];
  stored.sort((a, b) => order.get(a.key)! - order.get(b.key)!);
  await writeShardFile(path, { format: SHARD_FORMAT, formatVersion: SHARD_FORMAT_VERSION, run, shard, results: stored });
  return path;
}
