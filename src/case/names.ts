/**
 * The case format's names (docs/case-format.md): for a complete tree of `depth` levels and
 * `children` per node, the root is `s`, the i-th child of `n` is `n{i}`; weights are listed per
 * internal node (root first, breadth-first) with their [out × in] shape, polarities per non-root node.
 */
import { completeTree } from '../hltm/tree.js';
import { treeArchitecture } from '../network/architecture.js';

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
