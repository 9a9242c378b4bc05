/**
 * The hand-written float32 training engine for tree-matched networks (`--engine f32`, the
 * default). One step on a batch of B tuples (S = B(2+H) rows, order as in engines/engine.ts):
 *   1. leaves → V (and a 0/1 check);
 *   2. forward: with 0/1 leaves the bottom of the tree runs from pattern tables (tables.ts: the
 *      two lowest levels tabulated, the level above from partial tables), the rest segment by
 *      segment (kernels.ts: one call per tree level and chunk of `chunk` rows); other inputs run
 *      the kernels everywhere;
 *   3. loss stage (lossStage.ts: every loss of the core, normalisation, float64);
 *   4. backward from the root down into a zeroed float64 gradient (kernels, then the tables' bins);
 *   5. SGD or Adam (../optimizer.ts).
 * Validated against the float64 reference (network/batchGradient.ts): test/engine-f32.test.ts and
 * properties/claims/C2/engines. Official configuration: ~130k triples/s on one core (bench/train.ts).
 */
import type { Batch } from '../../hltm/batch.js';
import { uniformActivation, type NetworkSpec, type Params } from '../../network/architecture.js';
import type { EngineOptions, StepResult, TrainEngine } from '../engine.js';
import { flatOptimizer, type FlatOptimizer } from '../optimizer.js';
import { accumulateUnits, type EvalSet, type UnitSums } from '../unitSums.js';
import { backwardKernel, forwardKernel, type BackwardKernel, type ForwardKernel, type KernelMode } from './kernels.js';
import { segmentsOf, treeLayout, type Segment, type TreeLayout } from './layout.js';
import { tablePlan, Tables } from './tables.js';
import { lossStage, type LossStage } from './lossStage.js';

/** EngineOptions plus the kernels' tuning (each default measured on the official network). */
export interface F32EngineOptions extends EngineOptions {
  /**
   * Samples per kernel call: S = level-major (one call per tree level per step), 1 = sample-major.
   * Measured on the official network: 1, 16, 64, 384 within 5% of each other; default 64.
   */
  readonly chunk?: number;
  /** Largest pattern table (tables.ts); 0 disables tables. Default 32 (official network: 2.4× faster than none). */
  readonly tableMax?: number;
  /** Largest Σ_children table size of a partial node (tables.ts); 0: none. Default 64 (official: 1.5× faster). */
  readonly partialMax?: number;
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
    partialMax = 64,
  ) {
    const activation = uniformActivation(spec, 'the f32 engine');
    this.layout = treeLayout(spec.arch, spec.bias);
    this.P = new Float32Array(this.layout.nParams);
    packParams(this.layout, params, this.P);
    const compileSeg = (seg: Segment): CompiledSegment => {
      const shape = {
        in: seg.in,
        out: seg.out,
        bias: spec.bias,
        activation,
        isRoot: seg.isRoot,
        internalChildren: seg.internalChildren,
        mode,
      };
      return { seg, fwd: forwardKernel(shape), bwd: backwardKernel(shape) };
    };
    this.segs = this.layout.segments.map(compileSeg);
    const plan = tableMax >= 2 ? tablePlan(this.layout, tableMax, partialMax) : null;
    this.tables = plan && plan.nodes.length > 0 ? new Tables(plan, activation, spec.bias) : null;
    this.topSegs = plan ? segmentsOf(this.layout.tree, this.layout.nodes, spec.bias, (k) => !plan.handled.has(k)).map(compileSeg) : this.segs;
  }

  protected ensure(S: number): void {
    const { Vw, Gw } = this.layout;
    if (this.V.length < S * Vw) this.V = new Float32Array(S * Vw);
    if (this.G.length < S * Gw) this.G = new Float32Array(S * Gw);
    this.tables?.ensure(S);
  }

  /** Copies rows x[r·L ..] (r < count) into V rows s0 + r, noting whether all are 0/1. */
  protected loadLeaves(x: Float32Array, s0: number, count: number): void {
    const { Vw, leafBase, leafPos } = this.layout;
    const L = leafPos.length;
    const V = this.V;
    // 0/1 check on the bits (0 and 0x3f800000 = 1.0f): integer compares, no float branches.
    const xi = new Int32Array(x.buffer, x.byteOffset, count * L);
    let nonBinary = 0;
    for (let i = 0; i < xi.length; i++) {
      const b = xi[i]!;
      nonBinary |= b & ~0x3f800000;
      nonBinary |= +(b !== 0 && b !== 0x3f800000);
    }
    if (leafBase >= 0) {
      for (let r = 0; r < count; r++) {
        const vb = (s0 + r) * Vw + leafBase;
        const xb = r * L;
        for (let j = 0; j < L; j++) V[vb + j] = x[xb + j]!;
      }
    } else {
      for (let r = 0; r < count; r++) {
        const vb = (s0 + r) * Vw;
        for (let j = 0; j < L; j++) V[vb + leafPos[j]!] = x[r * L + j]!;
      }
    }
    if (nonBinary) this.binary = false;
  }

  /**
   * Forward over rows [0, S) of V (leaves already loaded); `allPre`: fill G of every node;
   * `build`: rebuild the pattern tables first (false when the parameters did not change).
   */
  protected forwardRows(S: number, allPre: boolean, build = true): void {
    const { Vw, Gw } = this.layout;
    const { P, V, G, tables } = this;
    const useTables = tables !== null && this.binary;
    this.usedTables = useTables;
    this.binary = true;
    if (useTables && build) tables.build(P);
    const segs = useTables ? this.topSegs : this.segs;
    for (let c0 = 0; c0 < S; c0 += this.chunk) {
      const c1 = Math.min(S, c0 + this.chunk);
      if (useTables) tables.fill(P, V, G, c0, c1, Vw, Gw, allPre);
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
      if (useTables) tables.binRows(dV, G, c0, c1, Vw, Gw);
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

  /**
   * The correlation metric's sums over an evaluation set (../unitSums.ts). With 0/1
   * leaves, a tabulated node's pre-activation is its table entry at the row's code, so its sums come
   * from a histogram of (code, z) per node: O(1) per row instead of O(units); the other nodes are
   * summed from their pre-activations. Same values as sumsFromPre up to summation order.
   */
  unitSums(set: EvalSet, chunk = 2048): UnitSums {
    const { layout, tables } = this;
    const nI = layout.nodes.length;
    const Gw = layout.Gw;
    const L = layout.leafPos.length;
    const gpos = Int32Array.from(layout.nodes, (n) => n.gpos);
    const out = Int32Array.from(layout.nodes, (n) => n.out);
    const acc = { sz: new Float64Array(nI), sg: new Float64Array(Gw), sgg: new Float64Array(Gw), szg: new Float64Array(Gw) };
    if (set.n === 0) return { n: 0, ...acc };
    const shift = Float64Array.from(this.forwardPre(set.x.subarray(0, L), 1));
    if (!tables) {
      for (let s0 = 0; s0 < set.n; s0 += chunk) {
        const S = Math.min(chunk, set.n - s0);
        const G = this.forwardPre(set.x.subarray(s0 * L, (s0 + S) * L), S);
        accumulateUnits(G, Gw, set.z, s0, S, nI, gpos, out, shift, acc, null);
      }
      return { n: set.n, ...acc };
    }
    const plan = tables.plan;
    const top = Uint8Array.from(layout.nodes, (_, k) => (plan.tabulated.has(k) ? 0 : 1));
    const hist = plan.nodes.map((n) => new Float64Array(2 * n.size));
    const codes = new Int32Array(plan.nodes.length);
    tables.build(this.P);
    this.ensure(Math.min(chunk, set.n));
    for (let s0 = 0; s0 < set.n; s0 += chunk) {
      const S = Math.min(chunk, set.n - s0);
      this.loadLeaves(set.x.subarray(s0 * L, (s0 + S) * L), 0, S);
      if (!this.binary) {
        this.forwardRows(S, true);
        accumulateUnits(this.G, Gw, set.z, s0, S, nI, gpos, out, shift, acc, null);
        continue;
      }
      this.forwardRows(S, false, false);
      accumulateUnits(this.G, Gw, set.z, s0, S, nI, gpos, out, shift, acc, top);
      for (let s = 0; s < S; s++) {
        const zb = (s0 + s) * nI;
        tables.allCodes(s, codes);
        for (let t = 0; t < codes.length; t++) {
          const h = hist[t]!;
          const bin = 2 * codes[t]! + set.z[zb + plan.nodes[t]!.k]!;
          h[bin] = h[bin]! + 1;
        }
      }
    }
    plan.nodes.forEach((n, t) => {
      const h = hist[t]!;
      for (let c = 0; c < n.size; c++) {
        const n0 = h[2 * c]!;
        const n1 = h[2 * c + 1]!;
        if (n0 + n1 === 0) continue;
        acc.sz[n.k] = acc.sz[n.k]! + n1;
        for (let i = 0; i < n.out; i++) {
          const u = n.gpos + i;
          const g = tables.TG[n.tOff + c * n.out + i]! - shift[u]!;
          acc.sg[u] = acc.sg[u]! + (n0 + n1) * g;
          acc.sgg[u] = acc.sgg[u]! + (n0 + n1) * g * g;
          acc.szg[u] = acc.szg[u]! + n1 * g;
        }
      }
    });
    return { n: set.n, ...acc };
  }

  params(): Params<number> {
    return unpackParams(this.layout, this.P);
  }

  nonFinite(): { block: string; what: 'W' | 'b' } | null {
    const { layout, P } = this;
    // Fast path: x − x is 0 for finite x and NaN for ±Inf and NaN.
    let probe = 0;
    for (let i = 0; i < P.length; i++) probe += P[i]! - P[i]!;
    if (probe === 0) return null;
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
    super(o.spec, o.params, o.chunk ?? 64, o.tableMax ?? 32, o.mode ?? 'branch', o.partialMax ?? 64);
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
      ...(o.spec.normalizeForm ? { normalizeForm: o.spec.normalizeForm } : {}),
      ...(o.inBatch ? { inBatch: o.inBatch } : {}),
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
