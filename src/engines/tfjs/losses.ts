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

/** The scalar loss of a batch (mean reduction, as the engines train). */
export function tfLoss(tf: typeof tfType, loss: Loss, out: tfType.Tensor2D, B: number, H: number): tfType.Scalar {
  const { rPos, rNeg } = tfDistances(tf, out, B, H);
  const d = out.shape[1];
  const tau = loss.params.tau ?? 1;
  switch (loss.name) {
    case 'simp':
      return tf.mean(tf.sub(rPos, tf.mean(rNeg, 1)));
    case 'tri': {
      const r0 = loss.params.r0 ?? 0;
      const u = tf.add(tf.sub(rPos, tf.squeeze(tf.slice(rNeg, [0, 0], [B, 1]), [1])), r0);
      return tf.mean(tau === 0 ? tf.relu(u) : tf.mul(tf.softplus(tf.div(u, tau)), tau));
    }
    case 'nce': {
      const logits = tf.div(tf.concat([tf.expandDims(rPos, 1), rNeg], 1), -tau);
      return tf.mean(tf.add(rPos, tf.mul(tf.logSumExp(logits, 1), tau)));
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
