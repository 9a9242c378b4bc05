/**
 * `covcheck merge DIR…` (docs/scale.md): the shard files of one `verify --shard i/n` or
 * `sweep --shard i/n` run (files, or folders searched for *.covcheck-shard.json) pooled into the
 * report the unsharded run writes, byte for byte. verify: every check result is put back in the
 * run's check order, the statistical training claims (C11, C12) decide here from the pooled
 * per-seed runs, and the report is built as `verify` builds it. sweep: every cell's run in grid
 * order, reported as `sweep` reports it. A missing, duplicated or foreign shard (other covcheck
 * version, command, seed or options) is exit 2 naming the file (src/pool/merge.ts).
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Check, CheckResult } from '../../runner/check.js';
import { InputError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { findShardFiles, mergeShards, type MergedRun } from '../../pool/merge.js';
import { reportDirOption } from '../options.js';
import { reportVerify, runOne, type VerifyOptions } from './verify.js';
import { checkRunOptions, type VerifyShardOptions } from './verifyShard.js';
import { pooledTrainFn, RUN_TASK_PREFIX } from '../../pool/claimRuns.js';
import type { StoredOutcome } from '../../pool/shardFile.js';
import { useTrainFn } from '../../sweep/provider.js';
import type { TrainRun } from '../../sweep/trainFn.js';
import { mergedSweep } from '../../pool/sweepShard.js';
import { reportSweep } from './sweep.js';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('merge')
    .description('combine the shard files of a `verify --shard i/n` or `sweep --shard i/n` run into its one report')
    .argument('<paths...>', 'shard files, or folders holding *.covcheck-shard.json')
    .option('--report-dir <dir>', 'where runs/<name>/ and latest/ are written', 'reports')
    .option('--json', 'print report.json on stdout (the table goes to stderr)')
    .action(async (paths: string[], raw: { reportDir: string; json?: boolean }) => {
      const reportDir = reportDirOption(raw.reportDir, true, ctx.cwd)!;
      const files = await findShardFiles(paths.map((p) => resolve(ctx.cwd, p)));
      const merged = await mergeShards(files, { covcheck: ctx.version });
      if (merged.run.command === 'sweep') {
        const { definition, records, state } = mergedSweep(merged.run, merged.outcomes);
        ctx.exitCode = await reportSweep({ ...definition, reportDir }, { records, state, trained: records.length, resumed: 0 }, raw.json === true, ctx);
        return;
      }
      if (merged.run.command !== 'verify') throw new InputError('merge', `the shards are of \`covcheck ${merged.run.command}\`, not of verify or sweep`);
      ctx.exitCode = await mergeVerify(merged, reportDir, raw.json === true, ctx);
    });
}

/** The report of merged verify shards: stored check results, and the training claims decided here from the pooled runs. */
async function mergeVerify(merged: MergedRun, reportDir: string, json: boolean, ctx: CliContext): Promise<number> {
  const so = merged.run.options as unknown as VerifyShardOptions;
  const o: VerifyOptions = { claims: so.claims, check: so.check, runs: so.runs, seed: merged.run.seed, scale: so.scale, reportDir, json, progress: false, loss: so.loss, ...(so.backend !== null ? { backend: so.backend } : {}), ...(so.corpus !== null ? { corpus: so.corpus } : {}) };
  const byKey = new Map(merged.outcomes.map((out) => [out.key, out]));
  for (const out of merged.outcomes) {
    if (!out.ok && !out.key.startsWith(RUN_TASK_PREFIX)) throw new InputError('merge', `task ${out.key} failed in its shard: ${out.failure.message}`);
  }
  // The training claims' checks (in no shard) decide here, from the pooled per-seed runs.
  const registry = so.checks.some((id) => !byKey.has(id)) ? await ctx.registry() : null;
  const restore = useTrainFn(pooledTrainFn(byKey as ReadonlyMap<string, StoredOutcome<TrainRun>>), false);
  const runs: { check: Check; result: CheckResult }[] = [];
  try {
    for (const [i, id] of so.checks.entries()) {
      const out = byKey.get(id);
      // The report takes only the check's title from it (buildVerifyReport).
      if (out?.ok) runs.push({ check: { title: so.titles[i] ?? id } as unknown as Check, result: out.value as CheckResult });
      else {
        const check = registry?.checks.find((c) => c.id === id);
        if (!check) throw new InputError('merge', `check ${id} is in no shard file and not in this covcheck's registry`);
        runs.push({ check, result: await runOne(check, checkRunOptions(o, check)) });
      }
    }
  } finally {
    restore();
  }
  return reportVerify(o, so.records, runs, { ...ctx, backend: so.reportBackend });
}
