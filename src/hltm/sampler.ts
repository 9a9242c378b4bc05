/**
 * Ancestral (top-down) sampling of a hierarchical latent tree model (docs/theory.md §1.1; claim C9).
 *
 * z_root ~ Bernoulli(p_0); for every edge μ→ν, z_ν = z_μ with probability (1+ρ_μν)/2, else 1 − z_μ.
 * Node vectors are indexed by node index (breadth-first, root 0): length `tree.nodes.length`,
 * latents and leaves alike. Nodes are stored breadth-first, so a parent always precedes its
 * children and a prefix of the node order is closed under taking parents (used by augmentations).
 *
 * This is the clear reference sampler (one `rng.uniform()` per node); `batch.ts` is the fast one.
 */
import type { Tree } from './tree.js';
import type { Rng } from '../numeric/random.js';

/** Per-node P(z_ν = z_parent) = (1+ρ)/2, cached per tree (index 0 holds p_0 = P(z_root = 1)). */
const keepProbCache = new WeakMap<Tree, Float64Array>();

/** P(z_ν = z_parent(ν)) = (1+ρ_ν)/2 for every non-root node; entry 0 is the root prior p_0. */
export function keepProbabilities(tree: Tree): Float64Array {
  let p = keepProbCache.get(tree);
  if (!p) {
    p = new Float64Array(tree.nodes.length);
    p[0] = tree.rootPrior;
    for (let i = 1; i < tree.nodes.length; i++) p[i] = (1 + tree.nodes[i]!.polarity) / 2;
    keepProbCache.set(tree, p);
  }
  return p;
}

/**
 * Samples nodes `start..n−1` of `nodes` top-down, given the values already in `nodes[0..start)`
 * (which must be closed under parents, as every prefix is). start = 0 samples a fresh tree.
 * Conditioned on the kept prefix this is the exact conditional law (the joint factorises as
 * prior × Π transitions, and the kept factors are constants). Returns `nodes`.
 */
export function sampleFrom(tree: Tree, rng: Rng, nodes: Uint8Array, start: number): Uint8Array {
  const keep = keepProbabilities(tree);
  const n = tree.nodes.length;
  let i = start;
  if (i === 0) {
    nodes[0] = rng.uniform() < keep[0]! ? 1 : 0;
    i = 1;
  }
  for (; i < n; i++) {
    const parent = nodes[tree.nodes[i]!.parent]!;
    nodes[i] = rng.uniform() < keep[i]! ? parent : 1 - parent;
  }
  return nodes;
}

/** A fresh ancestral sample of every node value (length = number of nodes, index = node index). */
export function sampleNodes(tree: Tree, rng: Rng, out?: Uint8Array): Uint8Array {
  const nodes = out ?? new Uint8Array(tree.nodes.length);
  if (nodes.length !== tree.nodes.length) {
    throw new RangeError(`sampleNodes: out has length ${nodes.length}, the tree has ${tree.nodes.length} nodes`);
  }
  return sampleFrom(tree, rng, nodes, 0);
}

/** The leaf vector x (leaf order, length = number of leaves) of a node vector. */
export function leavesOf(tree: Tree, nodes: Uint8Array, out?: Uint8Array): Uint8Array {
  const x = out ?? new Uint8Array(tree.leaves.length);
  for (let j = 0; j < tree.leaves.length; j++) x[j] = nodes[tree.leaves[j]!]!;
  return x;
}

/** The latent vector (order of `tree.internal`) of a node vector. */
export function latentsOf(tree: Tree, nodes: Uint8Array, out?: Uint8Array): Uint8Array {
  const z = out ?? new Uint8Array(tree.internal.length);
  for (let j = 0; j < tree.internal.length; j++) z[j] = nodes[tree.internal[j]!]!;
  return z;
}
