/**
 * p and n of the official losses (docs/theory.md §1.4), the batch-mean MSEs of the positive and
 * the negative views:
 *   p = 2·mean_b r_b+ / d,   n = 2·mean_{b,k} r_bk− / d
 * (reduction 'sum': the batch mean becomes a sum, Σ_b r_b+ and Σ_b mean_k r_bk−). Written as
 * mean-then-scale so that on TF.js tensors (engines/tfjs/lossOps.ts) each is one tf.mean of the
 * distance tensor.
 */
import type { BatchDistances, LossOps } from '../plugin/define.js';

export function batchMeans<T>(ops: LossOps<T>, r: BatchDistances<T>): { p: T; n: T } {
  const H = r.neg[0]!.length;
  const negs = r.neg.flat();
  const sp = r.reduction === 'mean' ? ops.mean(r.pos) : ops.sum(r.pos);
  const sn = r.reduction === 'mean' ? ops.mean(negs) : ops.div(ops.sum(negs), H);
  return { p: ops.div(ops.mul(sp, 2), r.dim), n: ops.div(ops.mul(sn, 2), r.dim) };
}
