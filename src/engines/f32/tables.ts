/**
 * Pattern tables for the bottom of a tree network (an exact shortcut of the f32 engine).
 *
 * With 0/1 leaves, the pre-activation of a node μ is a function of the leaves under it only, so
 * it takes at most size(μ) = Π_children size(c) values (a leaf: 2).
 *
 * Tabulated nodes (size(μ) ≤ tableMax): every step (parameters change) the table
 *   TG_μ[c] = b_μ + W_μ·input(c),  TV_μ[c] = ψ(TG_μ[c]),   c < size(μ)
 * is built bottom-up (input(c): the children's table values at the child codes of c, mixed radix,
 * child 0 least significant; a leaf child contributes its bit). A row needs only codes:
 * code(μ) = Σ_leaves under μ x·weight.
 *
 * Partial nodes (not tabulated, every child tabulated or a leaf, Σ_c size(c) ≤ partialMax): the
 * pre-activation splits over the children, g_μ = b_μ + Σ_c PT_c[code_c] with the partial tables
 *   PT_c[k] = W_μ[:, slot_c]·TV_c[k]          (a leaf child: W_μ[:, slot]·k, k ∈ {0, 1})
 * so a row costs Σ_c out adds instead of out·in multiply-adds.
 *
 * Backward is exact by linearity: rows with the same code have the same input and gate, so
 *   Σ_rows dg ⊗ input = Σ_k (Σ_{rows with code k} dg) ⊗ input(k).
 * Rows add their dg into a bin per code: frontier tabulated nodes (parent neither tabulated nor
 * partial) bin by their own code; partial nodes bin by each child's code (PB_c[code_c] += dg).
 * Once per step the bins are pushed down: a partial node adds dW_μ[:, slot_c] += PB_c[k] ⊗ TV_c[k],
 * db_μ += Σ_k PB_{c0}[k], and bin_c[k] += ψ'(TG_c[k]) ⊙ W_μ[:, slot_c]ᵀ PB_c[k]; a tabulated node
 * adds dW_μ += bin[k] ⊗ input(k), db_μ += bin[k], and bin_ν[k_ν] += ψ'(TG_ν[k_ν]) ⊙ (W_μᵀ bin[k])[slot ν]
 * for each tabulated child ν.
 * Complete binary depth-5 tree, 384 rows per step: the 16 + 8 nodes of the two lowest levels are
 * tabulated (4 and 16 entries) and the 4 nodes above them partial (2 × 16 entries), so per row only
 * the 3 top nodes run the kernels of kernels.ts. Float32 storage as there; table values are
 * bit-identical to the kernel path (same summation order); partial sums are regrouped.
 */
import { activationRecord, type Activation } from '../../network/activation.js';
import { compile } from './kernels.js';
import type { TreeLayout } from './layout.js';

type TabChild =
  | { readonly kind: 'leaf'; readonly slot: number }
  | { readonly kind: 'tab'; readonly slot: number; readonly t: number; readonly size: number; readonly out: number };

interface Coded {
  /** Position in tree.internal / layout.nodes. */
  readonly k: number;
  readonly in: number;
  readonly out: number;
  readonly pOff: number;
  readonly vpos: number;
  readonly gpos: number;
  readonly isRoot: boolean;
}

export interface TabNode extends Coded {
  readonly size: number;
  /** Offset of this node's entries in TG, TV and the bins (size·out floats). */
  readonly tOff: number;
  readonly children: readonly TabChild[];
  /** code = Σ V[row + leafPos[i]]·leafW[i]. */
  readonly leafPos: Int32Array;
  readonly leafW: Int32Array;
  readonly frontier: boolean;
}

export interface PartialChild {
  readonly slot: number;
  /** Tabulated child index into plan.nodes, or −1 for a leaf child. */
  readonly t: number;
  readonly size: number;
  /** Width of the child's value (1 for a leaf). */
  readonly width: number;
  /** Offset of PT_c / PB_c (size·out of the parent). */
  readonly off: number;
  readonly leafPos: Int32Array;
  readonly leafW: Int32Array;
}

export interface PartialNode extends Coded {
  readonly children: readonly PartialChild[];
}

export interface TablePlan {
  /** Tabulated nodes in tree.internal (BFS) order: parents before children. */
  readonly nodes: readonly TabNode[];
  /** Indices into `nodes` of the frontier nodes. */
  readonly frontier: readonly number[];
  readonly partial: readonly PartialNode[];
  /** tree.internal positions that are tabulated. */
  readonly tabulated: ReadonlySet<number>;
  /** tree.internal positions handled here (tabulated or partial): the kernels skip them. */
  readonly handled: ReadonlySet<number>;
  /** Floats of TG/TV/bins and of PT/PB. */
  readonly total: number;
  readonly partialTotal: number;
  /** Partial children in total (codes per row). */
  readonly partialCodes: number;
  /**
   * Where each tabulated node's code comes from, parents first: a frontier slot, a partial-child
   * slot, or the parent's code c as ⌊c / div⌋ mod size.
   */
  readonly codeSource: readonly ({ kind: 'frontier'; f: number } | { kind: 'partial'; i: number } | { kind: 'parent'; t: number; div: number; size: number })[];
}

/**
 * Tabulates every node whose table has at most `maxSize` entries (and whose internal children are
 * tabulated); makes partial every other node whose children are all tabulated or leaves with
 * Σ_c size(c) ≤ `partialMax` (0: none).
 */
export function tablePlan(layout: TreeLayout, maxSize: number, partialMax = 64): TablePlan {
  const { tree } = layout;
  const kOf = new Map<number, number>();
  layout.nodes.forEach((n, k) => kOf.set(n.node, k));
  const size = new Map<number, number>(); // k → size, tabulated nodes only
  const partialKs: number[] = [];
  for (let k = layout.nodes.length - 1; k >= 0; k--) {
    const n = layout.nodes[k]!;
    let s = 1;
    let sum = 0;
    let childrenCoded = true;
    for (const c of tree.nodes[n.node]!.children) {
      const cs = tree.nodes[c]!.isLeaf ? 2 : size.get(kOf.get(c)!);
      if (cs === undefined) {
        childrenCoded = false;
        break;
      }
      s *= cs;
      sum += cs;
    }
    if (childrenCoded && s <= maxSize) size.set(k, s);
    else if (childrenCoded && sum <= partialMax) partialKs.push(k);
  }
  const ks = [...size.keys()].sort((a, b) => a - b);
  partialKs.sort((a, b) => a - b);
  const partialSet = new Set(partialKs);
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
  const coded = (k: number): Coded => {
    const n = layout.nodes[k]!;
    return { k, in: n.in, out: n.out, pOff: n.pOff, vpos: n.vpos, gpos: n.gpos, isRoot: k === 0 };
  };
  const nodes: TabNode[] = ks.map((k, t) => {
    const node = tree.nodes[layout.nodes[k]!.node]!;
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
      ...coded(k),
      size: size.get(k)!,
      tOff: tOffs[t]!,
      children,
      leafPos: Int32Array.from(tm.pos),
      leafW: Int32Array.from(tm.w),
      frontier: parentK < 0 || (!size.has(parentK) && !partialSet.has(parentK)),
    };
  });
  let partialTotal = 0;
  let partialCodes = 0;
  const partial: PartialNode[] = partialKs.map((k) => {
    const base = coded(k);
    let slot = 0;
    const children = tree.nodes[layout.nodes[k]!.node]!.children.map((c): PartialChild => {
      const here = slot;
      const off = partialTotal;
      partialCodes++;
      if (tree.nodes[c]!.isLeaf) {
        slot += 1;
        partialTotal += 2 * base.out;
        return { slot: here, t: -1, size: 2, width: 1, off, leafPos: Int32Array.of(layout.leafPos[tree.nodes[c]!.leafIndex]!), leafW: Int32Array.of(1) };
      }
      const ck = kOf.get(c)!;
      const t = tIndex.get(ck)!;
      const width = layout.nodes[ck]!.out;
      slot += width;
      partialTotal += size.get(ck)! * base.out;
      return { slot: here, t, size: size.get(ck)!, width, off, leafPos: nodes[t]!.leafPos, leafW: nodes[t]!.leafW };
    });
    return { ...base, children };
  });
  const frontier = nodes.flatMap((n, t) => (n.frontier ? [t] : []));
  const codeSource: TablePlan['codeSource'][number][] = nodes.map(() => ({ kind: 'frontier', f: -1 }));
  frontier.forEach((t, f) => (codeSource[t] = { kind: 'frontier', f }));
  let pi = 0;
  for (const p of partial) for (const ch of p.children) {
    if (ch.t >= 0) codeSource[ch.t] = { kind: 'partial', i: pi };
    pi++;
  }
  nodes.forEach((n, t) => {
    let div = 1;
    for (const ch of n.children) {
      if (ch.kind === 'leaf') {
        div *= 2;
        continue;
      }
      codeSource[ch.t] = { kind: 'parent', t, div, size: ch.size };
      div *= ch.size;
    }
  });
  return {
    nodes,
    frontier,
    codeSource,
    partial,
    tabulated: new Set(ks),
    handled: new Set([...ks, ...partialKs]),
    total,
    partialTotal,
    partialCodes,
  };
}

const compiled = new Map<string, unknown>();

/**
 * compile(), once per source in this thread: a plan's code depends on its shape alone, so the runs
 * of one setting (every seed) share the same functions, and with them V8's optimised code, instead
 * of compiling and warming up fresh ones per run.
 */
function compileOnce<F>(body: string): F {
  let f = compiled.get(body) as F | undefined;
  if (f === undefined) compiled.set(body, (f = compile<F>(body)));
  return f;
}

type PartialFill = (P: Float32Array, V: Float32Array, G: Float32Array, PT: Float64Array, pcodes: Int32Array, s0: number, s1: number, Vw: number, Gw: number) => void;
type PartialBin = (G: Float32Array, dV: Float64Array, PB: Float64Array, pcodes: Int32Array, s0: number, s1: number, Vw: number, Gw: number) => void;

/**
 * Straight-line code for the partial nodes of a plan (every offset a constant): per row, the child
 * codes, g = b + Σ_c PT_c[code_c], G ← g, V ← ψ(g); and the binning PB_c[code_c] += ψ'(g) ⊙ dV.
 */
function compilePartial(plan: TablePlan, activation: Activation, bias: boolean): { fill: PartialFill; bin: PartialBin } {
  const { kernel } = activationRecord(activation);
  const nPC = plan.partialCodes;
  const fill: string[] = [];
  const bin: string[] = [];
  let pc = 0;
  for (const n of plan.partial) {
    const O = n.out;
    const idx = Array.from({ length: O }, (_, i) => i);
    const f: string[] = ['{'];
    const b: string[] = ['{'];
    n.children.forEach((ch, ci) => {
      const terms = Array.from(ch.leafPos, (p, i) => `V[vb + ${p}] * ${ch.leafW[i]}`).join(' + ');
      f.push(`const c${ci} = ${terms}; pcodes[pc + ${pc + ci}] = c${ci}; const o${ci} = ${ch.off} + c${ci} * ${O};`);
      b.push(`const o${ci} = ${ch.off} + pcodes[pc + ${pc + ci}] * ${O};`);
    });
    for (const i of idx) {
      const sum = [bias ? `P[${n.pOff + n.in * O + i}]` : '0', ...n.children.map((_, ci) => `PT[o${ci} + ${i}]`)].join(' + ');
      const act = n.isRoot ? `a${i}` : kernel.value(`a${i}`, activation);
      f.push(`const a${i} = ${sum}; G[gb + ${n.gpos + i}] = a${i}; V[vb + ${n.vpos + i}] = ${act};`);
      const g = `G[gb + ${n.gpos + i}]`;
      const dv = `dV[vb + ${n.vpos + i}]`;
      const d = n.isRoot ? dv : kernel.gate(g, dv, activation);
      b.push(`const d${i} = ${d};`);
      n.children.forEach((_, ci) => b.push(`PB[o${ci} + ${i}] += d${i};`));
    }
    f.push('}');
    b.push('}');
    fill.push(f.join('\n'));
    bin.push(b.join('\n'));
    pc += n.children.length;
  }
  const loop = (body: string[]) => `for (let s = s0; s < s1; s++) { const vb = s * Vw, gb = s * Gw, pc = s * ${nPC};\n${body.join('\n')}\n}`;
  const [f, b] = compileOnce<[PartialFill, PartialBin]>(`return [
    function fillPartial(P, V, G, PT, pcodes, s0, s1, Vw, Gw) { ${loop(fill)} },
    function binPartial(G, dV, PB, pcodes, s0, s1, Vw, Gw) { ${loop(bin)} },
  ];`);
  return { fill: f, bin: b };
}

/** ψ(a) and ψ'(g)·d as functions, compiled from the same kernel sources as the kernels. */
function scalarActivation(activation: Activation): { psi: (a: number) => number; gate: (g: number, d: number) => number } {
  const { kernel } = activationRecord(activation);
  return {
    psi: compileOnce(`return (a) => ${kernel.value('a', activation)};`),
    gate: compileOnce(`return (g, d) => ${kernel.gate('g', 'd', activation)};`),
  };
}

/** The tables' storage and the per-step operations. */
export class Tables {
  readonly TG: Float32Array;
  readonly TV: Float32Array;
  readonly bins: Float64Array;
  /** Partial tables PT_c and their bins PB_c. */
  readonly PT: Float64Array;
  readonly PB: Float64Array;
  /** Frontier codes [S × frontier] and partial-child codes [S × partialCodes] of the last fill. */
  codes = new Int32Array(0);
  pcodes = new Int32Array(0);
  private readonly inp: Float64Array;
  /** ReLU's binary gate: the bins' inner loop tests g > 0 inline. */
  private readonly binaryGate: boolean;
  private readonly psi: (a: number) => number;
  private readonly gated: (g: number, d: number) => number;
  private readonly front: TabNode[];
  private readonly codeScratch: Int32Array;
  /** Scratch: one node's sums. */
  private readonly accum: Float64Array;
  private readonly partialCode: { fill: PartialFill; bin: PartialBin };

  constructor(
    readonly plan: TablePlan,
    readonly activation: Activation,
    readonly bias: boolean,
  ) {
    this.TG = new Float32Array(plan.total);
    this.TV = new Float32Array(plan.total);
    this.bins = new Float64Array(plan.total);
    this.PT = new Float64Array(plan.partialTotal);
    this.PB = new Float64Array(plan.partialTotal);
    this.inp = new Float64Array(Math.max(1, ...plan.nodes.map((n) => n.in)));
    this.binaryGate = activationRecord(activation).binaryGate;
    ({ psi: this.psi, gate: this.gated } = scalarActivation(activation));
    this.front = plan.frontier.map((t) => plan.nodes[t]!);
    this.codeScratch = new Int32Array(plan.nodes.length);
    this.accum = new Float64Array(Math.max(1, ...plan.nodes.map((n) => n.out), ...plan.partial.map((n) => n.out)));
    this.partialCode = compilePartial(plan, activation, bias);
  }

  /** Makes room for S rows of codes. */
  ensure(S: number): void {
    if (this.codes.length < S * this.front.length) this.codes = new Int32Array(S * this.front.length);
    if (this.pcodes.length < S * this.plan.partialCodes) this.pcodes = new Int32Array(S * this.plan.partialCodes);
  }

  private act(isRoot: boolean, a: number): number {
    return isRoot ? a : this.psi(a);
  }

  private gate(isRoot: boolean, g: number, d: number): number {
    return isRoot ? d : this.gated(g, d);
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

  /** Rebuilds every table and partial table from the parameters P. */
  build(P: Float32Array): void {
    const nodes = this.plan.nodes;
    const acc = this.accum;
    const { TG, TV } = this;
    for (let t = nodes.length - 1; t >= 0; t--) {
      const n = nodes[t]!;
      const { out, pOff } = n;
      const I = n.in;
      for (let c = 0; c < n.size; c++) {
        const inp = this.input(n, c);
        // Per output the sum runs over j ascending from the bias, as in the kernels: same bits.
        for (let i = 0; i < out; i++) acc[i] = this.bias ? P[pOff + I * out + i]! : 0;
        for (let j = 0; j < I; j++) {
          const v = inp[j]!;
          if (v === 0) continue;
          const w = pOff + j * out;
          for (let i = 0; i < out; i++) acc[i] = acc[i]! + P[w + i]! * v;
        }
        const base = n.tOff + c * out;
        for (let i = 0; i < out; i++) {
          const a = acc[i]!;
          TG[base + i] = a;
          TV[base + i] = this.act(n.isRoot, a);
        }
      }
    }
    const PT = this.PT;
    for (const n of this.plan.partial) {
      const { out, pOff } = n;
      for (const ch of n.children) {
        for (let k = 0; k < ch.size; k++) {
          const dst = ch.off + k * out;
          for (let i = 0; i < out; i++) PT[dst + i] = 0;
          if (ch.t < 0) {
            if (k === 1) for (let i = 0; i < out; i++) PT[dst + i] = P[pOff + ch.slot * out + i]!;
            continue;
          }
          const src = nodes[ch.t]!.tOff + k * ch.width;
          for (let u = 0; u < ch.width; u++) {
            const v = TV[src + u]!;
            if (v === 0) continue;
            const w = pOff + (ch.slot + u) * out;
            for (let i = 0; i < out; i++) PT[dst + i] = PT[dst + i]! + P[w + i]! * v;
          }
        }
      }
    }
  }

  /** Codes of every tabulated node (plan.nodes order) for row s of the last fill, into `out`. */
  allCodes(s: number, out: Int32Array): Int32Array {
    const { plan, codes, pcodes } = this;
    const nF = plan.frontier.length;
    const nPC = plan.partialCodes;
    const src = plan.codeSource;
    for (let t = 0; t < src.length; t++) {
      const c = src[t]!;
      out[t] = c.kind === 'frontier' ? codes[s * nF + c.f]! : c.kind === 'partial' ? pcodes[s * nPC + c.i]! : Math.floor(out[c.t]! / c.div) % c.size;
    }
    return out;
  }

  /** Code of tabulated node n for the row at V[vb ..]. */
  code(n: TabNode, V: Float32Array, vb: number): number {
    let c = 0;
    for (let i = 0; i < n.leafPos.length; i++) c += V[vb + n.leafPos[i]!]! * n.leafW[i]!;
    return c;
  }

  /**
   * Rows [s0, s1): frontier values into V, partial nodes' G and V, codes; with `allPre`, the
   * pre-activations of every tabulated node into G (evaluation; training needs none of them).
   */
  fill(P: Float32Array, V: Float32Array, G: Float32Array, s0: number, s1: number, Vw: number, Gw: number, allPre: boolean): void {
    const { plan, TG, TV, codes, front } = this;
    const nF = front.length;
    if (plan.partial.length > 0) this.partialCode.fill(P, V, G, this.PT, this.pcodes, s0, s1, Vw, Gw);
    if (nF === 0 && !allPre) return;
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
        if (allPre || n.isRoot) for (let i = 0; i < out; i++) G[gb + n.gpos + i] = TG[src + i]!;
      }
      if (!allPre) continue;
      const all = this.allCodes(s, this.codeScratch);
      plan.nodes.forEach((n, t) => {
        if (n.frontier) return;
        const src = n.tOff + all[t]! * n.out;
        for (let i = 0; i < n.out; i++) G[gb + n.gpos + i] = TG[src + i]!;
      });
    }
  }

  /** Adds the rows' ∂L/∂g into the bins (dV: ∂L/∂f at the nodes' V slots; the root's: ∂L/∂g). */
  binRows(dV: Float64Array, G: Float32Array, s0: number, s1: number, Vw: number, Gw: number): void {
    const { plan, TG, bins, codes, front } = this;
    const nF = front.length;
    const binaryGate = this.binaryGate;
    if (plan.partial.length > 0) this.partialCode.bin(G, dV, this.PB, this.pcodes, s0, s1, Vw, Gw);
    if (nF === 0) return;
    for (let s = s0; s < s1; s++) {
      const vb = s * Vw;
      for (let f = 0; f < nF; f++) {
        const n = front[f]!;
        const out = n.out;
        const base = n.tOff + codes[s * nF + f]! * out;
        const dv = vb + n.vpos;
        if (binaryGate && !n.isRoot) {
          for (let i = 0; i < out; i++) if (TG[base + i]! > 0) bins[base + i] = bins[base + i]! + dV[dv + i]!;
        } else {
          for (let i = 0; i < out; i++) bins[base + i] = bins[base + i]! + this.gate(n.isRoot, TG[base + i]!, dV[dv + i]!);
        }
      }
    }
  }

  /** Pushes the bins down, adding parameter gradients into GR (then clears the bins). */
  backward(P: Float32Array, GR: Float64Array): void {
    const { plan, bins, TG, TV, PB } = this;
    for (const n of plan.partial) {
      const { out, pOff } = n;
      const I = n.in;
      n.children.forEach((ch, ci) => {
        for (let k = 0; k < ch.size; k++) {
          const pb = ch.off + k * out;
          let any = false;
          for (let i = 0; i < out; i++) if (PB[pb + i] !== 0) any = true;
          if (!any) continue;
          if (ci === 0 && this.bias) for (let i = 0; i < out; i++) GR[pOff + I * out + i] = GR[pOff + I * out + i]! + PB[pb + i]!;
          if (ch.t < 0) {
            if (k === 1) for (let i = 0; i < out; i++) GR[pOff + ch.slot * out + i] = GR[pOff + ch.slot * out + i]! + PB[pb + i]!;
            continue;
          }
          const tv = plan.nodes[ch.t]!.tOff + k * ch.width;
          for (let u = 0; u < ch.width; u++) {
            const w = pOff + (ch.slot + u) * out;
            const v = TV[tv + u]!;
            let s = 0;
            if (v !== 0) for (let i = 0; i < out; i++) GR[w + i] = GR[w + i]! + PB[pb + i]! * v;
            for (let i = 0; i < out; i++) s += P[w + i]! * PB[pb + i]!;
            bins[tv + u] = bins[tv + u]! + this.gated(TG[tv + u]!, s);
          }
        }
      });
    }
    PB.fill(0);
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
          for (let i = 0; i < out; i++) GR[w + i] = GR[w + i]! + bins[base + i]! * v;
        }
        if (this.bias) for (let i = 0; i < out; i++) GR[pOff + I * out + i] = GR[pOff + I * out + i]! + bins[base + i]!;
        let rem = c;
        for (const ch of n.children) {
          if (ch.kind === 'leaf') {
            rem = (rem - (rem % 2)) / 2;
            continue;
          }
          const cc = rem % ch.size;
          rem = (rem - cc) / ch.size;
          const cb = plan.nodes[ch.t]!.tOff + cc * ch.out;
          for (let u = 0; u < ch.out; u++) {
            const w = pOff + (ch.slot + u) * out;
            let s = 0;
            for (let i = 0; i < out; i++) s += P[w + i]! * bins[base + i]!;
            bins[cb + u] = bins[cb + u]! + this.gated(TG[cb + u]!, s);
          }
        }
      }
    }
    bins.fill(0);
  }
}
