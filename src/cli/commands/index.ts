/**
 * Every covcheck command, in the order `covcheck --help` lists them. A command module exports
 * `register(program: Command, ctx: CliContext)`: it adds its subcommand to `program`, writes
 * through ctx.stdout/ctx.stderr and sets ctx.exitCode (or throws InputError for exit 2).
 * To add a command: import its register function here and append it to COMMANDS.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { register as registerVerify } from './verify.js';
import { register as registerEval } from './eval.js';
import { register as registerReplay } from './replay.js';
import { register as registerHunt } from './hunt.js';
import { register as registerCompare } from './compare.js';
import { register as registerTrain } from './train.js';
import { register as registerSweep } from './sweep.js';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

export const COMMANDS: readonly RegisterCommand[] = [
  registerVerify,
  registerEval,
  registerReplay,
  registerHunt,
  registerCompare,
  registerTrain,
  registerSweep,
];

/** Registers every command on the program. */
export function registerAll(program: Command, ctx: CliContext): void {
  for (const register of COMMANDS) register(program, ctx);
}
