/**
 * Evaluation of a trained tree network (docs/theory.md, "The correlation metric"; claims C11, C12).
 *
 * For every internal node μ and unit k of its block: the Pearson correlation over the evaluation
 * samples between z_μ (0/1, the anchor view's latent) and the unit's PRE-activation g_μ,k:
 *   corr = cov(z, g)/√(var z · var g),   0/0 → 0,   clamped to [−1, 1];   best(μ) = max_k |corr|.
 * A height's value is the mean of best(μ) over the nodes of that height (height 1: parents of
 * leaves; the root has the largest height). Sums are float64 and shifted by the first sample's
 * value per unit (a constant unit then gives exactly var = 0, hence corr = 0).
 * Also: Frobenius norms of the weights of every layer cut (and of its biases).
 */
import type { Augmentation } from '../hltm/augmentation.js';
import { sampleBatch } from '../hltm/batch.js';
import type { Tree } from '../hltm/tree.js';
import type { NetworkSpec, Params } from '../network/architecture.js';
import type { Rng } from '../numeric/random.js';

/** Evaluation samples: anchor-view leaves x [n × L] and latents z [n × nInternal] (tree.internal order). */
export interface EvalSet {
  readonly n: number;
  readonly x: Float32Array;
  readonly z: Uint8Array;
}

/** Draws n anchor views (with their latents) of the augmentation, in chunks of the batch sampler. */
export function drawEvalSet(tree: Tree, aug: Augmentation, n: number, rng: Rng): EvalSet {
  const L = tree.leaves.length;
  const nI = tree.internal.length;
  const x = new Float32Array(n * L);
  const z = new Uint8Array(n * nI);
  const chunk = 1024;
  for (let s0 = 0; s0 < n; s0 += chunk) {
    const b = Math.min(chunk, n - s0);
    const batch = sampleBatch(tree, aug, 1, b, rng);
    x.set(batch.anchor, s0 * L);
    z.set(batch.anchorLatents, s0 * nI);
  }
  return { n, x, z };
}

/** Units of the internal nodes in tree.internal order (gpos, out), as engines lay out pre-activations. */
export function unitLayout(spec: NetworkSpec): { gpos: Int32Array; out: Int32Array; Gw: number } {
  const tree = spec.arch.tree!;
  const blockOf = new Map<number, number>();
  spec.arch.blocks.forEach((b) => blockOf.set(b.node, b.index));
  const gpos = new Int32Array(tree.internal.length);
  const out = new Int32Array(tree.internal.length);
  let Gw = 0;
  tree.internal.forEach((n, k) => {
    gpos[k] = Gw;
    out[k] = spec.arch.blocks[blockOf.get(n)!]!.out;
    Gw += out[k]!;
  });
  return { gpos, out, Gw };
}

export interface CorrelationResult {
  /** best |corr| per internal node, tree.internal order. */
  readonly best: number[];
  /** Mean best |corr| per height: index h − 1 for height h. */
  readonly byHeight: number[];
}

/** Pearson correlation from shifted sums (0/0 → 0, clamped). */
export function pearson(n: number, sz: number, sg: number, sgg: number, szg: number): number {
  const mz = sz / n;
  const mg = sg / n;
  const cov = szg / n - mz * mg;
  const vz = mz - mz * mz; // z ∈ {0, 1}: z² = z
  const vg = sgg / n - mg * mg;
  if (!(vz > 0) || !(vg > 0)) return 0;
  const c = cov / Math.sqrt(vz * vg);
  return Number.isNaN(c) ? 0 : Math.max(-1, Math.min(1, c));
}

/**
 * Sufficient statistics of the metric: per internal node Σz, per unit Σ(g−c), Σ(g−c)², Σz(g−c)
 * with c = shift[u] (the first sample's value), over n samples.
 */
export interface UnitSums {
  readonly n: number;
  readonly sz: Float64Array;
  readonly sg: Float64Array;
  readonly sgg: Float64Array;
  readonly szg: Float64Array;
}

/** A source of pre-activations: a function (x, S) → [S × Gw], or an engine that sums itself. */
export type PreSource = ((x: Float32Array, S: number) => Float32Array) | { unitSums(set: EvalSet): UnitSums };

/** UnitSums from pre-activations computed chunk by chunk. */
export function sumsFromPre(spec: NetworkSpec, set: EvalSet, pre: (x: Float32Array, S: number) => Float32Array, chunk = 2048): UnitSums {
  const tree = spec.arch.tree!;
  const { gpos, out, Gw } = unitLayout(spec);
  const nI = tree.internal.length;
  const L = tree.leaves.length;
  const shift = new Float64Array(Gw);
  const sg = new Float64Array(Gw);
  const sgg = new Float64Array(Gw);
  const szg = new Float64Array(Gw);
  const sz = new Float64Array(nI);
  for (let s0 = 0; s0 < set.n; s0 += chunk) {
    const S = Math.min(chunk, set.n - s0);
    const G = pre(set.x.subarray(s0 * L, (s0 + S) * L), S);
    if (s0 === 0) for (let u = 0; u < Gw; u++) shift[u] = G[u]!;
    accumulateUnits(G, Gw, set.z, s0, S, nI, gpos, out, shift, { sz, sg, sgg, szg }, null);
  }
  return { n: set.n, sz, sg, sgg, szg };
}

/**
 * Adds rows [0, S) of G (sample s0 + s of the set) into the sums, for the nodes k with
 * `only === null || only[k]`.
 */
export function accumulateUnits(
  G: Float32Array,
  Gw: number,
  z: Uint8Array,
  s0: number,
  S: number,
  nI: number,
  gpos: Int32Array,
  out: Int32Array,
  shift: Float64Array,
  acc: { sz: Float64Array; sg: Float64Array; sgg: Float64Array; szg: Float64Array },
  only: Uint8Array | null,
): void {
  const { sz, sg, sgg, szg } = acc;
  for (let s = 0; s < S; s++) {
    const zb = (s0 + s) * nI;
    const gb = s * Gw;
    for (let k = 0; k < nI; k++) {
      if (only !== null && only[k] === 0) continue;
      const zk = z[zb + k]!;
      sz[k] = sz[k]! + zk;
      const u0 = gpos[k]!;
      const u1 = u0 + out[k]!;
      for (let u = u0; u < u1; u++) {
        const g = G[gb + u]! - shift[u]!;
        sg[u] = sg[u]! + g;
        sgg[u] = sgg[u]! + g * g;
        szg[u] = szg[u]! + zk * g;
      }
    }
  }
}

/** The metric from its sufficient statistics. */
export function correlationsFromSums(spec: NetworkSpec, sums: UnitSums): CorrelationResult {
  const tree = spec.arch.tree!;
  const { gpos, out } = unitLayout(spec);
  const best = tree.internal.map((_, k) => {
    let b = 0;
    for (let u = gpos[k]!; u < gpos[k]! + out[k]!; u++) b = Math.max(b, Math.abs(pearson(sums.n, sums.sz[k]!, sums.sg[u]!, sums.sgg[u]!, sums.szg[u]!)));
    return b;
  });
  return { best, byHeight: meanByHeight(tree, best) };
}

/**
 * The correlation metric of a network on the evaluation set, from its pre-activations (a function
 * returning [S × Gw] in tree.internal order, as TrainEngine.forwardPre) or from an engine that
 * computes the sums itself (the f32 engine: pattern tables make the lower nodes O(1) per sample).
 */
export function correlations(spec: NetworkSpec, set: EvalSet, source: PreSource, chunk = 2048): CorrelationResult {
  const sums = typeof source === 'function' ? sumsFromPre(spec, set, source, chunk) : source.unitSums(set);
  return correlationsFromSums(spec, sums);
}

/** Mean of a per-internal-node value over the nodes of each height (index h − 1). */
export function meanByHeight(tree: Tree, perNode: readonly number[]): number[] {
  const maxH = tree.nodes[0]!.height;
  const sum = new Array<number>(maxH).fill(0);
  const count = new Array<number>(maxH).fill(0);
  tree.internal.forEach((n, k) => {
    const h = tree.nodes[n]!.height;
    sum[h - 1] = sum[h - 1]! + perNode[k]!;
    count[h - 1] = count[h - 1]! + 1;
  });
  return sum.map((s, i) => (count[i]! > 0 ? s / count[i]! : Number.NaN));
}

export interface LayerNorm {
  readonly layer: string;
  readonly depth: number;
  /** Height of the cut in a complete tree (depth D − d); the largest node height otherwise. */
  readonly height: number;
  /** ‖W_l‖_F over the blocks of the cut. */
  readonly W: number;
  /** ‖b_l‖ (null without biases). */
  readonly b: number | null;
}

/** Weight norms of every layer cut (arch.layers). */
export function weightNorms(spec: NetworkSpec, p: Params<number>): LayerNorm[] {
  const { arch } = spec;
  const tree = arch.tree;
  return arch.layers.map((l) => {
    let w = 0;
    let b = 0;
    for (const blk of l.blocks) {
      for (const v of p.W[blk]!) w += v * v;
      if (p.b) for (const v of p.b[blk]!) b += v * v;
    }
    const depth = Math.max(...l.blocks.map((blk) => arch.blocks[blk]!.depth));
    const height = tree ? Math.max(...l.blocks.map((blk) => tree.nodes[arch.blocks[blk]!.node]!.height)) : arch.layers.length - depth;
    return { layer: l.name, depth, height, W: Math.sqrt(w), b: p.b ? Math.sqrt(b) : null };
  });
}
