/**
 * Conditional means by Monte Carlo, with standard errors, for trees too large to enumerate
 * (docs/theory.md §1.5: "Monte Carlo with a stated error bar beyond").
 *
 *   K̄_ν(v) ≈ (1/m) Σ_s K_ν(x_s),  x_s ~ P(x | z_0 = v)   (root augmentation; v ∈ {0, 1})
 *   se[r, k] = sd_s(K_ν(x_s)[r, k]) / √m
 * and likewise f̄(v). Every estimate comes with its per-entry standard error.
 */
import { F64 } from '../numeric/arith.js';
import type { Rng } from '../numeric/random.js';
import { augment } from '../hltm/augmentation.js';
import { leavesOf, sampleNodes } from '../hltm/sampler.js';
import type { Tree } from '../hltm/tree.js';
import type { NetworkSpec, Params } from '../network/architecture.js';
import { connections } from '../network/connection.js';
import { forward } from '../network/forward.js';

export interface MonteCarloMean {
  /** Per block, flat (out·in) × nOut. */
  readonly Kbar: number[][];
  readonly KbarSe: number[][];
  readonly fbar: number[];
  readonly fbarSe: number[];
  readonly samples: number;
}

/** One view x ~ P(x | z_0 = v) under the `root` augmentation. */
export function viewGivenRoot(tree: Tree, v: 0 | 1, rng: Rng): number[] {
  const base = sampleNodes(tree, rng);
  base[0] = v;
  return Array.from(leavesOf(tree, augment(tree, { base: { kind: 'root' }, flip: 0 }, base, rng)));
}

/** K̄(v) and f̄(v) with standard errors from m samples (Welford's running variance). */
export function monteCarloMean(tree: Tree, spec: NetworkSpec, params: Params<number>, v: 0 | 1, m: number, rng: Rng): MonteCarloMean {
  const nOut = spec.arch.nOut;
  const mean = spec.arch.blocks.map((b) => new Array<number>(b.out * b.in * nOut).fill(0));
  const m2 = spec.arch.blocks.map((b) => new Array<number>(b.out * b.in * nOut).fill(0));
  const fMean = new Array<number>(nOut).fill(0);
  const fM2 = new Array<number>(nOut).fill(0);
  const update = (mu: number[], sq: number[], r: number, x: number, n: number) => {
    const d = x - mu[r]!;
    mu[r]! += d / n;
    sq[r]! += d * (x - mu[r]!);
  };
  for (let s = 1; s <= m; s++) {
    const trace = forward(F64, spec, params, viewGivenRoot(tree, v, rng));
    trace.out.forEach((x, k) => update(fMean, fM2, k, x, s));
    for (const K of connections(F64, spec, params, trace)) K.K.forEach((x, r) => update(mean[K.block]!, m2[K.block]!, r, x, s));
  }
  const se = (sq: number[]) => sq.map((q) => (m > 1 ? Math.sqrt(q / (m - 1) / m) : Number.NaN));
  return { Kbar: mean, KbarSe: m2.map(se), fbar: fMean, fbarSe: se(fM2), samples: m };
}
