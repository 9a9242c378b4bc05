/**
 * The tree of a hierarchical latent tree model (docs/theory.md §1.1).
 *
 * Nodes are stored breadth-first (index 0 is the root `s`); the i-th child of node `n` is named
 * `n{i}` (i from 0). Internal nodes carry a binary latent z_μ; leaves are the visible inputs x_j,
 * ordered breadth-first (for a complete tree: the lexicographic order of names).
 * Edge μ→ν has polarity ρ ∈ [-1, 1]: P(z_ν = z_μ) = (1+ρ)/2.
 */
import { InputError, requireInRange, requireInt } from '../errors.js';

export interface TreeNode {
  readonly index: number;
  readonly name: string;
  /** -1 for the root. */
  readonly parent: number;
  readonly children: readonly number[];
  /** Distance from the root (root 0). */
  readonly depth: number;
  /** Longest distance down to a leaf (leaves 0, parents of leaves 1, ...). */
  readonly height: number;
  /** ρ of the edge into this node; 0 for the root (unused). */
  readonly polarity: number;
  readonly isLeaf: boolean;
  /** Position among the leaves (x index) for a leaf, else -1. */
  readonly leafIndex: number;
}

export interface Tree {
  readonly nodes: readonly TreeNode[];
  /** Node indices of the leaves, in input order (breadth-first). */
  readonly leaves: readonly number[];
  /** Node indices of internal nodes, breadth-first (root first). */
  readonly internal: readonly number[];
  /** P(z_root = 1). */
  readonly rootPrior: number;
  /** Present when the tree is complete. */
  readonly complete?: { readonly depth: number; readonly children: number };
}

/** A tree shape: 0 is a leaf, an array lists the children of an internal node. */
export type Shape = 0 | readonly Shape[];

/** Polarities by node name, or a function of the node name and depth. */
export type PolaritySpec = Readonly<Record<string, number>> | ((name: string, depth: number) => number);

/** The shape of a complete tree: `depth` levels of internal nodes, `children` each. */
export function completeShape(depth: number, children: number): Shape {
  requireInt('depth', depth, 1);
  requireInt('children', children, 1);
  // Bottom-up, without recursion (a depth-3000 chain must not overflow the stack); the levels share
  // their subtrees, which is fine for an immutable shape.
  let level: Shape = 0;
  for (let d = 0; d < depth; d++) {
    const below: Shape = level;
    level = Array.from({ length: children }, () => below);
  }
  return level;
}

/**
 * Builds a tree from a shape. Polarities must be given for every non-root node (a missing name is
 * an InputError naming `polarities.<name>`), each in [-1, 1]; rootPrior in [0, 1].
 */
export function buildTree(shape: Shape, polarities: PolaritySpec, rootPrior = 0.5): Tree {
  if (shape === 0 || shape.length === 0) throw new InputError('shape', 'the root must have at least one child');
  requireInRange('root_prior', rootPrior, 0, 1);
  type Pending = { shape: Shape; name: string; parent: number; depth: number };
  const queue: Pending[] = [{ shape, name: 's', parent: -1, depth: 0 }];
  const raw: { name: string; parent: number; depth: number; children: number[]; isLeaf: boolean; polarity: number }[] = [];
  for (let q = 0; q < queue.length; q++) {
    const p = queue[q]!;
    const isLeaf = p.shape === 0;
    if (!isLeaf && (p.shape as readonly Shape[]).length === 0) {
      throw new InputError(`shape.${p.name}`, 'an internal node must have at least one child');
    }
    let polarity = 0;
    if (p.parent >= 0) {
      const v = typeof polarities === 'function' ? polarities(p.name, p.depth) : polarities[p.name];
      if (v === undefined) throw new InputError(`polarities.${p.name}`, 'missing polarity for this edge');
      polarity = requireInRange(`polarities.${p.name}`, v, -1, 1);
    }
    const index = raw.length;
    raw.push({ name: p.name, parent: p.parent, depth: p.depth, children: [], isLeaf, polarity });
    if (p.parent >= 0) raw[p.parent]!.children.push(index);
    if (!isLeaf) {
      (p.shape as readonly Shape[]).forEach((c, i) =>
        queue.push({ shape: c, name: `${p.name}${i}`, parent: index, depth: p.depth + 1 }),
      );
    }
  }
  // Children are pushed after their parent in BFS order, so heights can be filled bottom-up.
  const height = new Array<number>(raw.length).fill(0);
  for (let i = raw.length - 1; i >= 0; i--) {
    for (const c of raw[i]!.children) height[i] = Math.max(height[i]!, height[c]! + 1);
  }
  let leafCount = 0;
  const nodes: TreeNode[] = raw.map((r, index) => ({
    index,
    name: r.name,
    parent: r.parent,
    children: r.children,
    depth: r.depth,
    height: height[index]!,
    polarity: r.polarity,
    isLeaf: r.isLeaf,
    leafIndex: r.isLeaf ? leafCount++ : -1,
  }));
  const leaves = nodes.filter((n) => n.isLeaf).map((n) => n.index);
  const internal = nodes.filter((n) => !n.isLeaf).map((n) => n.index);
  const complete = detectComplete(nodes);
  return complete ? { nodes, leaves, internal, rootPrior, complete } : { nodes, leaves, internal, rootPrior };
}

/** A complete tree (docs/theory.md: the paper's HLTM) with polarities by name. */
export function completeTree(depth: number, children: number, polarities: PolaritySpec, rootPrior = 0.5): Tree {
  return buildTree(completeShape(depth, children), polarities, rootPrior);
}

function detectComplete(nodes: readonly TreeNode[]): { depth: number; children: number } | undefined {
  const root = nodes[0]!;
  const k = root.children.length;
  const depth = root.height;
  for (const n of nodes) {
    if (n.isLeaf ? n.depth !== depth : n.children.length !== k) return undefined;
  }
  return { depth, children: k };
}

/** The shape of an existing tree (inverse of buildTree up to polarities). */
export function shapeOf(tree: Tree, node = 0): Shape {
  // Children come after their parent (BFS order): fill the shapes from the last node up, no recursion.
  const shapes = new Array<Shape>(tree.nodes.length);
  for (let i = tree.nodes.length - 1; i >= node; i--) {
    const n = tree.nodes[i]!;
    shapes[i] = n.isLeaf ? 0 : n.children.map((c) => shapes[c]!);
  }
  return shapes[node]!;
}

/** Polarities of a tree by name (non-root nodes). */
export function polaritiesOf(tree: Tree): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of tree.nodes) if (n.parent >= 0) out[n.name] = n.polarity;
  return out;
}

/** ρ_0ν: product of the polarities on the path root→ν (claim C8). */
export function pathPolarity(tree: Tree, node: number): number {
  let p = 1;
  for (let n = tree.nodes[node]!; n.parent >= 0; n = tree.nodes[n.parent]!) p *= n.polarity;
  return p;
}
