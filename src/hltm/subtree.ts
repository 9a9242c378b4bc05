/**
 * The subtree of an HLTM under a node μ, as a tree of its own (claim C8: E[h | z_μ] for an h of the
 * leaves under μ is computed on this tree with the root `s` standing for μ).
 * Node `s<suffix>` of the subtree is node `<name of μ><suffix>` of the tree; same polarities.
 */
import { InputError } from '../errors.js';
import { buildTree, polaritiesOf, shapeOf, type Tree } from './tree.js';

export interface Subtree {
  readonly tree: Tree;
  /** For each leaf j of the subtree (its leaf order), the leaf index of the same leaf in the tree. */
  readonly leafMap: readonly number[];
}

/** The subtree under internal node `node`, with root prior `rootPrior` (default 1/2). */
export function subtreeAt(tree: Tree, node: number, rootPrior = 0.5): Subtree {
  const mu = tree.nodes[node];
  if (!mu) throw new InputError('node', `no node ${node} in a tree of ${tree.nodes.length} nodes`);
  if (mu.isLeaf) throw new InputError('node', `node '${mu.name}' is a leaf, it has no subtree`);
  const pol = polaritiesOf(tree);
  const sub = buildTree(shapeOf(tree, node), (name) => pol[mu.name + name.slice(1)]!, rootPrior);
  const byName = new Map(tree.nodes.map((n) => [n.name, n]));
  const leafMap = sub.leaves.map((l) => byName.get(mu.name + sub.nodes[l]!.name.slice(1))!.leafIndex);
  return { tree: sub, leafMap };
}

/** Index of the sub-configuration (bit j = leaf leafMap[j]) of a global leaf configuration c. */
export function restrictConfig(leafMap: readonly number[], c: number): number {
  let r = 0;
  for (let j = 0; j < leafMap.length; j++) r |= ((c >> leafMap[j]!) & 1) << j;
  return r;
}
