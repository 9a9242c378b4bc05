/**
 * The loss-plugin operations (losses/dual.ts, LossOps) on TensorFlow.js tensors, so that a plugin
 * definition (losses/builtin/*) is also its float32 TF.js graph, differentiated by autograd
 * (docs/theory.md §1.4). Two views of the distances r_+ [B], r_− [B, H]:
 *
 *  - tuple plugins run vectorised over the batch: r.pos is r_+ [B] and r.neg[k] the column r_k− [B];
 *  - batch plugins see r.pos[b], r.neg[b][k], elements of the two tensors.
 * Columns and elements are `Part`s, sliced out only when used alone (no tensor op per element).
 * A list (sum, mean, logSumExp) covering a whole tensor in order (r.neg; r.pos, r.neg.flat() of a
 * batch plugin) reduces that tensor with one op: mean(r.neg) is tf.mean(r_−, 1), mean(r.pos) is
 * tf.mean(r_+). Any other list is stacked on a new last axis and reduced along it. So the built-ins
 * give the very graphs written by hand before this table (bit-identical values and gradients).
 *
 * σ(u) is written exp(−softplus(−u)): autograd then gives σ(u)σ(−u), not TF.js's y(1 − y), which
 * cancels in float32 where σ(u) rounds near 1 (official_nce at small τ; test/engine-tfjs.test.ts).
 */
import type * as tfType from '@tensorflow/tfjs';
import type { LossOps } from '../../losses/dual.js';

type Tensor = tfType.Tensor;

/**
 * Part `at` of a distance tensor, not yet sliced out: column `at` of r_− [B, H] (`column`, tuple
 * plugins), or element `at` in row-major order of r_+ or r_− (batch plugins).
 */
export class Part {
  constructor(
    readonly of: Tensor,
    readonly at: number,
    readonly column: boolean,
  ) {}
}

/** What the ops take and return: tensors, or parts of the distance tensors. */
export type TfValue = Tensor | Part;

/** The columns of r_− [B, H] (a tuple plugin's r.neg). */
export function columns(rNeg: Tensor): Part[] {
  return Array.from({ length: rNeg.shape[1]! }, (_, k) => new Part(rNeg, k, true));
}

/** The elements of `t` in row-major order, as rows of `width` (a batch plugin's r.pos, r.neg). */
export function elements(t: Tensor, width: number): Part[][] {
  const rows: Part[][] = [];
  for (let at = 0; at < t.size; at += width) {
    const row = new Array<Part>(width);
    for (let k = 0; k < width; k++) row[k] = new Part(t, at + k, false);
    rows.push(row);
  }
  return rows;
}

/** The NumPy broadcast of two shapes (aligned on the right; a 1 stretches). */
function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new RangeError(`shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    return x === 1 ? y : x;
  });
}

/** The plugin ops over tf (pass the loaded module; TF.js is never imported here) and `tensor`, a value as a tensor. */
export function tfLossOps(tf: typeof tfType): { ops: LossOps<TfValue>; tensor(a: TfValue | number): Tensor } {
  const t = (a: TfValue | number): Tensor => {
    if (typeof a === 'number') return tf.scalar(a);
    if (!(a instanceof Part)) return a;
    if (a.column) return tf.squeeze(tf.slice(a.of, [0, a.at], [a.of.shape[0]!, 1]), [1]);
    return tf.reshape(tf.slice(tf.reshape(a.of, [-1]), [a.at], [1]), []);
  };
  /** The tensor a list covers part by part in order (and the axis to reduce), or null. */
  const covered = (xs: readonly (TfValue | number)[]): { whole: Tensor; axis?: number } | null => {
    const first = xs[0];
    if (!(first instanceof Part) || xs.length !== (first.column ? first.of.shape[1] : first.of.size)) return null;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      if (!(x instanceof Part) || x.of !== first.of || x.column !== first.column || x.at !== i) return null;
    }
    return first.column ? { whole: first.of, axis: 1 } : { whole: first.of };
  };
  /** A list as one tensor with the list on its last axis (broadcast to a common shape first). */
  const stacked = (xs: readonly (TfValue | number)[]): { all: Tensor; axis: number } => {
    const ts = xs.map(t);
    const shape = ts.reduce<number[]>((s, x) => broadcastShape(s, x.shape), []);
    const same = ts.map((x) => (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i]) ? x : tf.broadcastTo(x, shape)));
    return { all: tf.stack(same, shape.length), axis: shape.length };
  };
  /** A reduction over a list: of a covered tensor in one op, else along the stacked axis. */
  const reduce = (xs: readonly (TfValue | number)[], what: string, op: (x: Tensor, axis?: number) => Tensor): Tensor => {
    if (xs.length === 0) throw new RangeError(`${what} of an empty list`);
    const c = covered(xs);
    if (c) return op(c.whole, c.axis);
    const { all, axis } = stacked(xs);
    return op(all, axis);
  };
  const ops: LossOps<TfValue> = {
    arithmetic: 'tfjs',
    const: (x) => tf.scalar(x),
    add: (a, b) => tf.add(t(a), t(b)),
    sub: (a, b) => tf.sub(t(a), t(b)),
    mul: (a, b) => tf.mul(t(a), t(b)),
    div: (a, b) => tf.div(t(a), t(b)),
    neg: (a) => tf.neg(t(a)),
    exp: (a) => tf.exp(t(a)),
    log: (a) => tf.log(t(a)),
    logSumExp: (xs) => reduce(xs, 'logSumExp', (x, axis) => tf.logSumExp(x, axis)),
    softplus: (a) => tf.softplus(t(a)),
    sigmoid: (a) => tf.exp(tf.neg(tf.softplus(tf.neg(t(a))))),
    // Ties: the first argument's gradient, as the dual numbers' max/min.
    max: (a, b) => tf.maximum(t(a), t(b)),
    min: (a, b) => tf.minimum(t(a), t(b)),
    sum: (xs) => (xs.length === 0 ? tf.scalar(0) : reduce(xs, 'sum', (x, axis) => tf.sum(x, axis))),
    mean: (xs) => reduce(xs, 'mean', (x, axis) => tf.mean(x, axis)),
  };
  return { ops, tensor: t };
}
