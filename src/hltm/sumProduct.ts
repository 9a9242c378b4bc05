/**
 * Upward sum-product pass of an HLTM (docs/theory.md §1.5, "exact expectations on small trees").
 *
 * For every node ν at index ≥ `from` (a suffix of the breadth-first order) it gives the tables
 *   t_s[l] = P(leaves under ν = local config l | z_ν = s),  s ∈ {0, 1},
 * over the 2^(leaves under ν) local configurations, leaves flipped with probability q. Local bit b
 * of l is the leaf `leaves[b]` (a leaf index, i.e. a position in x); a node's local order is the
 * concatenation of its children's. Recurrence (children c of ν, a_c = (1+ρ_c)/2):
 *   t_s(ν) = ⊗_c [a_c·t_s(c) + (1−a_c)·t_{1−s}(c)],   leaf: t_s = [P(x=0|s), P(x=1|s)] = flip kernel.
 */
import type { Arith } from '../numeric/arith.js';
import type { Tree } from './tree.js';

export type Table<T> = T[];

export interface NodeTables<T> {
  readonly t0: Table<T>;
  readonly t1: Table<T>;
  /** Leaf indices (positions in x) of the local bits, lowest bit first. */
  readonly leaves: number[];
}

export interface SumProduct<T> {
  /** below[ν] for ν ≥ from: P(leaves under ν | z_ν = s). */
  readonly below: (NodeTables<T> | undefined)[];
  /** P(leaves under ν | z_parent(ν) = s), for ν ≥ from. */
  hanging(node: number): NodeTables<T>;
  /** The flip kernel of leaf node `node` given its own value s (for kept leaves). */
  leafTable(node: number): NodeTables<T>;
  /** Local → global configuration index for a concatenated local leaf order. */
  perm(leaves: readonly number[]): Int32Array;
}

export function sumProductTables<T>(A: Arith<T>, tree: Tree, flip: number, from: number): SumProduct<T> {
  const q = A.from(flip);
  const nq = A.sub(A.one, q);
  const half = A.from(0.5);
  const keep = (node: number) => A.mul(half, A.add(A.one, A.from(tree.nodes[node]!.polarity)));
  const leafTable = (node: number): NodeTables<T> => ({ t0: [nq, q], t1: [q, nq], leaves: [tree.nodes[node]!.leafIndex] });
  const below: (NodeTables<T> | undefined)[] = new Array(tree.nodes.length);
  const hanging = (node: number): NodeTables<T> => {
    const b = below[node]!;
    const a = keep(node);
    const na = A.sub(A.one, a);
    const mix = (x: T[], y: T[]) => x.map((v, l) => A.add(A.mul(a, v), A.mul(na, y[l]!)));
    return { t0: mix(b.t0, b.t1), t1: mix(b.t1, b.t0), leaves: b.leaves };
  };
  for (let i = tree.nodes.length - 1; i >= from; i--) {
    const node = tree.nodes[i]!;
    if (node.isLeaf) {
      below[i] = leafTable(i);
      continue;
    }
    let t0: T[] = [A.one];
    let t1: T[] = [A.one];
    const leaves: number[] = [];
    for (const c of node.children) {
      const h = hanging(c);
      t0 = kron(A, t0, h.t0);
      t1 = kron(A, t1, h.t1);
      leaves.push(...h.leaves);
    }
    below[i] = { t0, t1, leaves };
  }
  const perm = (leaves: readonly number[]): Int32Array => {
    const p = new Int32Array(2 ** leaves.length);
    for (let l = 1; l < p.length; l++) {
      const low = l & -l;
      p[l] = p[l ^ low]! | (1 << leaves[31 - Math.clz32(low)]!);
    }
    return p;
  };
  return { below, hanging, leafTable, perm };
}

/** Kronecker product: out[i + j·|low|] = low[i]·high[j] (high's leaves take the higher bits). */
export function kron<T>(A: Arith<T>, low: readonly T[], high: readonly T[]): T[] {
  const out = new Array<T>(low.length * high.length);
  for (let j = 0; j < high.length; j++) for (let i = 0; i < low.length; i++) out[i + j * low.length] = A.mul(low[i]!, high[j]!);
  return out;
}
