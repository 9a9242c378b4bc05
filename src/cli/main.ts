/**
 * The covcheck command line. `main(argv)` parses with commander (exitOverride: nothing calls
 * process.exit), runs one command and returns its exit code:
 *   0 nothing failed, 1 a claim failed, 2 bad usage or input, 3 internal error.
 * Every command is registered from src/cli/commands/index.ts with `register(program, ctx)`.
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { Check, ClaimRecord } from '../runner/check.js';
import { InputError } from '../errors.js';

/** Something text can be written to (process.stdout, process.stderr, or a test's capture). */
export interface TextOut {
  write(chunk: string): unknown;
}

/**
 * What every command receives. Commands write only through `stdout`/`stderr`, read claims and
 * checks only from `checks`/`claims` (tests inject fake ones), and report their exit code by
 * setting `exitCode` (or by throwing: InputError → 2, anything else → 3).
 */
export interface CliContext {
  /** Claim records (docs/theory.md §2), in registry order. */
  readonly claims: readonly ClaimRecord[];
  /** Every executable check, in registry order. */
  readonly checks: readonly Check[];
  readonly stdout: TextOut;
  readonly stderr: TextOut;
  /** Whether stderr is an interactive terminal (progress bars need it, and env CI unset). */
  readonly stderrIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative paths (report dirs, files) resolve against this. */
  readonly cwd: string;
  /** covcheck's package version. */
  readonly version: string;
  /** The numeric backend recorded in reports. */
  readonly backend: string;
  /** Failure-corpus folders that `verify` replays first (default: covcheck's own and ./fixtures/counterexamples). */
  readonly corpusDirs?: readonly string[];
  /** --debug: print stacks of internal errors. */
  readonly debug: boolean;
  /** The command's exit code; 0 unless the command sets it. */
  exitCode: number;
}

/** Test and embedding hooks: anything given replaces the process/registry default. */
export type CliOverrides = Partial<Omit<CliContext, 'exitCode' | 'debug'>>;

const PROGRAM = 'covcheck';
const COMMANDS_WITHOUT_DEFAULT = new Set(['-h', '--help', '-V', '--version', 'help']);

/**
 * Runs covcheck with the given arguments (without `node` and the script) and returns the exit code.
 * `covcheck` with no command, or with options only, runs `verify`.
 */
export async function main(argv: readonly string[], overrides: CliOverrides = {}): Promise<number> {
  const { args, debug } = extractDebug(argv);
  let ctx: CliContext | undefined;
  const stderr = overrides.stderr ?? process.stderr;
  try {
    ctx = await makeContext(overrides, debug);
    const program = await buildProgram(ctx);
    const commandNames = new Set(program.commands.flatMap((c) => [c.name(), ...c.aliases()]));
    const first = args[0];
    const full =
      first === undefined || (first.startsWith('-') && !COMMANDS_WITHOUT_DEFAULT.has(first) && !commandNames.has(first))
        ? ['verify', ...args]
        : [...args];
    await program.parseAsync(full, { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    return handleError(e, stderr, debug);
  }
}

/** Builds the commander program with every registered command (exported for docs and tests). */
export async function buildProgram(ctx: CliContext): Promise<Command> {
  const program = new Command(PROGRAM);
  program
    .description('Property-based checks of the covariance-operator theory of contrastive SSL (THEORY: docs/theory.md)')
    .version(ctx.version, '-V, --version')
    .option('--debug', 'print stack traces of internal errors (accepted anywhere on the line)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
      outputError: (s, write) => write(`${PROGRAM}: ${s.replace(/^error: /, '')}`),
    })
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      '\nWith no command, covcheck runs `verify`.\nExit codes: 0 nothing failed, 1 a claim failed, 2 bad usage or input, 3 internal error.',
    );
  const { registerAll } = await import('./commands/index.js');
  registerAll(program, ctx);
  return program;
}

async function makeContext(o: CliOverrides, debug: boolean): Promise<CliContext> {
  let claims = o.claims;
  let checks = o.checks;
  if (claims === undefined || checks === undefined) {
    const registry = await import('../../properties/registry.js');
    claims ??= registry.CLAIMS;
    checks ??= registry.CHECKS;
  }
  return {
    claims,
    checks,
    stdout: o.stdout ?? process.stdout,
    stderr: o.stderr ?? process.stderr,
    stderrIsTTY: o.stderrIsTTY ?? (o.stderr === undefined && process.stderr.isTTY === true),
    env: o.env ?? process.env,
    cwd: o.cwd ?? process.cwd(),
    version: o.version ?? packageVersion(),
    backend: o.backend ?? 'default',
    corpusDirs: o.corpusDirs ?? (o.checks === undefined ? defaultCorpusDirs(o.cwd ?? process.cwd()) : []),
    debug,
    exitCode: 0,
  };
}

/** covcheck's own corpus and, when different, the working directory's (where `covcheck hunt` saves). */
function defaultCorpusDirs(cwd: string): string[] {
  const own = resolve(fileURLToPath(new URL('../../', import.meta.url)), 'fixtures', 'counterexamples');
  const here = resolve(cwd, 'fixtures', 'counterexamples');
  return here === own ? [own] : [own, here];
}

/** `--debug` is global: remove it wherever it appears before `--`. */
function extractDebug(argv: readonly string[]): { args: string[]; debug: boolean } {
  const end = argv.indexOf('--');
  const head = end < 0 ? [...argv] : argv.slice(0, end);
  const tail = end < 0 ? [] : argv.slice(end);
  const debug = head.includes('--debug');
  return { args: [...head.filter((a) => a !== '--debug'), ...tail], debug };
}

function handleError(e: unknown, stderr: TextOut, debug: boolean): number {
  if (e instanceof CommanderError) {
    // commander has already printed its message (help, version, or a usage error).
    return e.exitCode === 0 ? 0 : 2;
  }
  if (e instanceof InputError) {
    stderr.write(`${PROGRAM}: ${e.message}\n`);
    return 2;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  stderr.write(`${PROGRAM}: internal error: ${err.message}\n`);
  stderr.write(debug && err.stack ? `${err.stack}\n` : `(run again with --debug for the stack trace)\n`);
  return 3;
}

let cachedVersion: string | undefined;
/** covcheck's version from package.json. */
export function packageVersion(): string {
  if (cachedVersion === undefined) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    cachedVersion = pkg.version ?? '0.0.0';
  }
  return cachedVersion;
}

// ---- option parsing helpers shared by commands (they throw InputError naming the flag) ----

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
export function progressAllowed(ctx: CliContext): boolean {
  return ctx.stderrIsTTY && !ctx.env.CI;
}
