/**
 * One evaluation of a plugin on dual numbers (../dual.ts) over any arithmetic A (float64, emulated
 * float32, rationals): the loss and its exact partials β = ∂L/∂r in one pass (docs/theory.md §1.4,
 * claim C6). A tuple plugin is called on one tuple, a batch plugin on the whole batch.
 *
 * Every misbehaviour (it throws, returns NaN, ±∞, a plain number, something not one value, a value
 * from another call, or reads the distances without the ops) is a PluginError naming the plugin and
 * the case; ExactUnsupported (an irrational op in rationals) passes through.
 */
import type { Arith } from '../../numeric/arith.js';
import { ExactUnsupported } from '../../numeric/arith.js';
import { Dual, DualMisuse, describeValue, dualOps } from '../dual.js';
import { negativesRange, type LossPlugin, type Params } from './define.js';
import { caseText, errText, partialName, PluginError } from './errors.js';

/** The value and the partials in the order the plugin received them: pos[b], neg[b][k]. */
export interface PluginCall<T> {
  readonly value: T;
  readonly dPos: T[];
  readonly dNeg: T[][];
}

/**
 * Evaluates `plugin` on one tuple (pos, neg of length 1) or one batch (batch plugins) in A.
 * `dim` and `reduction` are passed to batch plugins.
 */
export function callPlugin<T>(
  A: Arith<T>,
  plugin: LossPlugin,
  source: string,
  params: Params,
  pos: readonly T[],
  neg: readonly (readonly T[])[],
  dim: number,
  reduction: 'mean' | 'sum',
): PluginCall<T> {
  const label = `"${plugin.name}" (${source})`;
  const H = neg[0]?.length ?? 0;
  const [lo, hi] = negativesRange(plugin);
  if (H < lo || H > hi) {
    throw new PluginError(label, `takes ${lo === hi ? lo : `${lo}..${hi === Infinity ? '∞' : hi}`} negatives, the case has H = ${H}`);
  }
  const ops = dualOps(A, pos.length * (1 + H));
  let idx = 0;
  const dp = pos.map((r) => ops.variable(r, idx++));
  const dn = neg.map((row) => row.map((r) => ops.variable(r, idx++)));
  const where = () => `on the case ${caseText(A, pos, neg, params)}`;
  let out: unknown;
  try {
    out =
      plugin.kind === 'batch'
        ? plugin.loss(ops, { pos: dp, neg: dn, dim, reduction }, params)
        : plugin.loss(ops, { pos: dp[0]!, neg: dn[0]! }, params);
  } catch (e) {
    if (e instanceof ExactUnsupported) throw e;
    if (e instanceof DualMisuse) throw new PluginError(label, `is not a function of the distances through the ops ${where()}: ${e.message}`);
    throw new PluginError(label, `threw ${where()}: ${errText(e)}`);
  }
  if (out instanceof Promise) throw new PluginError(label, `returned a Promise ${where()}: loss(ops, r, params) must be synchronous`);
  if (typeof out === 'number') {
    throw new PluginError(label, `returned the plain number ${out} ${where()}: the result must be built from the distances with the ops (a constant loss is ops.const(c)), otherwise it is not a function of the distances`);
  }
  if (!(out instanceof Dual)) {
    throw new PluginError(label, `has the wrong shape ${where()}: expected one value (the ${plugin.kind === 'batch' ? 'batch' : 'tuple'} loss, an ops result), got ${describeValue(out)}`);
  }
  if (out.token !== ops.token) {
    throw new PluginError(label, `returned a value computed in another call ${where()}: the loss must be a function of the distances it is given (no state kept between calls)`);
  }
  const result = out as Dual<T>;
  if (!A.exact) {
    const v = A.toNumber(result.v);
    if (Number.isNaN(v)) throw new PluginError(label, `returned NaN ${where()}`);
    if (!Number.isFinite(v)) throw new PluginError(label, `returned ${v} ${where()}`);
    const bad = result.d.findIndex((x) => !Number.isFinite(A.toNumber(x)));
    if (bad >= 0) throw new PluginError(label, `has a non-finite derivative (${A.toNumber(result.d[bad]!)}) with respect to ${partialName(bad, pos.length, H)} ${where()}`);
  }
  const dPos = pos.map((_, b) => result.d[b]!);
  const dNeg = neg.map((row, b) => row.map((_, k) => result.d[pos.length + b * H + k]!));
  return { value: result.v, dPos, dNeg };
}
