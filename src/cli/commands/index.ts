/**
 * Every covcheck command, in the order `covcheck --help` lists them. A command module exports
 * `register(program: Command, ctx: CliContext)`: it adds its subcommand to `program`, writes
 * through ctx.stdout/ctx.stderr and sets ctx.exitCode (or throws InputError for exit 2).
 * To add a command: add its name and module loader to COMMANDS.
 *
 * The modules load only when needed: a run of one command imports that command's module alone
 * (`covcheck eval` loads 77 ms of CPU of modules instead of 185 ms for all eight, Node 20.20), and
 * --help, --version or an unknown word load them all, for the list and the suggestions.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const COMMANDS: Readonly<Record<string, () => Promise<{ register: RegisterCommand }>>> = {
  verify: () => import('./verify.js'),
  eval: () => import('./eval.js'),
  replay: () => import('./replay.js'),
  hunt: () => import('./hunt.js'),
  compare: () => import('./compare.js'),
  train: () => import('./train.js'),
  sweep: () => import('./sweep.js'),
  merge: () => import('./merge.js'),
};

/** Registers the command `only` (a name of COMMANDS), or every command, on the program. */
export async function registerCommands(program: Command, ctx: CliContext, only?: string): Promise<void> {
  const names = only !== undefined && Object.hasOwn(COMMANDS, only) ? [only] : Object.keys(COMMANDS);
  const modules = await Promise.all(names.map((n) => COMMANDS[n]!()));
  for (const m of modules) m.register(program, ctx);
}
