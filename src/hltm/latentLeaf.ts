/**
 * Joint law of one latent and the leaves (docs/theory.md §1.5; the correlation metric, C11/C12):
 *   joint[k][c] = P(z_μ = 1, x = c),  μ = tree.internal[k],  c a leaf configuration (bit j = leaf j),
 * with no augmentation or flips. Conditioning on the path root→μ (an ancestor-closed set, at most
 * 2^(depth μ + 1) values) makes the leaves a product of sum-product tables (conditionalLaw.ts);
 * summing the values with z_μ = 1 gives the joint. Cost ≈ 2^(depth+2)·2^L multiplications per node.
 * Same leaf limit as leafDistribution (InputError naming 'depth' or 'leaves').
 */
import type { Arith } from '../numeric/arith.js';
import { conditionalLaw } from './conditionalLaw.js';
import { requireEnumerable, type DistributionLimits } from './exactDistribution.js';
import { sumProductTables } from './sumProduct.js';
import type { Tree } from './tree.js';

export function jointLatentLeaf<T>(A: Arith<T>, tree: Tree, options: DistributionLimits = {}): T[][] {
  requireEnumerable(tree, options);
  const tables = sumProductTables(A, tree, 0, 1);
  const nConfigs = 2 ** tree.leaves.length;
  return tree.internal.map((mu) => {
    const path: number[] = [];
    for (let v = mu; v >= 0; v = tree.nodes[v]!.parent) path.unshift(v);
    const law = conditionalLaw(A, tree, tables, path, Number.POSITIVE_INFINITY, () => undefined);
    const joint = new Array<T>(nConfigs).fill(A.zero);
    law.values.forEach(({ prob, bits }, i) => {
      if (bits[bits.length - 1] !== 1) return;
      const row = law.cond[i]!;
      for (let c = 0; c < nConfigs; c++) joint[c] = A.add(joint[c]!, A.mul(prob, row[c]!));
    });
    return joint;
  });
}
