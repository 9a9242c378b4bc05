/**
 * The `--impl "COMMAND"` and `--impl-timeout MS` flags (docs/impl.md), shared by verify, hunt,
 * compare and replay: validates them and runs the implementation checks (src/impl/checks).
 */
import { join, resolve } from 'node:path';
import { reportDirProblem } from '../report/write.js';
import { Option } from 'commander';
import { InputError } from '../errors.js';
import { DEFAULT_IMPL_TIMEOUT_MS } from '../impl/index.js';
import { implVerify } from '../impl/checks/implVerify.js';
import { implHunt } from '../impl/hunt/huntCli.js';
import { parseDuration } from '../hunt/search.js';
import type { CliContext } from './context.js';
import { parseIntOption, SEED_MAX, SEED_MIN } from './options.js';

export interface ImplRaw {
  impl?: string;
  implTimeout?: string;
  seed?: string;
  runs?: string;
}

/** hunt's own flags that --impl reads. */
export interface ImplHuntRaw extends ImplRaw {
  claim?: string;
  time?: string;
  save?: boolean;
  progress?: boolean;
}

/** The longest --impl-timeout: one day. */
const IMPL_TIMEOUT_MAX_MS = 86_400_000;

export const implFlags = {
  impl: () => new Option('--impl <command>', 'check your own implementation instead: COMMAND speaks the implementation protocol (docs/impl-protocol.md)'),
  // Validated when parsed, so a bad value is exit 2 naming the flag even without --impl (issue 8 §5).
  timeout: () =>
    new Option('--impl-timeout <ms>', `per-request timeout of --impl, ms (default ${DEFAULT_IMPL_TIMEOUT_MS})`).argParser((v: string) => {
      parseIntOption('--impl-timeout', v, 1, IMPL_TIMEOUT_MAX_MS);
      return v;
    }),
};

/** `hunt --impl`: search and shrink through the implementation (src/impl/hunt); returns the exit code. */
export async function runImplHunt(raw: ImplHuntRaw, ctx: CliContext): Promise<number> {
  const command = implCommand(raw);
  if (raw.runs !== undefined && raw.time !== undefined) throw new InputError('--time', 'give either --runs or --time, not both');
  return implHunt(
    {
      command,
      seed: raw.seed === undefined ? 42 : parseIntOption('--seed', raw.seed, SEED_MIN, SEED_MAX),
      runs: raw.runs === undefined ? null : parseIntOption('--runs', raw.runs, 1, 1_000_000),
      timeMs: raw.time === undefined ? null : parseDuration('--time', raw.time),
      implTimeoutMs: implTimeout(raw),
      claim: raw.claim ?? null,
      cwd: ctx.cwd,
      saveDir: raw.save === false ? null : resolve(ctx.cwd, 'reports', 'impl'),
      progress: raw.progress !== false,
    },
    ctx.stdout,
    ctx.stderr,
  );
}

function implCommand(raw: ImplRaw): string {
  const command = raw.impl ?? '';
  if (command.trim() === '') throw new InputError('--impl', 'expected a command line, e.g. --impl "python3 adapter.py"');
  return command;
}

const implTimeout = (raw: ImplRaw) => (raw.implTimeout === undefined ? null : parseIntOption('--impl-timeout', raw.implTimeout, 1, IMPL_TIMEOUT_MAX_MS));

/** Runs the implementation checks for a command's raw options; returns the exit code. */
export async function runImplFlag(raw: ImplRaw, ctx: CliContext, reportDir: string | null, caseFile?: string, from: 'verify' | 'compare' = 'verify'): Promise<number> {
  const command = implCommand(raw);
  const root = reportDir === null ? null : resolve(ctx.cwd, reportDir);
  if (root !== null && caseFile === undefined) {
    if (reportDir!.trim() === '') throw new InputError('--report-dir', 'expected a directory');
    const problem = reportDirProblem(root);
    if (problem !== null) throw new InputError('--report-dir', problem);
  }
  return implVerify(
    {
      command,
      seed: raw.seed === undefined ? 42 : parseIntOption('--seed', raw.seed, SEED_MIN, SEED_MAX),
      runs: raw.runs === undefined ? null : parseIntOption('--runs', raw.runs, 1, 10_000),
      implTimeoutMs: implTimeout(raw),
      cwd: ctx.cwd,
      saveDir: root === null ? null : join(root, 'impl'),
      ...(caseFile === undefined ? {} : { caseFile }),
      ...(root === null ? {} : { report: { dir: root, command: from, version: ctx.version } }),
    },
    ctx.stdout,
  );
}
