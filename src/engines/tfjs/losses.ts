/**
 * The batch loss on TensorFlow.js (docs/theory.md §1.4), differentiated by autograd. Rows of
 * `out` [S, d]: anchors [0, B), positives [B, 2B), negatives 2B + b·H + h;
 *   r_b+ = ½‖o_b − o_b+‖²,  r_bh = ½‖o_b − o_bh‖²                       ([B], [B, H]).
 * A built-in loss is its plugin definition (losses/builtin/*, the same table the dual numbers
 * evaluate) on tensors through lossOps.ts, mean-reduced as the engines train. Any other Loss (a
 * user's plugin, a loss known only through `evaluate`) runs through tf.customGrad: its value and
 * β = ∂L/∂r come from loss.evaluate in float64 on the distances, and the gradient flows on as β·∂r/∂out.
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

/** The scalar loss of a batch (mean reduction, as the engines train). */
export function tfLoss(tf: typeof tfType, loss: Loss, out: tfType.Tensor2D, B: number, H: number): tfType.Scalar {
  const { rPos, rNeg } = tfDistances(tf, out, B, H);
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
