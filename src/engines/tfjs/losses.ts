/**
 * The losses of src/losses/* as TensorFlow.js ops (docs/theory.md §1.4), so autograd differentiates
 * them. Rows of `out` [S, d]: anchors [0, B), positives [B, 2B), negatives 2B + b·H + h.
 *   r_b+ = ½‖o_b − o_b+‖²,  r_bh = ½‖o_b − o_bh‖²                       ([B], [B, H])
 *   simp               mean_b (r_b+ − mean_h r_bh)
 *   tri(τ, r0)         mean_b τ·softplus((r_b+ − r_b1 + r0)/τ)       (τ = 0: the hinge relu(·))
 *   nce(τ)             mean_b (r_b+ + τ·logsumexp(−r_b+/τ, −r_bh/τ))   (the stable form of L_nce)
 *   official_nce(τ)    −σ((n − p)/τ),  p = 2·mean_b r_b+/d,  n = 2·mean_{b,h} r_bh/d
 *   official_subtract  p − n
 * Any other Loss (a plugin) runs through tf.customGrad: its value and β = ∂L/∂r come from
 * loss.evaluate in float64 on the distances, and the gradient flows on as β·∂r/∂out.
 * In-batch negatives (H = 0, rows: anchors then positives): the A anchors (B, or 2B symmetric) get
 * their 2B − 2 negatives from the all-pairs matrix of the interleaved views (network/inBatchPairs.ts's order), so the same
 * losses see rPos [A], rNeg [A, 2B − 2]; ntxent uses the similarities s = ⟨u, u′⟩:
 * mean_a (logsumexp(s_a+/τ, s_ak/τ) − s_a+/τ).
 */
import type * as tfType from '@tensorflow/tfjs';
import type { Loss } from '../../losses/loss.js';
import { F64 } from '../../numeric/arith.js';

/** Distances r_+ [B] and r_− [B, H] of the rows of `out`. */
export function tfDistances(tf: typeof tfType, out: tfType.Tensor2D, B: number, H: number): { rPos: tfType.Tensor1D; rNeg: tfType.Tensor2D } {
  const d = out.shape[1];
  const oa = tf.slice(out, [0, 0], [B, d]);
  const op = tf.slice(out, [B, 0], [B, d]);
  const on = tf.reshape(tf.slice(out, [2 * B, 0], [B * H, d]), [B, H, d]);
  const rPos = tf.mul(tf.sum(tf.square(tf.sub(oa, op)), 1), 0.5) as tfType.Tensor1D;
  const rNeg = tf.mul(tf.sum(tf.square(tf.sub(tf.expandDims(oa, 1), on)), 2), 0.5) as tfType.Tensor2D;
  return { rPos, rNeg };
}

/**
 * Pair statistics of in-batch anchors: ½‖u_a − u_o‖² (or ⟨u_a, u_o⟩) as rPos [A] and rNeg [A, 2B − 2],
 * anchors and negatives in network/inBatchPairs.ts's order. Built from the all-pairs matrix of the
 * interleaved views, R[i, w, j, w′] (row i view w against row j view w′), with slices and reshapes
 * only (tf.gather's gradient is missing on the wasm backend): the positive of anchor (i, w) is the
 * diagonal of R[:, w, :, 1 − w]; its negatives are R[i, w, j, :] for j ≠ i, the diagonal dropped by
 * the flatten–shift–reshape trick ([B·B] → drop the first → [B − 1, B + 1] → drop the last column).
 */
function tfInBatchStats(tf: typeof tfType, out: tfType.Tensor2D, B: number, symmetric: boolean, similarity: boolean): { rPos: tfType.Tensor1D; rNeg: tfType.Tensor2D } {
  const d = out.shape[1];
  const views = tf.reshape(tf.stack([tf.slice(out, [0, 0], [B, d]), tf.slice(out, [B, 0], [B, d])], 1), [2 * B, d]);
  const all = similarity
    ? tf.matMul(views, views, false, true)
    : tf.mul(tf.sum(tf.square(tf.sub(tf.expandDims(views, 1), tf.expandDims(views, 0))), 2), 0.5);
  const R = tf.reshape(all, [B, 2, B, 2]);
  const eye = tf.eye(B);
  const side = (w: 0 | 1) => {
    const block = tf.reshape(tf.slice(R, [0, w, 0, 0], [B, 1, B, 2]), [B, B, 2]);
    const rPos = tf.sum(tf.mul(tf.reshape(tf.slice(block, [0, 0, 1 - w], [B, B, 1]), [B, B]), eye), 1);
    const shifted = tf.reshape(tf.slice(tf.reshape(block, [B * B, 2]), [1, 0], [B * B - 1, 2]), [B - 1, B + 1, 2]);
    const rNeg = tf.reshape(tf.slice(shifted, [0, 0, 0], [B - 1, B, 2]), [B, 2 * B - 2]);
    return { rPos, rNeg };
  };
  const a = side(0);
  if (!(symmetric || similarity)) return { rPos: a.rPos as tfType.Tensor1D, rNeg: a.rNeg as tfType.Tensor2D };
  const b = side(1);
  return { rPos: tf.concat([a.rPos, b.rPos]) as tfType.Tensor1D, rNeg: tf.concat([a.rNeg, b.rNeg], 0) as tfType.Tensor2D };
}

/** The scalar loss of a batch (mean reduction, as the engines train). */
export function tfLoss(tf: typeof tfType, loss: Loss, out: tfType.Tensor2D, B: number, H: number, inBatch?: { readonly symmetric: boolean }): tfType.Scalar {
  const similarity = loss.statistic === 'similarity';
  if (similarity && !inBatch) throw new RangeError(`tfLoss: ${loss.name} needs in-batch negatives`);
  const { rPos, rNeg } = inBatch ? tfInBatchStats(tf, out, B, inBatch.symmetric, similarity) : tfDistances(tf, out, B, H);
  const d = out.shape[1];
  const tau = loss.params.tau ?? 1;
  const A = rPos.shape[0];
  switch (loss.name) {
    case 'simp':
      return tf.mean(tf.sub(rPos, tf.mean(rNeg, 1)));
    case 'tri': {
      const r0 = loss.params.r0 ?? 0;
      const u = tf.add(tf.sub(rPos, tf.squeeze(tf.slice(rNeg, [0, 0], [A, 1]), [1])), r0);
      return tf.mean(tau === 0 ? tf.relu(u) : tf.mul(tf.softplus(tf.div(u, tau)), tau));
    }
    case 'nce': {
      const logits = tf.div(tf.concat([tf.expandDims(rPos, 1), rNeg], 1), -tau);
      return tf.mean(tf.add(rPos, tf.mul(tf.logSumExp(logits, 1), tau)));
    }
    case 'ntxent': {
      const logits = tf.div(tf.concat([tf.expandDims(rPos, 1), rNeg], 1), tau);
      return tf.mean(tf.sub(tf.logSumExp(logits, 1), tf.div(rPos, tau)));
    }
    case 'official_nce':
    case 'official_subtract': {
      const p = tf.div(tf.mul(tf.mean(rPos), 2), d);
      const n = tf.div(tf.mul(tf.mean(rNeg), 2), d);
      if (loss.name === 'official_subtract') return tf.sub(p, n) as tfType.Scalar;
      return negSigmoid(tf, tf.div(tf.sub(n, p), tau) as tfType.Scalar);
    }
    default:
      return customLoss(tf, loss, rPos, rNeg, d);
  }
}

/**
 * −σ(u) written as −exp(−softplus(−u)), so that autograd's gradient is −σ(u)·σ(−u): TF.js's own
 * sigmoid gradient y·(1 − y) cancels in float32 as soon as σ(u) rounds near 1 (u ≳ 9), exactly where
 * official_nce at small τ lives.
 */
function negSigmoid(tf: typeof tfType, u: tfType.Scalar): tfType.Scalar {
  return tf.neg(tf.exp(tf.neg(tf.softplus(tf.neg(u))))) as tfType.Scalar;
}

/** A loss known only through Loss.evaluate: value and β from float64, gradient β·∂r. */
function customLoss(tf: typeof tfType, loss: Loss, rPos: tfType.Tensor1D, rNeg: tfType.Tensor2D, d: number): tfType.Scalar {
  const f = tf.customGrad(((...args: (tfType.Tensor | tfType.GradSaveFunc)[]) => {
    const rp = args[0] as tfType.Tensor;
    const rn = args[1] as tfType.Tensor;
    const save = args[2] as tfType.GradSaveFunc;
    const B = rp.shape[0]!;
    const H = rn.shape[1]!;
    const rpv = Array.from(rp.dataSync());
    const rnd = rn.dataSync();
    const rnv = Array.from({ length: B }, (_, b) => Array.from(rnd.subarray(b * H, (b + 1) * H)));
    const { value, betaPos, betaNeg } = loss.evaluate(F64, { rPos: rpv, rNeg: rnv, dim: d, reduction: 'mean' });
    const bp = tf.tensor1d(betaPos);
    const bn = tf.tensor2d(betaNeg.flat(), [B, H]);
    save([bp, bn]);
    return {
      value: tf.scalar(value),
      gradFunc: (dy: tfType.Tensor, saved: tfType.Tensor[]) => [tf.mul(dy, saved[0]!), tf.mul(dy, saved[1]!)],
    };
  }) as Parameters<typeof tfType.customGrad>[0]);
  return f(rPos, rNeg) as tfType.Scalar;
}
