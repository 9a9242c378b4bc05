/**
 * Cases in the case format (docs/case-format.md) as plain JSON, for hunting: generation, numeric
 * mutation and structural projection (fewer nodes, smaller hid, smaller batch) that keep a case
 * valid. Every number the generator draws is dyadic, and shrinking moves numbers towards short
 * dyadic fractions, so a saved minimal case replays exactly in float64 (and in rationals).
 */
import * as fc from 'fast-check';
import { completeTree } from '../hltm/tree.js';
import { treeArchitecture } from '../network/architecture.js';
import type { Rng } from '../numeric/random.js';

/** A case as JSON (the fields of docs/case-format.md). */
export interface CaseJson {
  depth: number;
  children: number;
  polarities?: Record<string, number>;
  root_prior?: number;
  weights: Record<string, number[][]>;
  biases?: Record<string, number[]>;
  activation?: string;
  normalize?: boolean;
  eps?: number;
  batch: { x: number[][]; x_pos: number[][]; x_neg: number[][][] };
  loss: Record<string, unknown>;
  reduction?: 'mean' | 'sum';
  mode?: 'grad' | 'expect';
}

/** The structure of a case. */
export interface CaseShape {
  readonly depth: number;
  readonly children: number;
  readonly hid: number;
  readonly out: number;
  readonly B: number;
  readonly H: number;
}

/** What a hunt target draws: activations, switches, sizes. */
export interface CaseDomain {
  readonly activations: readonly string[];
  readonly bias: boolean;
  readonly normalize: boolean;
  readonly mode: 'grad' | 'expect';
  readonly loss: Record<string, unknown>;
  readonly maxDepth: number;
  readonly maxChildren: number;
  readonly maxHid: number;
  readonly maxOut: number;
  readonly maxB: number;
  readonly maxH: number;
  readonly minH?: number;
  /** Leaf limit (the exact enumeration of mode 'expect'). */
  readonly maxLeaves: number;
}

/** Node names and matrix shapes of a complete tree network (case-format order). */
export function blockShapes(depth: number, children: number, hid: number, out: number): { name: string; rows: number; cols: number }[] {
  const tree = completeTree(depth, children, () => 0);
  const arch = treeArchitecture(tree, hid, out);
  return arch.blocks.map((b) => ({ name: b.name, rows: b.out, cols: b.in })).reverse();
}

/** Non-root node names of a complete tree (for polarities). */
export function edgeNames(depth: number, children: number): string[] {
  return completeTree(depth, children, () => 0).nodes.filter((n) => n.parent >= 0).map((n) => n.name);
}

export function shapeOf(c: CaseJson): CaseShape {
  const names = Object.keys(c.weights);
  const nonRoot = names.filter((n) => n !== 's');
  const hid = nonRoot.length > 0 ? c.weights[nonRoot[0]!]!.length : c.weights.s!.length;
  return { depth: c.depth, children: c.children, hid, out: c.weights.s!.length, B: c.batch.x.length, H: c.batch.x_neg[0]?.length ?? 1 };
}

/** A dyadic value k/8, |k| ≤ 16 (weights), shrinking to 0. */
const weight = fc.integer({ min: -16, max: 16 }).map((k) => k / 8);
const bit = fc.integer({ min: 0, max: 1 });
const polarity = fc.integer({ min: -8, max: 8 }).map((k) => k / 8);

/** Random cases of a domain (fast-check, so `fc.sample` with a seed is reproducible). */
export function arbCaseJson(d: CaseDomain): fc.Arbitrary<CaseJson> {
  return fc
    .record({
      depth: fc.integer({ min: 1, max: d.maxDepth }),
      children: fc.integer({ min: 1, max: d.maxChildren }),
      hid: fc.integer({ min: 1, max: d.maxHid }),
      out: fc.integer({ min: 1, max: d.maxOut }),
      B: fc.integer({ min: 1, max: d.maxB }),
      H: fc.integer({ min: d.minH ?? 1, max: d.maxH }),
      activation: fc.constantFrom(...d.activations),
    })
    .filter((s) => s.children ** s.depth <= d.maxLeaves)
    .chain((s) => {
      const blocks = blockShapes(s.depth, s.children, s.hid, s.out);
      const L = s.children ** s.depth;
      const mat = (rows: number, cols: number) => fc.array(fc.array(weight, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });
      const vec = (n: number) => fc.array(bit, { minLength: n, maxLength: n });
      const weights = fc.record(Object.fromEntries(blocks.map((b) => [b.name, mat(b.rows, b.cols)])) as Record<string, fc.Arbitrary<number[][]>>);
      const biases = fc.record(Object.fromEntries(blocks.map((b) => [b.name, fc.array(weight, { minLength: b.rows, maxLength: b.rows })])) as Record<string, fc.Arbitrary<number[]>>);
      const edges = edgeNames(s.depth, s.children);
      const polarities = fc.record(Object.fromEntries(edges.map((e) => [e, polarity])) as Record<string, fc.Arbitrary<number>>);
      return fc.record({
        weights,
        biases: d.bias ? biases : fc.constant(undefined),
        polarities: d.mode === 'expect' ? polarities : fc.constant(undefined),
        batch: fc.record({
          x: fc.array(vec(L), { minLength: s.B, maxLength: s.B }),
          x_pos: fc.array(vec(L), { minLength: s.B, maxLength: s.B }),
          x_neg: fc.array(fc.array(vec(L), { minLength: s.H, maxLength: s.H }), { minLength: s.B, maxLength: s.B }),
        }),
      }).map((v) => {
        const c: CaseJson = { depth: s.depth, children: s.children, weights: v.weights, activation: s.activation, batch: v.batch, loss: { ...d.loss } };
        if (v.biases) c.biases = v.biases;
        if (v.polarities) c.polarities = v.polarities;
        if (d.normalize) c.normalize = true;
        if (d.mode === 'expect') c.mode = 'expect';
        return c;
      });
    });
}

/** A deep copy. */
export function cloneCase(c: CaseJson): CaseJson {
  return JSON.parse(JSON.stringify(c)) as CaseJson;
}

/** A reference to one number of a case. */
export interface NumberSlot {
  readonly kind: 'weight' | 'bias' | 'polarity' | 'input';
  get(): number;
  set(v: number): void;
  readonly label: string;
}

/** Every number of a case (weights, biases, polarities, batch inputs), in a stable order. */
export function numberSlots(c: CaseJson): NumberSlot[] {
  const out: NumberSlot[] = [];
  for (const [name, m] of Object.entries(c.weights)) {
    m.forEach((row, i) => row.forEach((_, j) => out.push({ kind: 'weight', label: `weights.${name}[${i}][${j}]`, get: () => row[j]!, set: (v) => (row[j] = v) })));
  }
  for (const [name, b] of Object.entries(c.biases ?? {})) {
    b.forEach((_, i) => out.push({ kind: 'bias', label: `biases.${name}[${i}]`, get: () => b[i]!, set: (v) => (b[i] = v) }));
  }
  for (const name of Object.keys(c.polarities ?? {})) {
    const p = c.polarities!;
    out.push({ kind: 'polarity', label: `polarities.${name}`, get: () => p[name]!, set: (v) => (p[name] = v) });
  }
  const rows = [...c.batch.x, ...c.batch.x_pos, ...c.batch.x_neg.flat()];
  rows.forEach((row, r) => row.forEach((_, j) => out.push({ kind: 'input', label: `batch[${r}][${j}]`, get: () => row[j]!, set: (v) => (row[j] = v) })));
  return out;
}

/** Rounds to a multiple of 2^-bits (dyadic). */
export function dyadic(v: number, bits: number): number {
  const s = 2 ** bits;
  return Math.round(v * s) / s;
}

/** One random numeric mutation of a copy of c (targeted search). */
export function mutateCase(c: CaseJson, rng: Rng): CaseJson {
  const next = cloneCase(c);
  const slots = numberSlots(next);
  const numeric = slots.filter((s) => s.kind !== 'input');
  const inputs = slots.filter((s) => s.kind === 'input');
  const moves = 1 + rng.int(3);
  for (let m = 0; m < moves; m++) {
    if (inputs.length > 0 && (numeric.length === 0 || rng.uniform() < 0.15)) {
      const s = inputs[rng.int(inputs.length)]!;
      s.set(1 - s.get());
      continue;
    }
    const s = numeric[rng.int(numeric.length)]!;
    const v = s.get();
    const lim = s.kind === 'polarity' ? 1 : 4;
    const kind = rng.int(4);
    let nv: number;
    if (kind === 0) nv = v + rng.normal() * 0.5;
    else if (kind === 1) nv = v + rng.normal() * 0.05;
    else if (kind === 2) nv = v * (rng.bernoulli(0.5) ? 2 : 0.5);
    else nv = rng.range(-lim, lim);
    s.set(Math.max(-lim, Math.min(lim, dyadic(nv, 10))));
  }
  return next;
}

/**
 * The case projected onto a smaller shape: node names are kept (a complete tree with fewer levels or
 * children has a subset of the names), matrices are cut to the new rows and to the columns of the
 * kept children's kept units (a child that became a leaf contributes its first unit's column).
 * `dropFirstTuple` removes the first tuple instead of the last when B shrinks.
 */
export function projectCase(c: CaseJson, to: CaseShape, options: { dropFirstTuple?: boolean; dropFirstNegative?: boolean } = {}): CaseJson {
  const from = shapeOf(c);
  const oldBlocks = new Map(blockShapes(from.depth, from.children, from.hid, from.out).map((b) => [b.name, b]));
  const next = cloneCase(c);
  next.depth = to.depth;
  next.children = to.children;
  const newBlocks = blockShapes(to.depth, to.children, to.hid, to.out);
  // Column index, in the old input of node `name`, of unit u of its child i (or the leaf value).
  const oldInternal = (depthOfNode: number) => depthOfNode < from.depth - 1;
  const oldCol = (depthOfNode: number, i: number, u: number): number => (oldInternal(depthOfNode) ? i * from.hid + u : i);
  const depthOf = (name: string) => name.length - 1;
  const weights: Record<string, number[][]> = {};
  const biases: Record<string, number[]> = {};
  for (const b of newBlocks) {
    const old = c.weights[b.name];
    const ob = oldBlocks.get(b.name);
    if (!old || !ob) throw new RangeError(`projectCase: no node ${b.name} in the original case`);
    const d = depthOf(b.name);
    const childInternalNew = d < to.depth - 1;
    const cols: number[] = [];
    for (let i = 0; i < to.children; i++) {
      if (childInternalNew) for (let u = 0; u < to.hid; u++) cols.push(oldCol(d, i, u));
      else cols.push(oldCol(d, i, 0));
    }
    weights[b.name] = Array.from({ length: b.rows }, (_, r) => cols.map((j) => old[r]![j]!));
    if (c.biases) biases[b.name] = c.biases[b.name]!.slice(0, b.rows);
  }
  next.weights = weights;
  if (c.biases) next.biases = biases;
  if (c.polarities) {
    const pol: Record<string, number> = {};
    for (const e of edgeNames(to.depth, to.children)) pol[e] = c.polarities[e]!;
    next.polarities = pol;
  }
  // Leaves: keep the leaves whose names survive; a former internal node that is now a leaf takes the
  // value of its first leaf descendant.
  const oldLeafIndex = (name: string): number => {
    let n = name;
    while (n.length - 1 < from.depth) n += '0';
    // Breadth-first = lexicographic order of the digits at the leaf level.
    let idx = 0;
    for (let k = 1; k < n.length; k++) idx = idx * from.children + Number(n[k]);
    return idx;
  };
  const newLeaves = completeTree(to.depth, to.children, () => 0).leaves.map((i) => completeTree(to.depth, to.children, () => 0).nodes[i]!.name);
  const mapRow = (row: number[]) => newLeaves.map((name) => row[oldLeafIndex(name)]!);
  const pickB = <T>(rows: T[]): T[] => (to.B >= rows.length ? rows : options.dropFirstTuple ? rows.slice(rows.length - to.B) : rows.slice(0, to.B));
  next.batch = {
    x: pickB(c.batch.x).map(mapRow),
    x_pos: pickB(c.batch.x_pos).map(mapRow),
    x_neg: pickB(c.batch.x_neg).map((negs) => (options.dropFirstNegative ? negs.slice(negs.length - to.H) : negs.slice(0, to.H)).map(mapRow)),
  };
  return next;
}

/** JSON with sorted object keys (arrays keep their order): the identity of a case. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** A short content hash (FNV-1a 64 as hex). */
export function contentHash(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return ((h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0')).slice(0, 12);
}

/** How complex a number is (0 simplest): 0, then ±1, then short dyadics, then the rest. */
export function numberComplexity(v: number): number {
  if (v === 0) return 0;
  const a = Math.abs(v);
  for (let bits = 0; bits <= 30; bits++) {
    const s = a * 2 ** bits;
    if (Number.isInteger(s)) return 1 + bits * 2 + Math.log2(Math.max(1, s)) + (v < 0 ? 0.5 : 0);
  }
  return 100;
}

/** The case's size for reporting: depth, children, hid, B, H. */
export function sizeText(c: CaseJson): string {
  const s = shapeOf(c);
  return `depth ${s.depth}, children ${s.children}, hid ${s.hid}, out ${s.out}, B ${s.B}, H ${s.H}`;
}
