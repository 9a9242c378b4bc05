/**
 * The one place replay commands are built (console, report.json, report.md, junit.xml), quoted for
 * bash by ./shellQuote.ts:
 *   covcheck replay --check ID --seed S --path P [--scale full] [--loss SPEC]
 *   covcheck replay FILE        (the short form: a saved counterexample file with check, seed, path, loss)
 */
import type { Scale } from './check.js';
import { shellLine } from './shellQuote.js';

export interface ReplayTarget {
  readonly check: string;
  readonly seed: number;
  readonly path: string;
  readonly scale: Scale;
  /** The `--loss` text a loss-dependent check was made for (plugin or built-in spec). */
  readonly loss?: string | undefined;
}

/** The long form: every field on the command line. */
export function replayCommand(t: ReplayTarget): string {
  return shellLine([
    'covcheck', 'replay', '--check', t.check, '--seed', String(t.seed), '--path', t.path,
    ...(t.scale === 'full' ? ['--scale', 'full'] : []),
    ...(t.loss !== undefined ? ['--loss', t.loss] : []),
  ]);
}

/** The short form: replay a saved counterexample file (path as shown to the user). */
export function replayFileCommand(file: string): string {
  return shellLine(['covcheck', 'replay', file]);
}
