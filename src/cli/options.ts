/**
 * Option parsers shared by the commands. Each throws InputError naming the flag, so a bad value
 * is one line on stderr and exit 2.
 */
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { reportDirProblem } from '../report/write.js';
import type { CliContext } from './context.js';

/** Parses an integer option value in [min, max]; throws InputError(flag) otherwise. */
export function parseIntOption(flag: string, raw: string, min: number, max: number): number {
  const s = raw.trim();
  if (!/^[-+]?\d+$/.test(s)) throw new InputError(flag, `expected an integer, got ${JSON.stringify(raw)}`);
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InputError(flag, `expected an integer in [${min}, ${max}], got ${raw}`);
  }
  return n;
}

/** Parses one of a fixed set of words; throws InputError(flag) otherwise. */
export function parseChoice<T extends string>(flag: string, raw: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  throw new InputError(flag, `expected one of ${choices.join(', ')}, got ${JSON.stringify(raw)}`);
}

/** Seeds: 32-bit integers, signed or unsigned. */
export const SEED_MIN = -2147483648;
export const SEED_MAX = 4294967295;

/** Whether progress bars may be drawn: stderr is a terminal and env CI is unset. */
export function progressAllowed(ctx: Pick<CliContext, 'stderrIsTTY' | 'env'>): boolean {
  return ctx.stderrIsTTY && !ctx.env.CI;
}

/**
 * `--report-dir` resolved against `cwd`, or null with `--no-report` (`report` false); an empty
 * value or a folder that cannot hold report folders is InputError('--report-dir').
 */
export function reportDirOption(raw: string, report: boolean, cwd: string): string | null {
  if (!report) return null;
  if (raw.trim() === '') throw new InputError('--report-dir', 'expected a directory');
  const dir = resolve(cwd, raw);
  const problem = reportDirProblem(dir);
  if (problem !== null) throw new InputError('--report-dir', problem);
  return dir;
}
