/**
 * A plugin's failure and the texts its messages are made of: every misbehaviour of a plugin is a
 * `PluginError` naming the plugin, its file and the case (the distances and the parameters), exit
 * code 2 at the CLI (docs/plugins.md, "Errors").
 */
import { InputError } from '../../errors.js';
import type { Arith } from '../../numeric/arith.js';
import type { Params } from './define.js';

/** A plugin's failure, naming the plugin, its file, and the case. Exit code 2 at the CLI. */
export class PluginError extends InputError {
  constructor(source: string, message: string) {
    super(`loss plugin ${source}`, message);
    this.name = 'PluginError';
  }
}

/** "tau=0.1, r0=0", or "(none)". */
export function paramText(p: Params): string {
  const e = Object.entries(p);
  return e.length === 0 ? '(none)' : e.map(([k, v]) => `${k}=${v}`).join(', ');
}

/** An exception as one line ("RangeError: …"; plain Errors without their name). */
export function errText(e: unknown): string {
  return e instanceof Error ? `${e.name === 'Error' ? '' : e.name + ': '}${e.message}` : String(e);
}

function numText<T>(A: Arith<T>, x: T): string {
  const v = A.toNumber(x);
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
}

/** The case in error messages: "(r_+ = 0.5, r− = [1, 2]); params tau=0.1; float arithmetic". */
export function caseText<T>(A: Arith<T>, pos: readonly T[], neg: readonly (readonly T[])[], params: Params): string {
  const tuples = pos.map((p, b) => `(r_+ = ${numText(A, p)}, r− = [${(neg[b] ?? []).map((r) => numText(A, r)).join(', ')}])`);
  const shown = tuples.length > 3 ? `${tuples.slice(0, 3).join(', ')}, … (${tuples.length} tuples)` : tuples.join(', ');
  return `${shown}; params ${paramText(params)}; ${A.exact ? 'rational' : 'float'} arithmetic`;
}

/** The name of partial i in the order (pos…, neg…): "r_+", "r_2−", "r−[1][0]". */
export function partialName(i: number, B: number, H: number): string {
  if (i < B) return B === 1 ? 'r_+' : `r_+[${i}]`;
  const j = i - B;
  return B === 1 ? `r_${(j % H) + 1}−` : `r−[${Math.floor(j / H)}][${j % H}]`;
}
