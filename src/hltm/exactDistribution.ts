/**
 * Exact law of the augmented leaves given the surviving part x_0 (docs/theory.md §1.1, §1.5; used by
 * claims C3, C5, C7, C8, C10), generic over the arithmetic (float64 or exact rationals).
 *
 *   cond[i][c] = P(x = config c | x_0 = value i),   Σ_c cond[i][c] = 1,   Σ_i x0[i].prob = 1,
 *
 * where x is one augmented view (flips included) and config c has leaf j = bit j of c (leaf order).
 * x_0 (see augmentation.ts): root → z_0; level(k) → every node at depth ≤ k (key: their bits in node
 * order, `x0Nodes`); identity → the base leaf configuration (key: leaf bits in leaf order);
 * none-shared → one value '-'. Only values with positive probability are listed.
 * Method: an upward sum-product pass gives, for every resampled node ν, the table
 * P(leaves under ν | z_ν = t); given x_0 the leaves factor over the kept leaves and the resampled
 * subtrees hanging from kept nodes, so cond[i] is a Kronecker product of those tables
 * (≈ 2·2^L multiplications per x_0 value). Transition probabilities (1±ρ)/2 are computed in A.
 *
 * Size limits (InputError naming the field and the limit): at most `maxLeaves` = 16 leaves
 * (65 536 configurations; field 'depth' for complete trees, else 'leaves'), at most
 * `maxX0Values` = 4096 values of x_0 and `maxEntries` = 2^22 table entries (field 'augmentation';
 * 'depth'/'leaves' for identity, whose x_0 is the leaf configuration).
 */
import { InputError } from '../errors.js';
import type { Arith } from '../numeric/arith.js';
import { augmentationName, keptCount, type Augmentation } from './augmentation.js';
import { conditionalLaw, permute } from './conditionalLaw.js';
import { sumProductTables } from './sumProduct.js';
import type { Tree } from './tree.js';

export interface DistributionLimits {
  readonly maxLeaves?: number;
  readonly maxX0Values?: number;
  readonly maxEntries?: number;
  /** Field named by a size refusal (default 'depth' for complete trees, else 'leaves'). */
  readonly field?: string;
}

export interface LeafDistribution<T> {
  readonly x0: { readonly prob: T; readonly key: string }[];
  /** The nodes whose bits make up an x_0 key (leaf nodes in leaf order for identity). */
  readonly x0Nodes: readonly number[];
  readonly configs: Uint8Array[];
  readonly cond: T[][];
  readonly nConfigs: number;
}

export const DEFAULT_LIMITS = { maxLeaves: 16, maxX0Values: 4096, maxEntries: 1 << 22 } as const;

export function leafDistribution<T>(A: Arith<T>, tree: Tree, aug: Augmentation, options: DistributionLimits = {}): LeafDistribution<T> {
  const { maxX0Values, maxEntries } = { ...DEFAULT_LIMITS, ...options };
  const sizeField = requireEnumerable(tree, options);
  const L = tree.leaves.length;
  const nConfigs = 2 ** L;
  const configs = Array.from({ length: nConfigs }, (_, c) => Uint8Array.from({ length: L }, (_, j) => (c >> j) & 1));
  const m = keptCount(tree, aug);
  // identity: x_0 is the unflipped base leaf configuration, so its law has no flips.
  const tables = sumProductTables(A, tree, aug.base.kind === 'identity' ? 0 : aug.flip, aug.base.kind === 'identity' ? 0 : m);
  const refuse = (count: number, field: string) => {
    if (count > maxX0Values || count * nConfigs > maxEntries) {
      throw new InputError(field, `augmentation ${augmentationName(aug)} has ${count > maxX0Values ? `more than ${maxX0Values}` : count} values of x_0 ` +
        `(limit ${maxX0Values} values and ${maxEntries} table entries with ${nConfigs} configurations)`);
    }
  };
  if (aug.base.kind === 'none-shared' || aug.base.kind === 'identity') {
    const root = tables.below[0]!;
    const p0 = A.from(tree.rootPrior);
    const marginal = root.t0.map((v, l) => A.add(A.mul(A.sub(A.one, p0), v), A.mul(p0, root.t1[l]!)));
    const global = permute(A, marginal, tables.perm(root.leaves));
    if (aug.base.kind === 'none-shared') return { x0: [{ prob: A.one, key: '-' }], x0Nodes: [], configs, cond: [global], nConfigs };
    return identity(A, tree, aug, global, configs, refuse, sizeField);
  }
  // root / level(k): condition on the kept prefix nodes[0..m).
  const kept = Array.from({ length: m }, (_, i) => i);
  const law = conditionalLaw(A, tree, tables, kept, maxX0Values, (n) => refuse(n, 'augmentation'));
  refuse(law.values.length, 'augmentation');
  return { x0: law.values.map(({ prob, bits }) => ({ prob, key: bits.join('') })), x0Nodes: kept, configs, cond: law.cond, nConfigs };
}

/** Throws InputError (field 'depth' for complete trees, else 'leaves') above `maxLeaves`; returns that field. */
export function requireEnumerable(tree: Tree, options: DistributionLimits = {}): string {
  const maxLeaves = options.maxLeaves ?? DEFAULT_LIMITS.maxLeaves;
  const field = options.field ?? (tree.complete ? 'depth' : 'leaves');
  const L = tree.leaves.length;
  if (L > maxLeaves) {
    const what = tree.complete ? `depth ${tree.complete.depth}, children ${tree.complete.children} gives ${L} leaves` : `${L} leaves`;
    throw new InputError(field, `${what}: exact enumeration is limited to ${maxLeaves} leaves (${2 ** maxLeaves} configurations)`);
  }
  return field;
}

/** P(x = c) for one augmented view: Σ_i P(x_0 = i)·cond[i][c]. */
export function viewMarginal<T>(A: Arith<T>, d: LeafDistribution<T>): T[] {
  return Array.from({ length: d.nConfigs }, (_, c) => d.x0.reduce((s, v, i) => A.add(s, A.mul(v.prob, d.cond[i]![c]!)), A.zero));
}

function identity<T>(A: Arith<T>, tree: Tree, aug: Augmentation, marginal: T[], configs: Uint8Array[], refuse: (n: number, f: string) => void, field: string): LeafDistribution<T> {
  const L = tree.leaves.length;
  const support = marginal.flatMap((p, c) => (A.sign(p) > 0 ? [c] : []));
  refuse(support.length, field);
  // Flip kernel: P(x = c' | base leaves c) = q^d (1−q)^(L−d), d = popcount(c xor c').
  const q = A.from(aug.flip);
  const kernel: T[] = [];
  for (let d = 0; d <= L; d++) {
    let v = A.one;
    for (let j = 0; j < L; j++) v = A.mul(v, j < d ? q : A.sub(A.one, q));
    kernel.push(v);
  }
  const cond = support.map((c) => configs.map((_, c2) => kernel[popcount(c ^ c2)]!));
  return {
    x0: support.map((c) => ({ prob: marginal[c]!, key: Array.from(configs[c]!).join('') })),
    x0Nodes: tree.leaves,
    configs,
    cond,
    nConfigs: configs.length,
  };
}

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}
