/**
 * Evaluation of a trained tree network (docs/theory.md, "The correlation metric"; claims C11, C12).
 *
 * For every internal node μ and unit k of its block: the Pearson correlation over the evaluation
 * samples between z_μ (0/1, the anchor view's latent) and the unit's PRE-activation g_μ,k:
 *   corr = cov(z, g)/√(var z · var g),   0/0 → 0,   clamped to [−1, 1];   best(μ) = max_k |corr|.
 * A height's value is the mean of best(μ) over the nodes of that height (height 1: parents of
 * leaves; the root has the largest height). Sums are float64 and shifted by the first sample's
 * value per unit (a constant unit then gives exactly var = 0, hence corr = 0): the sums are
 * src/engines/unitSums.ts's, computed by the engine (TrainEngine.unitSums) or from its pre-activations.
 */
import type { Augmentation } from '../hltm/augmentation.js';
import { sampleBatch } from '../hltm/batch.js';
import type { Tree } from '../hltm/tree.js';
import type { NetworkSpec } from '../network/architecture.js';
import type { Rng } from '../numeric/random.js';
import { sumsFromPre, unitLayout, type EvalSet, type UnitSums } from '../engines/unitSums.js';
import type { TrainEngine } from '../engines/engine.js';

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

/** A source of pre-activations: a function (x, S) → [S × Gw], or an engine that sums itself. */
export type PreSource = ((x: Float32Array, S: number) => Float32Array) | { unitSums(set: EvalSet): UnitSums };

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

/** How the correlation metric reads an engine: its own sums when it has them, else its pre-activations. */
export function engineSource(engine: TrainEngine): PreSource {
  return engine.unitSums ? { unitSums: (set) => engine.unitSums!(set) } : (x, S) => engine.forwardPre(x, S);
}
