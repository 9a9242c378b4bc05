/**
 * The TensorFlow.js training engine (`--engine tfjs`, any backend of engines/backend.ts).
 * One step: x [S, L] (anchors, positives, negatives; engines/engine.ts) → forward (treeNetwork.ts,
 * level-batched for complete trees) → loss (losses.ts) → tf.variableGrads (autograd) → the
 * optimiser of ../optimizer.ts written in tf ops (SGD: w −= η·g; Adam with PyTorch's formula).
 * Float32 throughout (the backend's arithmetic).
 */
import type * as tfType from '@tensorflow/tfjs';
import type { Batch } from '../../hltm/batch.js';
import type { Params } from '../../network/architecture.js';
import type { EngineOptions, StepResult, TrainEngine } from '../engine.js';
import { ADAM_DEFAULTS, checkOptimizer } from '../optimizer.js';
import { tfLoss } from './losses.js';
import { tfNetwork, type TfLayout, type TfNetwork } from './treeNetwork.js';

/** EngineOptions plus the graph layout. */
export interface TfEngineOptions extends EngineOptions {
  /** 'level' (default for complete trees) or 'block'. */
  readonly layout?: TfLayout;
}

export class TfEngine implements TrainEngine {
  readonly name: string;
  readonly net: TfNetwork;
  private readonly x: Float32Array;
  private readonly m: tfType.Variable[] = [];
  private readonly v: tfType.Variable[] = [];
  private t = 0;

  constructor(
    private readonly tf: typeof tfType,
    private readonly o: TfEngineOptions,
  ) {
    checkOptimizer(o.optimizer);
    this.net = tfNetwork(tf, o.spec, o.params, o.layout ?? 'level');
    this.name = `tfjs/${tf.getBackend()}`;
    this.x = new Float32Array(o.B * (2 + o.H) * o.spec.arch.nInputs);
    if (o.optimizer.name === 'adam') {
      for (const w of this.net.variables) {
        this.m.push(tf.tidy(() => tf.variable(tf.zerosLike(w), false)));
        this.v.push(tf.tidy(() => tf.variable(tf.zerosLike(w), false)));
      }
    }
  }

  /** Loss and gradients (float32 tensors, same order as net.variables); the caller disposes them. */
  gradients(batch: Batch): { value: tfType.Scalar; grads: tfType.Tensor[] } {
    const { tf, o } = this;
    const L = o.spec.arch.nInputs;
    const B = o.B;
    this.x.set(batch.anchor, 0);
    this.x.set(batch.pos, B * L);
    this.x.set(batch.neg, 2 * B * L);
    const S = B * (2 + o.H);
    return tf.tidy(() => {
      const x = tf.tensor2d(this.x, [S, L]);
      const { value, grads } = tf.variableGrads(() => tfLoss(tf, o.loss, this.net.forward(x).out, B, o.H, o.inBatch), this.net.variables);
      return { value, grads: this.net.variables.map((w) => grads[w.name]!) };
    });
  }

  step(batch: Batch): StepResult {
    const { tf } = this;
    const { value, grads } = this.gradients(batch);
    const spec = this.o.optimizer;
    const lr = spec.lr;
    tf.tidy(() => {
      if (spec.name === 'sgd') {
        this.net.variables.forEach((w, i) => w.assign(tf.sub(w, tf.mul(grads[i]!, lr))));
        return;
      }
      this.t++;
      const b1 = spec.beta1 ?? ADAM_DEFAULTS.beta1;
      const b2 = spec.beta2 ?? ADAM_DEFAULTS.beta2;
      const eps = spec.eps ?? ADAM_DEFAULTS.eps;
      const c1 = 1 - b1 ** this.t;
      const c2 = 1 - b2 ** this.t;
      this.net.variables.forEach((w, i) => {
        const g = grads[i]!;
        const m = tf.add(tf.mul(this.m[i]!, b1), tf.mul(g, 1 - b1));
        const v = tf.add(tf.mul(this.v[i]!, b2), tf.mul(tf.square(g), 1 - b2));
        this.m[i]!.assign(m);
        this.v[i]!.assign(v);
        w.assign(tf.sub(w, tf.div(tf.mul(m, lr / c1), tf.add(tf.sqrt(tf.div(v, c2)), eps))));
      });
    });
    const loss = value.dataSync()[0]!;
    value.dispose();
    for (const g of grads) g.dispose();
    return { loss };
  }

  params(): Params<number> {
    return this.net.params();
  }

  forwardPre(x: Float32Array, S: number): Float32Array {
    const t = this.tf.tensor2d(x.subarray(0, S * this.o.spec.arch.nInputs), [S, this.o.spec.arch.nInputs]);
    try {
      return this.net.preActivations(t);
    } finally {
      t.dispose();
    }
  }

  nonFinite(): { block: string; what: 'W' | 'b' } | null {
    const p = this.params();
    for (const b of [...this.o.spec.arch.blocks]) {
      if (p.W[b.index]!.some((v) => !Number.isFinite(v))) return { block: b.name, what: 'W' };
      if (p.b && p.b[b.index]!.some((v) => !Number.isFinite(v))) return { block: b.name, what: 'b' };
    }
    return null;
  }

  dispose(): void {
    this.net.dispose();
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}
