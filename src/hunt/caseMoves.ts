/**
 * Moves on hunted cases (docs/case-format.md, negatives [B][H][leaves]): their shape, every number
 * in a stable order, a random numeric mutation (targeted search) and the projection onto a smaller
 * shape (fewer nodes, smaller hid, smaller batch) that keeps a case valid (structural shrinking), and
 * how simple a number is (numeric shrinking moves towards short dyadic fractions).
 */
import { completeTree } from '../hltm/tree.js';
import type { Rng } from '../numeric/random.js';
import type { NestedCaseJson } from '../case/schema.js';
import { blockShapes, edgeNames } from '../case/names.js';

/** The structure of a case. */
export interface CaseShape {
  readonly depth: number;
  readonly children: number;
  readonly hid: number;
  readonly out: number;
  readonly B: number;
  readonly H: number;
}

export function shapeOf(c: NestedCaseJson): CaseShape {
  const names = Object.keys(c.weights);
  const nonRoot = names.filter((n) => n !== 's');
  const hid = nonRoot.length > 0 ? c.weights[nonRoot[0]!]!.length : c.weights.s!.length;
  return { depth: c.depth, children: c.children, hid, out: c.weights.s!.length, B: c.batch.x.length, H: c.batch.x_neg[0]?.length ?? 1 };
}

/** A deep copy. */
export function cloneCase(c: NestedCaseJson): NestedCaseJson {
  return JSON.parse(JSON.stringify(c)) as NestedCaseJson;
}

/** A reference to one number of a case. */
export interface NumberSlot {
  readonly kind: 'weight' | 'bias' | 'polarity' | 'input';
  get(): number;
  set(v: number): void;
  readonly label: string;
}

/** Every number of a case (weights, biases, polarities, batch inputs), in a stable order. */
export function numberSlots(c: NestedCaseJson): NumberSlot[] {
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
export function mutateCase(c: NestedCaseJson, rng: Rng): NestedCaseJson {
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
export function projectCase(c: NestedCaseJson, to: CaseShape, options: { dropFirstTuple?: boolean; dropFirstNegative?: boolean } = {}): NestedCaseJson {
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
export function sizeText(c: NestedCaseJson): string {
  const s = shapeOf(c);
  return `depth ${s.depth}, children ${s.children}, hid ${s.hid}, out ${s.out}, B ${s.B}, H ${s.H}`;
}
