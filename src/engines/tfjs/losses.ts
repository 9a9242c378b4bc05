/**
 * The batch loss on TensorFlow.js (docs/theory.md §1.4), differentiated by autograd. Rows of
 * `out` [S, d]: anchors [0, B), positives [B, 2B), negatives 2B + b·H + h;
 *   r_b+ = ½‖o_b − o_b+‖²,  r_bh = ½‖o_b − o_bh‖²                       ([B], [B, H]).
 * A built-in loss is its plugin definition (losses/builtin/*, the same table the dual numbers
 * evaluate) on tensors through lossOps.ts, mean-reduced as the engines train. Any other Loss (a
 * user's plugin, a loss known only through `evaluate`) runs through tf.customGrad: its value and
 * β = ∂L/∂r come from loss.evaluate in float64 on the distances, and the gradient flows on as β·∂r/∂out.
 * In-batch negatives (H = 0, rows: anchors then positives): the A anchors (B, or 2B symmetric) get
 * their 2B − 2 negatives from the all-pairs matrix of the interleaved views (network/inBatchPairs.ts's order), so the same
 * losses see rPos [A], rNeg [A, 2B − 2]; ntxent uses the similarities s = ⟨u, u′⟩:
 * mean_a (logsumexp(s_a+/τ, s_ak/τ) − s_a+/τ).
 */
import type * as tfType from '@tensorflow/tfjs';
import type { Loss } from '../../losses/loss.js';
import { BUILTIN_PLUGINS } from '../../losses/builtin/index.js';
import { isPluginLoss } from '../../losses/plugin/pluginLoss.js';
import type { LossPlugin, Params } from '../../losses/plugin/define.js';
import { F64 } from '../../numeric/arith.js';
import { columns, elements, tfLossOps } from './lossOps.js';

/** Distances r_+ [B] and r_− [B, H] of the rows of `out`. */
function tfDistances(tf: typeof tfType, out: tfType.Tensor2D, B: number, H: number): { rPos: tfType.Tensor1D; rNeg: tfType.Tensor2D } {
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
  if (similarity) {
    // ntxent (losses/ntXent.ts; not a plugin: plugins are losses of the distances).
    const tau = loss.params.tau ?? 1;
    const logits = tf.div(tf.concat([tf.expandDims(rPos, 1), rNeg], 1), tau);
    return tf.mean(tf.sub(tf.logSumExp(logits, 1), tf.div(rPos, tau)));
  }
  return tfLossOfDistances(tf, loss, rPos, rNeg, out.shape[1]);
}

/** The scalar loss (mean reduction) of the distances r_+ [B], r_− [B, H] of outputs of dimension d. */
export function tfLossOfDistances(tf: typeof tfType, loss: Loss, rPos: tfType.Tensor1D, rNeg: tfType.Tensor2D, d: number): tfType.Scalar {
  const plugin = builtinPlugin(loss);
  return plugin ? pluginOnTensors(tf, plugin, loss.params, rPos, rNeg, d) : customLoss(tf, loss, rPos, rNeg, d);
}

/** The built-in plugin a loss is (by name; a plugin only when it is that very definition). */
function builtinPlugin(loss: Loss): LossPlugin | undefined {
  const plugin = Object.hasOwn(BUILTIN_PLUGINS, loss.name) ? BUILTIN_PLUGINS[loss.name] : undefined;
  return plugin && (!isPluginLoss(loss) || loss.plugin === plugin) ? plugin : undefined;
}

/** A plugin's batch loss on tensors (mean over the tuples for tuple plugins). */
function pluginOnTensors(tf: typeof tfType, plugin: LossPlugin, params: Params, rPos: tfType.Tensor1D, rNeg: tfType.Tensor2D, dim: number): tfType.Scalar {
  const { ops, tensor } = tfLossOps(tf);
  const [B, H] = rNeg.shape;
  if (plugin.kind === 'batch') {
    const pos = elements(rPos, B)[0]!;
    return tensor(plugin.loss(ops, { pos, neg: elements(rNeg, H), dim, reduction: 'mean' }, params)) as tfType.Scalar;
  }
  return tf.mean(tensor(plugin.loss(ops, { pos: rPos, neg: columns(rNeg) }, params)));
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
