/**
 * The WebGPU training engine (`--engine webgpu`): the f32 engine's plan on a GPU through Dawn
 * (docs/gpu.md). One step on a batch (S = B(2+H) rows, order as in engines/engine.ts):
 *   1. x rows → the GPU; forward of every chunk (plan.ts, wgsl.ts); the root's g_L read back;
 *   2. loss stage on the host, float64: the f32 engine's lossStage (every loss of the core, plugin
 *      losses, normalisation; the place where in-batch negatives will enter), ∂L/∂g_L → the GPU;
 *   3. backward of every chunk into the float32 gradient GR, then SGD or Adam on the GPU.
 * The host waits only for step 1's read-back; step 3 runs while the next batch is sampled.
 * Parameters live on the GPU (float32); params(), nonFinite() read them back.
 * Validated against the float64 reference: test/engine-webgpu.test.ts (tolerances of
 * properties/claims/C2/engines/tolerance.ts).
 */
import type { Batch } from '../../hltm/batch.js';
import { uniformActivation, type Params } from '../../network/architecture.js';
import { ADAM_DEFAULTS, checkOptimizer } from '../optimizer.js';
import type { StepResult, TrainEngine } from '../engine.js';
import type { EvalSet, UnitSums } from '../unitSums.js';
import { packParams, unpackParams, type F32EngineOptions } from '../f32/engine.js';
import { treeLayout, type TreeLayout } from '../f32/layout.js';
import { lossStage, type LossStage } from '../f32/lossStage.js';
import { adapterName, openGpu, webgpuAdapter, type GpuSession } from './device.js';
import { gpuPlan, type GpuPlan } from './plan.js';
import type { Op } from './protocol.js';

/** The engines' common options (network, initial parameters, loss, optimiser, B, H) and the chunk size. */
export interface WebGpuEngineOptions extends Pick<F32EngineOptions, 'spec' | 'params' | 'loss' | 'optimizer' | 'B' | 'H'> {
  /** Largest rows per GPU chunk (default: what the adapter's binding limit allows). */
  readonly maxChunk?: number;
}

export class WebGpuEngine implements TrainEngine {
  readonly name: string;
  readonly layout: TreeLayout;
  readonly plan: GpuPlan;
  readonly gpu: GpuSession;
  private readonly stage: LossStage;
  private readonly S: number;
  private readonly rootOut: Float32Array;
  private readonly dV: Float64Array;
  private steps = 0;
  /** Milliseconds spent per part of the steps so far (host side; a GPU run reports them). */
  readonly timing = { steps: 0, loadMs: 0, forwardMs: 0, lossMs: 0, backwardMs: 0 };

  constructor(private readonly o: WebGpuEngineOptions) {
    checkOptimizer(o.optimizer);
    this.layout = treeLayout(o.spec.arch, o.spec.bias);
    this.S = o.B * (2 + o.H);
    const d = this.layout.nOut;
    this.stage = lossStage({ loss: o.loss, B: o.B, H: o.H, d, Gw: d, Vw: d, rootV: 0, normalize: o.spec.normalize, eps: o.spec.eps });
    this.rootOut = new Float32Array(this.S * d);
    this.dV = new Float64Array(this.S * d);
    // The plan needs the adapter's limits, the device's areas need the plan.
    const adapter = webgpuAdapter();
    this.plan = gpuPlan({
      layout: this.layout,
      activation: uniformActivation(o.spec, 'the webgpu engine'),
      optimizer: o.optimizer,
      S: this.S,
      maxBinding: adapter.maxStorageBufferBindingSize,
      maxBuffer: adapter.maxBufferSize,
      ...(o.maxChunk !== undefined ? { maxChunk: o.maxChunk } : {}),
    });
    this.gpu = openGpu(this.plan.io.inputBytes, this.plan.io.outputBytes);
    this.name = `webgpu/${adapterName(this.gpu.adapter)}`;
    this.gpu.channel.call({ type: 'setup', buffers: this.plan.buffers, kernels: this.plan.kernels });
    this.setParams(o.params);
  }

  private run(ops: readonly Op[]): void {
    this.gpu.channel.call({ type: 'run', ops });
  }

  /** Uploads parameters (row-major Params, rounded to float32). */
  setParams(p: Params<number>): void {
    packParams(this.layout, p, new Float32Array(this.gpu.channel.input, this.plan.io.params, this.layout.nParams));
    this.run(this.plan.uploadParams);
  }

  /** Writes the batch's rows into the input area (anchors, positives, negatives). */
  private loadBatch(batch: Batch): void {
    const { B, H } = this.o;
    if (batch.B !== B || batch.H !== H) throw new RangeError(`WebGpuEngine: batch B=${batch.B}, H=${batch.H}; engine built for B=${B}, H=${H}`);
    const L = this.layout.leafPos.length;
    const x = new Float32Array(this.gpu.channel.input, 0, this.S * L);
    x.set(batch.anchor.subarray(0, B * L), 0);
    x.set(batch.pos.subarray(0, B * L), B * L);
    x.set(batch.neg.subarray(0, B * H * L), 2 * B * L);
  }

  /** Forward, loss stage and backward into GR (the optimiser runs when `update`); returns the loss. */
  private forwardBackward(batch: Batch, update: boolean): number {
    const { C } = this.plan;
    const d = this.layout.nOut;
    const S = this.S;
    const t = this.timing;
    const t0 = performance.now();
    this.loadBatch(batch);
    const t1 = performance.now();
    // Waits for the previous step's backward pass too: the device runs in queue order.
    this.run(this.plan.forwardOps);
    const t2 = performance.now();
    const out = new Float32Array(this.gpu.channel.output, 0, this.plan.Spad * d);
    for (let s = 0; s < S; s++) {
      const base = Math.floor(s / C) * d * C + (s % C);
      for (let i = 0; i < d; i++) this.rootOut[s * d + i] = out[base + i * C]!;
    }
    const value = this.stage.run(this.rootOut, this.dV);
    const dv = new Float32Array(this.gpu.channel.input, this.plan.io.dvRoot, this.plan.Spad * d);
    for (let s = 0; s < S; s++) {
      const base = Math.floor(s / C) * d * C + (s % C);
      for (let i = 0; i < d; i++) dv[base + i * C] = this.dV[s * d + i]!;
    }
    if (update && this.o.optimizer.name === 'adam') {
      const t = this.steps + 1;
      const u = new Float32Array(this.gpu.channel.input, this.plan.io.adam, 4);
      u[0] = 1 - (this.o.optimizer.beta1 ?? ADAM_DEFAULTS.beta1) ** t;
      u[1] = 1 - (this.o.optimizer.beta2 ?? ADAM_DEFAULTS.beta2) ** t;
    }
    const t3 = performance.now();
    this.run(this.plan.backwardOps(update));
    if (update) this.steps++;
    t.steps++;
    t.loadMs += t1 - t0;
    t.forwardMs += t2 - t1;
    t.lossMs += t3 - t2;
    t.backwardMs += performance.now() - t3;
    return value;
  }

  step(batch: Batch): StepResult {
    return { loss: this.forwardBackward(batch, true) };
  }

  /** Loss and gradient of a batch without updating (float32, the flat layout of layout.ts). */
  gradient(batch: Batch): { value: number; grad: Float32Array } {
    const value = this.forwardBackward(batch, false);
    this.run(this.plan.readGradient);
    return { value, grad: Float32Array.from(new Float32Array(this.gpu.channel.output, 0, this.layout.nParams)) };
  }

  /** Normalised (or raw) outputs of the last forward, [S × d] float64 (the loss stage's). */
  outputs(): Float64Array {
    return this.stage.out;
  }

  private flatParams(): Float32Array {
    this.run(this.plan.readParams);
    return Float32Array.from(new Float32Array(this.gpu.channel.output, 0, this.layout.nParams));
  }

  params(): Params<number> {
    return unpackParams(this.layout, this.flatParams());
  }

  forwardPre(x: Float32Array, S: number): Float32Array {
    const { C } = this.plan;
    const { Gw } = this.layout;
    const L = this.layout.leafPos.length;
    const pre = new Float32Array(S * Gw);
    const input = new Float32Array(this.gpu.channel.input, 0, C * L);
    const G = new Float32Array(this.gpu.channel.output, 0, Gw * C);
    for (let s0 = 0; s0 < S; s0 += C) {
      const n = Math.min(C, S - s0);
      input.set(x.subarray(s0 * L, (s0 + n) * L));
      this.run(this.plan.evalOps());
      for (let u = 0; u < Gw; u++) {
        const row = u * C;
        for (let s = 0; s < n; s++) pre[(s0 + s) * Gw + u] = G[row + s]!;
      }
    }
    return pre;
  }

  /**
   * The correlation metric's sums (train/evaluate.ts UnitSums) computed on the device: per chunk of
   * C rows a forward pass and one thread per unit summing (g − c), (g − c)², z(g − c) in float32
   * (sumsKernel), the chunks' sums added in float64 here; Σz from the set itself. Reads back 3·Gw
   * floats per chunk instead of the chunk's C·Gw pre-activations. Shift c: the first sample's g.
   */
  unitSums(set: EvalSet): UnitSums {
    const { plan, layout } = this;
    const { C, io } = plan;
    const { Gw } = layout;
    const L = layout.leafPos.length;
    const nI = layout.nodes.length;
    const acc = { sz: new Float64Array(nI), sg: new Float64Array(Gw), sgg: new Float64Array(Gw), szg: new Float64Array(Gw) };
    if (set.n === 0) return { n: 0, ...acc };
    const input = this.gpu.channel.input;
    new Float32Array(input, io.shift, Gw).set(this.forwardPre(set.x.subarray(0, L), 1));
    const unode = new Uint32Array(input, io.params, Gw);
    layout.nodes.forEach((n, k) => unode.fill(k, n.gpos, n.gpos + n.out));
    this.run(plan.uploadShift);
    const x = new Float32Array(input, 0, C * L);
    const z = new Float32Array(input, io.z, C * nI);
    const rows = new Uint32Array(input, io.rows, 4);
    const sums = new Float32Array(this.gpu.channel.output, 0, 3 * Gw);
    for (let s0 = 0; s0 < set.n; s0 += C) {
      const n = Math.min(C, set.n - s0);
      x.set(set.x.subarray(s0 * L, (s0 + n) * L));
      for (let i = 0; i < n * nI; i++) {
        const v = set.z[s0 * nI + i]!;
        z[i] = v;
        acc.sz[i % nI] = acc.sz[i % nI]! + v;
      }
      rows[0] = n;
      this.run(plan.sumsOps);
      for (let u = 0; u < Gw; u++) {
        acc.sg[u] = acc.sg[u]! + sums[3 * u]!;
        acc.sgg[u] = acc.sgg[u]! + sums[3 * u + 1]!;
        acc.szg[u] = acc.szg[u]! + sums[3 * u + 2]!;
      }
    }
    return { n: set.n, ...acc };
  }

  nonFinite(): { block: string; what: 'W' | 'b' } | null {
    const P = this.flatParams();
    const { layout } = this;
    for (const n of [...layout.nodes].reverse()) {
      const nw = n.in * n.out;
      const name = layout.arch.blocks[n.block]!.name;
      for (let i = 0; i < nw; i++) if (!Number.isFinite(P[n.pOff + i]!)) return { block: name, what: 'W' };
      if (layout.bias) for (let i = 0; i < n.out; i++) if (!Number.isFinite(P[n.pOff + nw + i]!)) return { block: name, what: 'b' };
    }
    return null;
  }

  dispose(): void {
    this.gpu.channel.close();
  }
}
