/**
 * The loss-plugin format (docs/plugins.md): a plain object, a plugin file's default export.
 *
 *   export default {
 *     name: 'my_nce', params: { tau: 0.5 },
 *     loss(ops, r, p) { return ops.add(r.pos, ops.mul(p.tau, ops.logSumExp([...]))); },
 *   };
 *
 * A tuple plugin (the default) returns ℓ(r_+, r_1−..r_H−) of one tuple and covcheck reduces over
 * the batch (mean or sum); a batch plugin (`kind: 'batch'`) sees r.pos[b], r.neg[b][k], r.dim and
 * returns the batch loss, like the official code's losses (docs/theory.md §1.4). The operations
 * `ops` are those of ../dual.ts (LossOps): the same plugin runs on dual numbers (float64, float32,
 * rationals) and on TF.js tensors (engines/tfjs/lossOps.ts).
 *
 * This module holds only the types and `definePlugin`, so the built-ins (../builtin/*) import it
 * without importing the loader.
 */
import type { LossOps } from '../dual.js';

export type { LossOps } from '../dual.js';

/** Parameter values by name (numbers). */
export type Params = Readonly<Record<string, number>>;

interface PluginBase<P extends Params = Params> {
  /** Shown in tables and errors; letters, digits, _ - . (a built-in's name selects its limit claims). */
  readonly name: string;
  /** Parameters and their defaults (numbers). */
  readonly params?: P;
  /** One line for `--help`-like listings and reports. */
  readonly description?: string;
  /** Allowed H: a number, or [min, max] (default [1, ∞)). */
  readonly negatives?: number | readonly [number, number];
  /** Extra parameter validation: return a message for a bad value (e.g. "tau must be > 0"). */
  validate?(params: P): string | undefined | null;
}

/** A loss of one tuple: covcheck reduces over the batch (mean by default). */
export interface TupleLossPlugin<P extends Params = Params> extends PluginBase<P> {
  readonly kind?: 'tuple';
  loss<T>(ops: LossOps<T>, r: { readonly pos: T; readonly neg: readonly T[] }, params: P): T;
}

/** The distances a batch plugin sees. */
export interface BatchDistances<T> {
  readonly pos: readonly T[];
  readonly neg: readonly (readonly T[])[];
  readonly dim: number;
  readonly reduction: 'mean' | 'sum';
}

/** A loss of the whole batch (the official code's losses): r.pos[b], r.neg[b][k]. */
export interface BatchLossPlugin<P extends Params = Params> extends PluginBase<P> {
  readonly kind: 'batch';
  loss<T>(ops: LossOps<T>, r: BatchDistances<T>, params: P): T;
}

export type LossPlugin = TupleLossPlugin | BatchLossPlugin;

/**
 * Identity helper that gives a plugin object its type (optional in plugin files): the parameters
 * the loss reads are typed from the defaults in `params` (so `p.tau` is a number, not undefined).
 */
export function definePlugin<P extends Params>(plugin: TupleLossPlugin<P> | BatchLossPlugin<P>): LossPlugin {
  return plugin as unknown as LossPlugin;
}

/** The H range a plugin accepts. */
export function negativesRange(plugin: LossPlugin): [number, number] {
  const n = plugin.negatives;
  if (n === undefined) return [1, Number.POSITIVE_INFINITY];
  return typeof n === 'number' ? [n, n] : [n[0], n[1]];
}
