/**
 * Law of the leaves given the values of an ancestor-closed node set S (docs/theory.md §1.5; C3, C8, C10):
 *
 *   P(x = c | z_S = v) = Π_{kept leaves j ∈ S} K_q(x_j | v_j) · Π_{ν ∉ S, parent(ν) ∈ S} P(x_under ν | z_parent(ν) = v_parent),
 *
 * a Kronecker product of the sum-product tables (sumProduct.ts), permuted into the global
 * configuration order. The values v of z_S are enumerated depth-first with their probabilities
 *   P(z_S = v) = p_0^[v_root] (1−p_0)^[1−v_root] · Π_{ν ∈ S, ν ≠ root} (1 ± ρ_ν)/2,
 * pruning zero-probability branches, so only values with positive probability are listed.
 */
import type { Arith } from '../numeric/arith.js';
import { kron, type SumProduct, type Table } from './sumProduct.js';
import type { Tree } from './tree.js';

export interface ConditionalLaw<T> {
  /** bits[j] is the value of node kept[j]. */
  readonly values: { readonly prob: T; readonly bits: number[] }[];
  /** cond[i][c] = P(x = c | z_S = values[i]). */
  readonly cond: T[][];
}

/**
 * `kept` must be sorted, contain the root (0) and be closed under parents; `tables` must cover every
 * node outside it. `tooMany(count)` is called (and should throw) once more than `maxValues` values exist.
 */
export function conditionalLaw<T>(
  A: Arith<T>,
  tree: Tree,
  tables: SumProduct<T>,
  kept: readonly number[],
  maxValues: number,
  tooMany: (count: number) => void,
): ConditionalLaw<T> {
  const slot = new Int32Array(tree.nodes.length).fill(-1);
  kept.forEach((node, j) => (slot[node] = j));
  const values = enumerate(A, tree, kept, slot, maxValues, tooMany);
  const factors: { by: number; t0: Table<T>; t1: Table<T>; leaves: number[] }[] = [];
  for (let i = 0; i < tree.nodes.length; i++) {
    const node = tree.nodes[i]!;
    if (slot[i]! >= 0 && node.isLeaf) factors.push({ by: slot[i]!, ...tables.leafTable(i) });
    if (slot[i]! < 0 && node.parent >= 0 && slot[node.parent]! >= 0) factors.push({ by: slot[node.parent]!, ...tables.hanging(i) });
  }
  const perm = tables.perm(factors.flatMap((f) => f.leaves));
  const cond = values.map(({ bits }) => {
    let cur: T[] = [A.one];
    for (const f of factors) cur = kron(A, cur, bits[f.by] ? f.t1 : f.t0);
    return permute(A, cur, perm);
  });
  return { values, cond };
}

function enumerate<T>(A: Arith<T>, tree: Tree, kept: readonly number[], slot: Int32Array, max: number, tooMany: (n: number) => void) {
  const out: { prob: T; bits: number[] }[] = [];
  const bits = new Array<number>(kept.length).fill(0);
  const p0 = A.from(tree.rootPrior);
  const half = A.from(0.5);
  const step = (j: number, prob: T): void => {
    if (A.sign(prob) === 0) return;
    if (j === kept.length) {
      out.push({ prob, bits: bits.slice() });
      if (out.length > max) tooMany(out.length);
      return;
    }
    const node = tree.nodes[kept[j]!]!;
    for (const v of [0, 1]) {
      bits[j] = v;
      let p: T;
      if (node.parent < 0) p = v ? p0 : A.sub(A.one, p0);
      else {
        const rho = A.from(node.polarity);
        p = A.mul(half, bits[slot[node.parent]!] === v ? A.add(A.one, rho) : A.sub(A.one, rho));
      }
      step(j + 1, A.mul(prob, p));
    }
  };
  step(0, A.one);
  return out;
}

/** Moves a table from local order (perm[l] = global index of local l) to global order. */
export function permute<T>(A: Arith<T>, local: readonly T[], perm: Int32Array): T[] {
  const out = new Array<T>(local.length).fill(A.zero);
  for (let l = 0; l < local.length; l++) out[perm[l]!] = local[l]!;
  return out;
}
