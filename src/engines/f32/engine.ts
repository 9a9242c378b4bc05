/**
 * The hand-written float32 training engine for tree-matched networks (`--engine f32`, the
 * default). One step on a batch of B tuples (S = B(2+H) rows, order as in engines/engine.ts):
 *   1. leaves → V;  2. forward, segment by segment from the leaves up (kernels.ts), in chunks of
 *   `chunk` samples (chunk = S: one kernel call per tree level per step);  3. loss stage
 *   (lossStage.ts: every loss of the core, normalisation);  4. backward from the root down into a
 *   zeroed float64 gradient;  5. SGD or Adam (train/optim.ts).
 * Validated against the float64 reference (network/batchGradient.ts) in test/engine-f32.test.ts.
 */
import type { Batch } from '../../hltm/batch.js';
import type { Loss } from '../../losses/loss.js';
import type { NetworkSpec, Params } from '../../network/architecture.js';
import { flatOptimizer, type FlatOptimizer, type OptimizerSpec } from '../../train/optim.js';
import type { StepResult, TrainEngine } from '../engine.js';
import { backwardKernel, forwardKernel, type BackwardKernel, type ForwardKernel, type KernelMode } from './kernels.js';
import { segmentsOf, treeLayout, type Segment, type TreeLayout } from './layout.js';
import { tablePlan, Tables } from './tables.js';
import { lossStage, type LossStage } from './lossStage.js';

export interface F32EngineOptions {
  readonly spec: NetworkSpec;
  readonly params: Params<number>;
  readonly loss: Loss;
  readonly optimizer: OptimizerSpec;
  readonly B: number;
  readonly H: number;
  /** Samples per kernel call (default 64: measured fastest; S = level-major, 1 = sample-major). */
  readonly chunk?: number;
  /** Largest pattern table (tables.ts); 0 disables tables. Default 32. */
  readonly tableMax?: number;
  /** Zero-input handling of the kernels (kernels.ts). */
  readonly mode?: KernelMode;
}

interface CompiledSegment {
  readonly seg: Segment;
  readonly fwd: ForwardKernel;
  readonly bwd: BackwardKernel;
}

/** Packs row-major Params into the flat layout (W transposed per node). */
export function packParams(layout: TreeLayout, p: Params<number>, P: Float32Array | Float64Array): void {
  for (const n of layout.nodes) {
    const W = p.W[n.block]!;
    for (let i = 0; i < n.out; i++) for (let j = 0; j < n.in; j++) P[n.pOff + j * n.out + i] = W[i * n.in + j]!;
    if (layout.bias) {
      const b = p.b![n.block]!;
      for (let i = 0; i < n.out; i++) P[n.pOff + n.in * n.out + i] = b[i]!;
    }
  }
}

/** Unpacks the flat layout into row-major Params (arch block order). */
export function unpackParams(layout: TreeLayout, P: Float32Array | Float64Array): Params<number> {
  const W: number[][] = layout.arch.blocks.map((b) => new Array<number>(b.out * b.in));
  const b: number[][] | null = layout.bias ? layout.arch.blocks.map((blk) => new Array<number>(blk.out)) : null;
  for (const n of layout.nodes) {
    const w = W[n.block]!;
    for (let i = 0; i < n.out; i++) for (let j = 0; j < n.in; j++) w[i * n.in + j] = P[n.pOff + j * n.out + i]!;
    if (b) for (let i = 0; i < n.out; i++) b[n.block]![i] = P[n.pOff + n.in * n.out + i]!;
  }
  return { W, b };
}

/** Forward machinery shared by training and evaluation. */
export class F32Network {
  readonly layout: TreeLayout;
  readonly P: Float32Array;
  /** Kernels of every node (inputs that are not 0/1). */
  protected readonly segs: CompiledSegment[];
  /** Kernels of the nodes above the tables. */
  protected readonly topSegs: CompiledSegment[];
  protected readonly tables: Tables | null;
  protected V = new Float32Array(0);
  protected G = new Float32Array(0);
  protected codes = new Int32Array(0);
  /** Every leaf loaded since the last forward is 0 or 1. */
  protected binary = true;
  /** The last forward used the tables. */
  protected usedTables = false;

  constructor(
    readonly spec: NetworkSpec,
    params: Params<number>,
    readonly chunk = 64,
    tableMax = 32,
    mode: KernelMode = 'branch',
  ) {
    this.layout = treeLayout(spec.arch, spec.bias);
    this.P = new Float32Array(this.layout.nParams);
    packParams(this.layout, params, this.P);
    const compileSeg = (seg: Segment): CompiledSegment => {
      const shape = {
        in: seg.in,
        out: seg.out,
        bias: spec.bias,
        activation: spec.activation,
        isRoot: seg.isRoot,
        internalChildren: seg.internalChildren,
        mode,
      };
      return { seg, fwd: forwardKernel(shape), bwd: backwardKernel(shape) };
    };
    this.segs = this.layout.segments.map(compileSeg);
    const plan = tableMax >= 2 ? tablePlan(this.layout, tableMax) : null;
    this.tables = plan && plan.nodes.length > 0 ? new Tables(plan, spec.activation, spec.bias) : null;
    this.topSegs = plan ? segmentsOf(this.layout.tree, this.layout.nodes, spec.bias, (k) => !plan.tabulated.has(k)).map(compileSeg) : this.segs;
  }

  protected ensure(S: number): void {
    const { Vw, Gw } = this.layout;
    if (this.V.length < S * Vw) this.V = new Float32Array(S * Vw);
    if (this.G.length < S * Gw) this.G = new Float32Array(S * Gw);
    const nF = this.tables?.plan.frontier.length ?? 0;
    if (this.codes.length < S * nF) this.codes = new Int32Array(S * nF);
  }

  /** Copies rows x[r·L ..] (r < count) into V rows s0 + r, noting whether all are 0/1. */
  protected loadLeaves(x: Float32Array, s0: number, count: number): void {
    const { Vw, leafBase, leafPos } = this.layout;
    const L = leafPos.length;
    const V = this.V;
    let nonBinary = 0;
    if (leafBase >= 0) {
      for (let r = 0; r < count; r++) {
        const vb = (s0 + r) * Vw + leafBase;
        const xb = r * L;
        for (let j = 0; j < L; j++) {
          const v = x[xb + j]!;
          nonBinary |= +(v !== 0 && v !== 1);
          V[vb + j] = v;
        }
      }
    } else {
      for (let r = 0; r < count; r++) {
        const vb = (s0 + r) * Vw;
        for (let j = 0; j < L; j++) {
          const v = x[r * L + j]!;
          nonBinary |= +(v !== 0 && v !== 1);
          V[vb + leafPos[j]!] = v;
        }
      }
    }
    if (nonBinary) this.binary = false;
  }

  /** Forward over rows [0, S) of V (leaves already loaded); `allPre`: fill G of every node. */
  protected forwardRows(S: number, allPre: boolean): void {
    const { Vw, Gw } = this.layout;
    const { P, V, G, tables } = this;
    const useTables = tables !== null && this.binary;
    this.usedTables = useTables;
    this.binary = true;
    if (useTables) tables.build(P);
    const segs = useTables ? this.topSegs : this.segs;
    for (let c0 = 0; c0 < S; c0 += this.chunk) {
      const c1 = Math.min(S, c0 + this.chunk);
      if (useTables) tables.fill(V, G, this.codes, c0, c1, Vw, Gw, allPre);
      for (let k = segs.length - 1; k >= 0; k--) {
        const { seg, fwd } = segs[k]!;
        fwd(P, V, G, c0, c1, Vw, Gw, seg.count, seg.pOff, seg.pStride, seg.inOff, seg.vOff, seg.gOff);
      }
    }
  }

  /** Backward over rows [0, S) (dV's root slots set), adding into GR. */
  protected backwardRows(S: number, GR: Float64Array, dV: Float64Array): void {
    const { Vw, Gw } = this.layout;
    const { P, V, G, tables } = this;
    const useTables = this.usedTables && tables !== null;
    const segs = useTables ? this.topSegs : this.segs;
    for (let c0 = 0; c0 < S; c0 += this.chunk) {
      const c1 = Math.min(S, c0 + this.chunk);
      for (const { seg, bwd } of segs) {
        bwd(P, GR, V, G, dV, c0, c1, Vw, Gw, seg.count, seg.pOff, seg.pStride, seg.inOff, seg.vOff, seg.gOff);
      }
      if (useTables) tables.binRows(dV, this.codes, c0, c1, Vw);
    }
    if (useTables) tables.backward(P, GR);
  }

  /** Pre-activations [S × Gw] (tree.internal order) of S input rows (a view, valid until the next call). */
  forwardPre(x: Float32Array, S: number): Float32Array {
    this.ensure(S);
    this.loadLeaves(x, 0, S);
    this.forwardRows(S, true);
    return this.G.subarray(0, S * this.layout.Gw);
  }

  params(): Params<number> {
    return unpackParams(this.layout, this.P);
  }

  nonFinite(): { block: string; what: 'W' | 'b' } | null {
    const { layout, P } = this;
    for (const n of [...layout.nodes].reverse()) {
      const nw = n.in * n.out;
      for (let i = 0; i < nw; i++) if (!Number.isFinite(P[n.pOff + i]!)) return { block: layout.arch.blocks[n.block]!.name, what: 'W' };
      if (layout.bias) for (let i = 0; i < n.out; i++) if (!Number.isFinite(P[n.pOff + nw + i]!)) return { block: layout.arch.blocks[n.block]!.name, what: 'b' };
    }
    return null;
  }
}

export class F32Engine extends F32Network implements TrainEngine {
  readonly name = 'f32';
  readonly grad: Float64Array;
  private readonly dV: Float64Array;
  private readonly stage: LossStage;
  private readonly opt: FlatOptimizer;
  readonly B: number;
  readonly H: number;

  constructor(o: F32EngineOptions) {
    super(o.spec, o.params, o.chunk ?? 64, o.tableMax ?? 32, o.mode ?? 'branch');
    this.B = o.B;
    this.H = o.H;
    const S = o.B * (2 + o.H);
    this.ensure(S);
    this.grad = new Float64Array(this.layout.nParams);
    this.dV = new Float64Array(S * this.layout.Vw);
    const root = this.layout.nodes[0]!;
    this.stage = lossStage({
      loss: o.loss,
      B: o.B,
      H: o.H,
      d: this.layout.nOut,
      Gw: this.layout.Gw,
      Vw: this.layout.Vw,
      rootV: root.vpos,
      normalize: o.spec.normalize,
      eps: o.spec.eps,
    });
    this.opt = flatOptimizer(o.optimizer, this.layout.nParams);
  }

  /** Loss and gradient (summed as the loss prescribes) of a batch, without updating. */
  gradient(batch: Batch): number {
    const { B, H } = this;
    if (batch.B !== B || batch.H !== H) throw new RangeError(`F32Engine: batch B=${batch.B}, H=${batch.H}; engine built for B=${B}, H=${H}`);
    const S = B * (2 + H);
    this.loadLeaves(batch.anchor, 0, B);
    this.loadLeaves(batch.pos, B, B);
    this.loadLeaves(batch.neg, 2 * B, B * H);
    this.forwardRows(S, false);
    const value = this.stage.run(this.G, this.dV);
    this.grad.fill(0);
    this.backwardRows(S, this.grad, this.dV);
    return value;
  }

  step(batch: Batch): StepResult {
    const loss = this.gradient(batch);
    this.opt.step(this.P, this.grad);
    return { loss };
  }

  /** Normalised (or raw) outputs of the last step, [S × d] float64. */
  outputs(): Float64Array {
    return this.stage.out;
  }

  /** Pre-activations of the last step's rows (G buffer view). */
  lastPre(): Float32Array {
    return this.G.subarray(0, this.B * (2 + this.H) * this.layout.Gw);
  }

  dispose(): void {}
}
