/**
 * Pattern tables for the bottom of a tree network (an exact shortcut of the f32 engine).
 *
 * With 0/1 leaves, the pre-activation of a node μ is a function of the leaves under it only, so
 * it takes at most size(μ) = Π_children size(c) values (a leaf: 2). When size(μ) is small next to
 * the number of rows of a step, μ is *tabulated*: every step (parameters change) the table
 *   TG_μ[c] = b_μ + W_μ·input(c),  TV_μ[c] = ψ(TG_μ[c]),   c < size(μ)
 * is built bottom-up (input(c): the children's table values at the child codes of c, mixed radix,
 * child 0 least significant; a leaf child contributes its bit). A row needs only the *code* of each
 * frontier node (tabulated, parent not): code = Σ_leaves x·weight.
 *
 * Backward is exact by linearity: rows with the same code have the same input and gate, so
 *   Σ_rows dg ⊗ input = Σ_c (Σ_{rows with code c} dg) ⊗ input(c)
 * Rows add their dg into a bin per code (frontier nodes), then the bins are pushed down the
 * tabulated subtree once per step: dW_μ += bin_c ⊗ input(c), db_μ += bin_c, and each tabulated
 * child ν gets bin_ν[c_ν] += ψ'(TG_ν[c_ν]) ⊙ (W_μᵀ bin_c)[slot of ν].
 * Complete binary depth-5 tree, 384 rows: the 16 + 8 nodes of the two lowest levels have tables of
 * 4 and 16 entries, which removes ~70% of the per-row work. Same float32 storage as kernels.ts; the
 * forward values are bit-identical to the kernel path (same summation order).
 */
import { activate, activateDerivative, type Activation } from '../../network/activation.js';
import { F64 } from '../../numeric/arith.js';
import type { TreeLayout } from './layout.js';

type TabChild =
  | { readonly kind: 'leaf'; readonly slot: number }
  | { readonly kind: 'tab'; readonly slot: number; readonly t: number; readonly size: number; readonly out: number };

export interface TabNode {
  /** Position in tree.internal / layout.nodes. */
  readonly k: number;
  readonly size: number;
  readonly in: number;
  readonly out: number;
  readonly pOff: number;
  readonly vpos: number;
  readonly gpos: number;
  /** Offset of this node's entries in TG, TV and the bins (size·out floats). */
  readonly tOff: number;
  readonly children: readonly TabChild[];
  /** code = Σ V[row + leafPos[i]]·leafW[i]. */
  readonly leafPos: Int32Array;
  readonly leafW: Int32Array;
  readonly frontier: boolean;
  readonly isRoot: boolean;
}

export interface TablePlan {
  /** Tabulated nodes in tree.internal (BFS) order: parents before children. */
  readonly nodes: readonly TabNode[];
  /** Indices into `nodes` of the frontier nodes. */
  readonly frontier: readonly number[];
  /** tree.internal positions that are tabulated. */
  readonly tabulated: ReadonlySet<number>;
  readonly total: number;
}

/** Tabulates every node whose table has at most `maxSize` entries (and whose internal children are tabulated). */
export function tablePlan(layout: TreeLayout, maxSize: number): TablePlan {
  const { tree } = layout;
  const kOf = new Map<number, number>();
  layout.nodes.forEach((n, k) => kOf.set(n.node, k));
  const size = new Map<number, number>(); // k → size, tabulated nodes only
  for (let k = layout.nodes.length - 1; k >= 0; k--) {
    const n = layout.nodes[k]!;
    let s = 1;
    for (const c of tree.nodes[n.node]!.children) {
      if (tree.nodes[c]!.isLeaf) s *= 2;
      else {
        const cs = size.get(kOf.get(c)!);
        if (cs === undefined) {
          s = Infinity;
          break;
        }
        s *= cs;
      }
    }
    if (s <= maxSize) size.set(k, s);
  }
  const ks = [...size.keys()].sort((a, b) => a - b);
  const tIndex = new Map<number, number>();
  ks.forEach((k, t) => tIndex.set(k, t));
  let total = 0;
  const tOffs = ks.map((k) => {
    const off = total;
    total += size.get(k)! * layout.nodes[k]!.out;
    return off;
  });
  // Leaf terms bottom-up.
  const terms = new Map<number, { pos: number[]; w: number[] }>();
  for (let i = ks.length - 1; i >= 0; i--) {
    const k = ks[i]!;
    const pos: number[] = [];
    const w: number[] = [];
    let radix = 1;
    for (const c of tree.nodes[layout.nodes[k]!.node]!.children) {
      if (tree.nodes[c]!.isLeaf) {
        pos.push(layout.leafPos[tree.nodes[c]!.leafIndex]!);
        w.push(radix);
        radix *= 2;
      } else {
        const ck = kOf.get(c)!;
        const t = terms.get(ck)!;
        t.pos.forEach((p, j) => {
          pos.push(p);
          w.push(t.w[j]! * radix);
        });
        radix *= size.get(ck)!;
      }
    }
    terms.set(k, { pos, w });
  }
  const nodes: TabNode[] = ks.map((k, t) => {
    const n = layout.nodes[k]!;
    const node = tree.nodes[n.node]!;
    let slot = 0;
    const children: TabChild[] = node.children.map((c) => {
      const here = slot;
      if (tree.nodes[c]!.isLeaf) {
        slot += 1;
        return { kind: 'leaf', slot: here };
      }
      const ck = kOf.get(c)!;
      const out = layout.nodes[ck]!.out;
      slot += out;
      return { kind: 'tab', slot: here, t: tIndex.get(ck)!, size: size.get(ck)!, out };
    });
    const parentK = node.parent >= 0 ? kOf.get(node.parent)! : -1;
    const tm = terms.get(k)!;
    return {
      k,
      size: size.get(k)!,
      in: n.in,
      out: n.out,
      pOff: n.pOff,
      vpos: n.vpos,
      gpos: n.gpos,
      tOff: tOffs[t]!,
      children,
      leafPos: Int32Array.from(tm.pos),
      leafW: Int32Array.from(tm.w),
      frontier: parentK < 0 || !size.has(parentK),
      isRoot: k === 0,
    };
  });
  return {
    nodes,
    frontier: nodes.flatMap((n, t) => (n.frontier ? [t] : [])),
    tabulated: new Set(ks),
    total,
  };
}

/** The tables' storage and the per-step operations. */
export class Tables {
  readonly TG: Float32Array;
  readonly TV: Float32Array;
  readonly bins: Float64Array;
  private readonly inp: Float64Array;
  private readonly relu: boolean;

  constructor(
    readonly plan: TablePlan,
    readonly activation: Activation,
    readonly bias: boolean,
  ) {
    this.TG = new Float32Array(plan.total);
    this.TV = new Float32Array(plan.total);
    this.bins = new Float64Array(plan.total);
    this.inp = new Float64Array(Math.max(1, ...plan.nodes.map((n) => n.in)));
    this.relu = activation.kind === 'relu';
  }

  /** input(c) of tabulated node n into this.inp. */
  private input(n: TabNode, c: number): Float64Array {
    const inp = this.inp;
    let rem = c;
    for (const ch of n.children) {
      if (ch.kind === 'leaf') {
        const bit = rem % 2;
        rem = (rem - bit) / 2;
        inp[ch.slot] = bit;
      } else {
        const cc = rem % ch.size;
        rem = (rem - cc) / ch.size;
        const base = this.plan.nodes[ch.t]!.tOff + cc * ch.out;
        for (let u = 0; u < ch.out; u++) inp[ch.slot + u] = this.TV[base + u]!;
      }
    }
    return inp;
  }

  /** Rebuilds every table from the parameters P (bottom-up). */
  build(P: Float32Array): void {
    const nodes = this.plan.nodes;
    for (let t = nodes.length - 1; t >= 0; t--) {
      const n = nodes[t]!;
      const { out, pOff } = n;
      const I = n.in;
      for (let c = 0; c < n.size; c++) {
        const inp = this.input(n, c);
        const base = n.tOff + c * out;
        for (let i = 0; i < out; i++) {
          let a = this.bias ? P[pOff + I * out + i]! : 0;
          for (let j = 0; j < I; j++) {
            const v = inp[j]!;
            if (v !== 0) a += P[pOff + j * out + i]! * v;
          }
          this.TG[base + i] = a;
          this.TV[base + i] = n.isRoot ? a : this.relu ? (a > 0 ? a : 0) : activate(F64, this.activation, a);
        }
      }
    }
  }

  /** Code of tabulated node n for the row at V[vb ..]. */
  code(n: TabNode, V: Float32Array, vb: number): number {
    let c = 0;
    for (let i = 0; i < n.leafPos.length; i++) c += V[vb + n.leafPos[i]!]! * n.leafW[i]!;
    return c;
  }

  /**
   * Rows [s0, s1): frontier values into V, codes into `codes` [S × frontier]; with `allPre`, the
   * pre-activations of every tabulated node into G (evaluation; training needs none of them).
   */
  fill(V: Float32Array, G: Float32Array, codes: Int32Array, s0: number, s1: number, Vw: number, Gw: number, allPre: boolean): void {
    const { plan, TG, TV } = this;
    const nF = plan.frontier.length;
    const front = plan.frontier.map((t) => plan.nodes[t]!);
    for (let s = s0; s < s1; s++) {
      const vb = s * Vw;
      const gb = s * Gw;
      for (let f = 0; f < nF; f++) {
        const n = front[f]!;
        const lp = n.leafPos;
        const lw = n.leafW;
        let c = 0;
        for (let i = 0; i < lp.length; i++) c += V[vb + lp[i]!]! * lw[i]!;
        codes[s * nF + f] = c;
        const out = n.out;
        const src = n.tOff + c * out;
        const vo = vb + n.vpos;
        for (let i = 0; i < out; i++) V[vo + i] = TV[src + i]!;
        if (allPre) for (let i = 0; i < out; i++) G[gb + n.gpos + i] = TG[src + i]!;
      }
      if (!allPre) continue;
      for (const n of plan.nodes) {
        if (n.frontier) continue;
        const src = n.tOff + this.code(n, V, vb) * n.out;
        for (let i = 0; i < n.out; i++) G[gb + n.gpos + i] = TG[src + i]!;
      }
    }
  }

  /** Adds the rows' ∂L/∂g of the frontier nodes into their bins (dV: ∂L/∂f at the node's V slots). */
  binRows(dV: Float64Array, codes: Int32Array, s0: number, s1: number, Vw: number): void {
    const { plan, TG, bins } = this;
    const nF = plan.frontier.length;
    const front = plan.frontier.map((t) => plan.nodes[t]!);
    const relu = this.relu;
    for (let s = s0; s < s1; s++) {
      const vb = s * Vw;
      for (let f = 0; f < nF; f++) {
        const n = front[f]!;
        const out = n.out;
        const base = n.tOff + codes[s * nF + f]! * out;
        const dv = vb + n.vpos;
        if (relu && !n.isRoot) {
          for (let i = 0; i < out; i++) if (TG[base + i]! > 0) bins[base + i] += dV[dv + i]!;
        } else {
          for (let i = 0; i < out; i++) bins[base + i] += this.gate(n.isRoot, TG[base + i]!, dV[dv + i]!);
        }
      }
    }
  }

  private gate(isRoot: boolean, g: number, d: number): number {
    if (isRoot) return d;
    if (this.relu) return g > 0 ? d : 0;
    return d * activateDerivative(F64, this.activation, g);
  }

  /** Pushes the bins down the tabulated subtrees, adding parameter gradients into GR (then clears the bins). */
  backward(P: Float32Array, GR: Float64Array): void {
    const { plan, bins, TG } = this;
    for (const n of plan.nodes) {
      const { out, pOff } = n;
      const I = n.in;
      for (let c = 0; c < n.size; c++) {
        const base = n.tOff + c * out;
        let any = false;
        for (let i = 0; i < out; i++) if (bins[base + i] !== 0) any = true;
        if (!any) continue;
        const inp = this.input(n, c);
        for (let j = 0; j < I; j++) {
          const v = inp[j]!;
          if (v === 0) continue;
          const w = pOff + j * out;
          for (let i = 0; i < out; i++) GR[w + i] += bins[base + i]! * v;
        }
        if (this.bias) for (let i = 0; i < out; i++) GR[pOff + I * out + i] += bins[base + i]!;
        let rem = c;
        for (const ch of n.children) {
          if (ch.kind === 'leaf') {
            rem = (rem - (rem % 2)) / 2;
            continue;
          }
          const cc = rem % ch.size;
          rem = (rem - cc) / ch.size;
          const child = plan.nodes[ch.t]!;
          const cb = child.tOff + cc * ch.out;
          for (let u = 0; u < ch.out; u++) {
            const w = pOff + (ch.slot + u) * out;
            let s = 0;
            for (let i = 0; i < out; i++) s += P[w + i]! * bins[base + i]!;
            bins[cb + u] += this.gate(false, TG[cb + u]!, s);
          }
        }
      }
    }
    bins.fill(0);
  }
}
