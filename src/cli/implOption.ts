/**
 * The `--impl "COMMAND"` and `--impl-timeout MS` flags (docs/impl.md), shared by verify, hunt,
 * compare and replay: validates them and runs the implementation checks (src/impl/checks).
 */
import { resolve } from 'node:path';
import { Option } from 'commander';
import { InputError } from '../errors.js';
import { DEFAULT_IMPL_TIMEOUT_MS } from '../impl/index.js';
import { implVerify } from '../impl/checks/implVerify.js';
import type { CliContext } from './context.js';
import { parseIntOption, SEED_MAX, SEED_MIN } from './options.js';

export interface ImplRaw {
  impl?: string;
  implTimeout?: string;
  seed?: string;
  runs?: string;
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

/** Runs the implementation checks for a command's raw options; returns the exit code. */
export async function runImplFlag(raw: ImplRaw, ctx: CliContext, reportDir: string | null, caseFile?: string): Promise<number> {
  const command = raw.impl ?? '';
  if (command.trim() === '') throw new InputError('--impl', 'expected a command line, e.g. --impl "python3 adapter.py"');
  return implVerify(
    {
      command,
      seed: raw.seed === undefined ? 42 : parseIntOption('--seed', raw.seed, SEED_MIN, SEED_MAX),
      runs: raw.runs === undefined ? null : parseIntOption('--runs', raw.runs, 1, 10_000),
      implTimeoutMs: raw.implTimeout === undefined ? null : parseIntOption('--impl-timeout', raw.implTimeout, 1, IMPL_TIMEOUT_MAX_MS),
      cwd: ctx.cwd,
      saveDir: reportDir === null ? null : resolve(ctx.cwd, reportDir, 'impl'),
      ...(caseFile === undefined ? {} : { caseFile }),
    },
    ctx.stdout,
  );
}
