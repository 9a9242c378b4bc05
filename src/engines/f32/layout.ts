/**
 * Memory layout of the hand-written float32 engine for a tree-matched network (docs/theory.md §1.2).
 *
 * Per sample s (row-major, sample-major):
 *   V[s·Vw + vpos(ν) + i]  value of node ν: a leaf's x (width 1) or an internal node's ψ(g) (width
 *                          out_ν; the root stores g_L). Nodes in breadth-first order, so the
 *                          children of a node, being consecutive in BFS, form one contiguous span:
 *                          the node's input is V[s·Vw + inStart(μ) .. + in_μ) with no copy.
 *   G[s·Gw + gpos(μ) + i]  pre-activation g_μ of internal node μ, internal nodes in `tree.internal`
 *                          (BFS) order: the root's g_L comes first (gpos(root) = 0).
 * Parameters, one flat array P (gradients and optimiser state use the same offsets): per internal
 * node in BFS order, Wᵀ (in × out, so W[i, j] = P[pOff + j·out + i]) then b (out) when biased.
 *
 * Segments: maximal runs of consecutive internal nodes with the same (in, out) and leaf/internal
 * children; in a complete tree each depth is one segment (one kernel call per level, not per node).
 */
import type { Architecture } from '../../network/architecture.js';
import type { Tree } from '../../hltm/tree.js';
import { InputError } from '../../errors.js';

export interface Segment {
  /** Position in tree.internal of the first node. */
  readonly first: number;
  readonly count: number;
  readonly in: number;
  readonly out: number;
  /** Some child is internal: the backward pass propagates dV into the inputs (leaf slots get a harmless unused value). */
  readonly internalChildren: boolean;
  /** Depth of the nodes (equal within a complete-tree level; the first node's otherwise). */
  readonly depth: number;
  /** pOff of the first node; node k of the segment is at pOff + k·pStride. */
  readonly pOff: number;
  readonly pStride: number;
  /** inStart of the first node (node k: + k·in). */
  readonly inOff: number;
  /** vpos of the first node (node k: + k·out). */
  readonly vOff: number;
  /** gpos of the first node (node k: + k·out). */
  readonly gOff: number;
  readonly isRoot: boolean;
}

export interface TreeLayout {
  readonly tree: Tree;
  readonly arch: Architecture;
  readonly bias: boolean;
  readonly Vw: number;
  readonly Gw: number;
  readonly nParams: number;
  readonly nOut: number;
  /** V position of each leaf, in leaf (x) order. */
  readonly leafPos: Int32Array;
  /** Leaves occupy V[leafBase .. leafBase + nLeaves) in order (complete trees), else -1. */
  readonly leafBase: number;
  /** Per internal node (tree.internal order): arch block index, pOff, in, out, gpos, vpos. */
  readonly nodes: readonly { node: number; block: number; pOff: number; in: number; out: number; gpos: number; vpos: number; inStart: number }[];
  /** Segments in BFS order (forward runs them last to first). */
  readonly segments: readonly Segment[];
}

export function treeLayout(arch: Architecture, bias: boolean): TreeLayout {
  const tree = arch.tree;
  if (arch.kind !== 'tree' || !tree) throw new InputError('engine', 'the f32 engine trains tree-matched networks only (use --engine tfjs for an MLP)');
  const blockOfNode = new Map<number, number>();
  arch.blocks.forEach((b) => blockOfNode.set(b.node, b.index));
  const width = (n: number) => (tree.nodes[n]!.isLeaf ? 1 : arch.blocks[blockOfNode.get(n)!]!.out);
  const vpos = new Int32Array(tree.nodes.length);
  let Vw = 0;
  for (let n = 0; n < tree.nodes.length; n++) {
    vpos[n] = Vw;
    Vw += width(n);
  }
  let Gw = 0;
  let nParams = 0;
  const nodes = tree.internal.map((n) => {
    const block = blockOfNode.get(n)!;
    const b = arch.blocks[block]!;
    const kids = tree.nodes[n]!.children;
    const inStart = vpos[kids[0]!]!;
    const inEnd = vpos[kids[kids.length - 1]!]! + width(kids[kids.length - 1]!);
    if (inEnd - inStart !== b.in) throw new Error(`treeLayout: children of ${tree.nodes[n]!.name} are not contiguous`);
    const rec = { node: n, block, pOff: nParams, in: b.in, out: b.out, gpos: Gw, vpos: vpos[n]!, inStart };
    Gw += b.out;
    nParams += b.in * b.out + (bias ? b.out : 0);
    return rec;
  });
  const segments = segmentsOf(tree, nodes, bias, () => true);
  const leafPos = Int32Array.from(tree.leaves, (l) => vpos[l]!);
  const contiguous = leafPos.every((p, j) => p === leafPos[0]! + j);
  return { tree, arch, bias, Vw, Gw, nParams, nOut: arch.nOut, leafPos, leafBase: contiguous ? leafPos[0]! : -1, nodes, segments };
}

/**
 * Segments of the internal nodes (tree.internal positions) accepted by `keep`: maximal runs of
 * consecutive kept nodes with equal shapes, depth and contiguous offsets.
 */
export function segmentsOf(tree: Tree, nodes: TreeLayout['nodes'], bias: boolean, keep: (k: number) => boolean): Segment[] {
  const segments: Segment[] = [];
  let prev = -2;
  nodes.forEach((r, k) => {
    if (!keep(k)) return;
    const internalChildren = tree.nodes[r.node]!.children.some((c) => !tree.nodes[c]!.isLeaf);
    const last = segments[segments.length - 1];
    if (
      last &&
      prev === k - 1 &&
      k > 0 &&
      last.in === r.in &&
      last.out === r.out &&
      last.internalChildren === internalChildren &&
      last.depth === tree.nodes[r.node]!.depth &&
      last.inOff + last.count * last.in === r.inStart &&
      last.vOff + last.count * last.out === r.vpos &&
      last.gOff + last.count * last.out === r.gpos &&
      last.pOff + last.count * last.pStride === r.pOff
    ) {
      segments[segments.length - 1] = { ...last, count: last.count + 1 };
      prev = k;
      return;
    }
    prev = k;
    segments.push({
      first: k,
      count: 1,
      in: r.in,
      out: r.out,
      internalChildren,
      depth: tree.nodes[r.node]!.depth,
      pOff: r.pOff,
      pStride: r.in * r.out + (bias ? r.out : 0),
      inOff: r.inStart,
      vOff: r.vpos,
      gOff: r.gpos,
      isRoot: k === 0,
    });
  });
  return segments;
}
