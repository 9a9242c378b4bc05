/**
 * The covcheck command line. `main(argv)` parses with commander (exitOverride: nothing calls
 * process.exit), runs one command and returns its exit code:
 *   0 nothing failed, 1 a claim failed, 2 bad usage or input, 3 internal error.
 * Commands are registered from src/cli/commands/index.ts with `register(program, ctx)`: the one the
 * line names, or all of them for --help, --version and unknown words.
 */
import { resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { InputError, escapeControls } from '../errors.js';
import { registryOf, type CliContext, type CliOverrides, type TextOut } from './context.js';
import { packageRoot, packageVersion } from './packageRoot.js';

export type { CliContext, CliOverrides, TextOut } from './context.js';

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
    ctx = makeContext(overrides, debug);
    const { COMMANDS } = await import('./commands/index.js');
    const first = args[0];
    const full =
      first === undefined || (first.startsWith('-') && !COMMANDS_WITHOUT_DEFAULT.has(first) && !Object.hasOwn(COMMANDS, first))
        ? ['verify', ...args]
        : [...args];
    // One command's module when the line names one (or runs the default); all for help, version and unknown words.
    const program = await buildProgram(ctx, full[0]);
    await program.parseAsync(full, { from: 'user' });
    return ctx.exitCode;
  } catch (e) {
    return handleError(e, stderr, debug);
  }
}

/** Builds the commander program with every registered command, or only `only` when it names one (exported for docs and tests). */
export async function buildProgram(ctx: CliContext, only?: string): Promise<Command> {
  const program = new Command(PROGRAM);
  program
    .description('Property-based checks of the covariance-operator theory of contrastive SSL (THEORY: docs/theory.md)')
    .version(ctx.version, '-V, --version')
    .option('--debug', 'print stack traces of internal errors (accepted anywhere on the line)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
      outputError: (s, write) => write(`${PROGRAM}: ${usageLine(s)}\n`),
    })
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      '\nWith no command, covcheck runs `verify`.\nExit codes: 0 nothing failed, 1 a claim failed, 2 bad usage or input, 3 internal error.',
    );
  const { registerCommands } = await import('./commands/index.js');
  await registerCommands(program, ctx, only);
  return program;
}

function makeContext(o: CliOverrides, debug: boolean): CliContext {
  return {
    registry: registryOf(o),
    stdout: escapingControls(o.stdout ?? process.stdout),
    stderr: escapingControls(o.stderr ?? process.stderr),
    stderrIsTTY: o.stderrIsTTY ?? (o.stderr === undefined && process.stderr.isTTY === true),
    env: o.env ?? process.env,
    cwd: o.cwd ?? process.cwd(),
    version: o.version ?? packageVersion(),
    backend: o.backend ?? 'default',
    ...(o.checkSource !== undefined && o.checks === undefined ? { checkSource: o.checkSource } : {}),
    ...(o.lossCheckSource !== undefined ? { lossCheckSource: o.lossCheckSource } : {}),
    corpusDirs: o.corpusDirs ?? (o.checks === undefined ? defaultCorpusDirs(o.cwd ?? process.cwd()) : []),
    debug,
    exitCode: 0,
  };
}

/**
 * Writes through `out` with every control character but line breaks escaped (\u001b): names echoed
 * from the input (a plugin file's path in a check id, a corpus file name) cannot move the cursor or
 * recolour the terminal, whichever command prints them (issue 8 §5). JSON output is unchanged
 * (JSON.stringify escapes them already); the progress bar writes to the terminal itself.
 */
function escapingControls(out: TextOut): TextOut {
  return { write: (chunk: string) => out.write(chunk.split(/([\r\n])/).map((part, i) => (i % 2 === 1 ? part : escapeControls(part))).join('')) };
}

/** covcheck's own corpus and, when different, the working directory's (where `covcheck hunt` saves). */
function defaultCorpusDirs(cwd: string): string[] {
  const own = resolve(packageRoot(), 'fixtures', 'counterexamples');
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

/**
 * commander's usage message as one line (issue 8 §5): its "(Did you mean …?)" hint joined on, and
 * control characters of an echoed flag escaped (\u001b), like every InputError.
 */
export function usageLine(message: string): string {
  const text = message.replace(/^error: /, '').trim().split(/\s*\n\s*/).join(' ');
  return escapeControls(text);
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
