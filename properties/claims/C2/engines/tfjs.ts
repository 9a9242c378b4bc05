/**
 * C2's TF.js witnesses: autograd (tf.variableGrads through engines/tfjs/*: per-block graphs for any
 * network, level-batched graphs for complete trees, every built-in loss in tf ops) must give the
 * gradient of network/batchGradient.ts (hand-written backward, float64), and the same forward values
 * (outputs and pre-activations). Runs on the current TF.js backend when one is initialised (the
 * CLI's --backend, the vitest test's wasm), else on cpu (engines/backend.ts syncBackend).
 */
import type * as tfType from '@tensorflow/tfjs';
import { F64 } from '../../../../src/numeric/arith.js';
import { tolerance } from '../../../../src/numeric/tolerance.js';
import type { Measurement } from '../../../../src/runner/check.js';
import { batchLoss } from '../../../../src/network/batchGradient.js';
import { forward } from '../../../../src/network/forward.js';
import { pathSums } from '../../../../src/network/magnitude.js';
import { syncBackend } from '../../../../src/engines/backend.js';
import { tfNetwork, type TfLayout } from '../../../../src/engines/tfjs/treeNetwork.js';
import { tfLoss } from '../../../../src/engines/tfjs/losses.js';
import { withinTolerance } from '../../../../src/claims/compare.js';
import { engineLoss, samplesOf, toMatrix, type EngineCase } from './cases.js';
import { forwardTolerance, gradientTolerance, nearKink } from './tolerance.js';

/** TF.js autograd gradient (row-major per block, flat) of the case's loss. */
function tfGradient(tf: typeof tfType, c: EngineCase, layout: TfLayout): { value: number; W: number[]; b: number[] } {
  const { spec, params } = c.net;
  const net = tfNetwork(tf, spec, params, layout);
  try {
    const { x, S, B, H } = toMatrix(c.batch, spec.arch.nInputs);
    const { value, grads } = tf.tidy(() => {
      const xt = tf.tensor2d(x, [S, spec.arch.nInputs]);
      return tf.variableGrads(() => tfLoss(tf, engineLoss(c.loss), net.forward(xt).out, B, H), net.variables);
    });
    const g = net.paramsOf(net.variables.map((v) => grads[v.name]!));
    const out = { value: value.dataSync()[0]!, W: g.W.flat(), b: g.b ? g.b.flat() : [] };
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  } finally {
    net.dispose();
  }
}

export function measureTfGradient(c: EngineCase, layout: TfLayout): Measurement {
  const tf = syncBackend();
  const { spec, params } = c.net;
  if (nearKink(spec, params, samplesOf(c.batch))) return { ok: true, error: 0, tolerance: 0, note: 'a pre-activation lies within rounding of a kink: skipped (C2 holds a.e.)' };
  const ref = batchLoss(F64, spec, params, c.batch, engineLoss(c.loss));
  const got = tfGradient(tf, c, layout);
  const t = gradientTolerance(spec, params, c, ref);
  const want = [...ref.grads.W.flat(), ...(ref.grads.b ? ref.grads.b.flat() : [])];
  return withinTolerance([...got.W, ...got.b], want, t, `TF.js ${tf.getBackend()} (${layout}) vs float64 backward pass`);
}

export function measureTfForward(c: EngineCase, layout: TfLayout): Measurement {
  const tf = syncBackend();
  const { spec, params } = c.net;
  const samples = samplesOf(c.batch);
  const net = tfNetwork(tf, spec, params, layout);
  try {
    const { x, S } = toMatrix(c.batch, spec.arch.nInputs);
    const out = tf.tidy(() => net.forward(tf.tensor2d(x, [S, spec.arch.nInputs])).out.dataSync());
    const pre = spec.arch.kind === 'tree' ? tf.tidy(() => net.preActivations(tf.tensor2d(x, [S, spec.arch.nInputs]))) : null;
    const got: number[] = [];
    const want: number[] = [];
    let tol = 0;
    let derivation = '';
    const tree = spec.arch.tree;
    const blockOf = new Map(spec.arch.blocks.map((b) => [b.node, b.index]));
    samples.forEach((xs, s) => {
      const t = forward(F64, spec, params, xs);
      const ft = forwardTolerance(spec, params, xs);
      const gbar = pathSums(spec, params, xs).gbar;
      // Normalised outputs: the relative error of g carries over; bound by ft.tol/‖g‖ + ε-term.
      const outTol = spec.normalize ? (2 * ft.tol) / ((t.norm ?? 0) + spec.eps) : ft.tol;
      if (outTol > tol) {
        tol = outTol;
        derivation = ft.derivation + (spec.normalize ? '; normalised outputs: ×2/(‖g_L‖+ε)' : '');
      }
      for (let k = 0; k < spec.arch.nOut; k++) {
        got.push(out[s * spec.arch.nOut + k]!);
        want.push(t.out[k]!);
      }
      if (pre && tree) {
        const Gw = pre.length / S;
        let off = 0;
        for (const n of tree.internal) {
          const b = blockOf.get(n)!;
          const g = t.g[b]!;
          g.forEach((v, i) => {
            got.push(pre[s * Gw + off + i]!);
            want.push(v);
            const bt = tolerance('float32', 'engine', ft.ops, gbar[b]![i]!);
            if (bt.tol > tol) {
              tol = bt.tol;
              derivation = `${bt.derivation} (pre-activation of ${spec.arch.blocks[b]!.name})`;
            }
          });
          off += g.length;
        }
      }
    });
    return withinTolerance(got, want, { tol, derivation }, `TF.js ${tf.getBackend()} (${layout}) forward vs float64`);
  } finally {
    net.dispose();
  }
}
