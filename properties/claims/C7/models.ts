/**
 * C7's models: tiny trees whose joint tuple law can be enumerated (≤ 4 leaves), the pairwise model of
 * every cut (src/theory/pairwiseModel.ts), and the fixed seeded model the trends are measured on.
 */
import { F64, type Arith } from '../../../src/numeric/arith.js';
import { Rng } from '../../../src/numeric/random.js';
import type { Activation } from '../../../src/network/activation.js';
import { treeArchitecture, type NetworkSpec } from '../../../src/network/architecture.js';
import { initParams, toArith } from '../../../src/network/init.js';
import { leafDistribution } from '../../../src/hltm/exactDistribution.js';
import type { Augmentation } from '../../../src/hltm/augmentation.js';
import { completeTree, type Tree } from '../../../src/hltm/tree.js';
import type { Loss } from '../../../src/losses/loss.js';
import { expectedLossGradient } from '../../../src/theory/expectedLossGradient.js';
import { modelMagnitudes, pairwiseModel, type PairwiseModel } from '../../../src/theory/pairwiseModel.js';
import { probableTolerance, tolerance, type Tolerance } from '../../../src/numeric/tolerance.js';
import { residueRatio } from '../../../src/theory/pairwiseOperator.js';
import { CORRECT } from '../../../src/mutants/catalogue.js';
import type { Model, ModelConstraints } from '../../generators/model.js';
import type { LossUnderTest } from '../../lossUnderTest.js';

export const HOMOGENEOUS: Activation[] = [{ kind: 'relu' }, { kind: 'leaky_relu', slope: 0.25 }, { kind: 'linear' }];

/** Tiny trees: ≤ 4 leaves, depth ≤ 2, ≤ 2 children (the joint enumeration costs C^(2+H)). */
export const TINY: ModelConstraints = { kind: 'tree', activation: HOMOGENEOUS, maxHid: 2, maxOut: 2, tree: { maxLeaves: 4, maxDepth: 2, maxChildren: 2 } };

/** The pairwise model of every layer (cut) of a model, in the arithmetic A. */
export function models<T>(A: Arith<T>, m: Model): PairwiseModel<T>[] {
  const { spec } = m.net;
  const params = toArith(A, m.net.params);
  const dist = leafDistribution(A, m.tree, m.aug);
  return spec.arch.layers.map((layer) => pairwiseModel(A, spec, params, dist, layer.blocks));
}

/** A loss under test at one H, with the label its series is plotted under. */
export interface TrendTarget {
  readonly u: LossUnderTest;
  readonly H: number;
  readonly label: string;
}

/** Trends are judged by a log-log slope within ±SLOPE_TOL of the stated exponent. */
export const SLOPE_TOL = 0.1;

/**
 * The rounding of θ = E[∇L] + 2·OP^ξ w from the enumeration, per entry (‖θ‖∞): scale bounds every
 * summand (the model's magnitudes, the loss weights β and ξ), n counts the tuples and the operator's
 * terms. `bound` 'worst-case' (c·n·ε·scale: the identity checks) or 'probable' (c·λ·√n·ε·scale: the
 * trends' "0", src/numeric/tolerance.ts probableTolerance).
 */
export function thetaTolerance<T>(M: PairwiseModel<T>, o: { readonly H: number; readonly betaScale: number; readonly xiMax: number; readonly terms: number; readonly bound?: 'worst-case' | 'probable' }): Tolerance {
  const { K, f } = modelMagnitudes(M);
  const scale = 4 * M.nOut * K * f * (o.betaScale + o.xiMax + 1) * (o.H + 1);
  const ops = o.terms + M.p.length ** 2 + M.d * M.nOut;
  return (o.bound === 'probable' ? probableTolerance : tolerance)('float64', 'expectation', ops, scale);
}

/**
 * ‖θ‖/‖OP^ξ w‖ at or below this is 0, for one point of a trend: the probable rounding of θ
 * (thetaTolerance, ‖·‖∞ → ‖·‖₂: × √d) over ‖OP^ξ w‖; 0 where ‖OP^ξ w‖ = 0 (the ratio is then 0 or
 * not finite, decided as such). A residue 0 at every point meets a trend trivially.
 */
export function negligibleRatio<T>(M: PairwiseModel<T>, e: { readonly betaScale: number; readonly xi: readonly (readonly T[])[]; readonly terms: number }, H: number, op: number): number {
  if (!(op > 0)) return 0;
  const xiMax = Math.max(0, ...e.xi.flat().map((v) => Math.abs(M.A.toNumber(v))));
  return (thetaTolerance(M, { H, betaScale: e.betaScale, xiMax, terms: e.terms, bound: 'probable' }).tol * Math.sqrt(M.d)) / op;
}

/** A trend's point: the ratio and the level at or below which it is 0. */
export interface TrendPoint {
  readonly ratio: number;
  readonly negligible: number;
}

/** A fixed tiny model (seeded): complete binary tree of depth 2, hid 2, gaussian weights. */
export function trendModel(seed: number): { tree: Tree; spec: NetworkSpec; params: ReturnType<typeof initParams> } {
  const rng = new Rng(seed);
  const pol = new Map<string, number>();
  const tree = completeTree(2, 2, (name) => {
    if (!pol.has(name)) pol.set(name, (rng.bernoulli(0.5) ? 1 : -1) * rng.range(0.5, 0.95));
    return pol.get(name)!;
  });
  const spec: NetworkSpec = { arch: treeArchitecture(tree, 2, 2), activation: { kind: 'relu' }, bias: false, normalize: false, eps: 1e-4 };
  return { tree, spec, params: initParams(spec, rng, { scheme: 'gaussian' }) };
}

/** ‖θ‖/‖OP^ξ w‖ at the cut below the root of the trend model, under an augmentation and a loss, and its 0 level. */
export function ratioAt(seed: number, aug: Augmentation, loss: Loss, H: number, u?: LossUnderTest): TrendPoint {
  const { tree, spec, params } = trendModel(seed);
  const dist = leafDistribution(F64, tree, aug);
  // The cut below the root (depth 1), where C(x_0) is not constant.
  const cut = spec.arch.layers[spec.arch.layers.length - 1]!.blocks;
  const M = pairwiseModel(F64, spec, params, dist, cut);
  const e = expectedLossGradient(M, loss, H, (u?.pipeline ?? CORRECT).law);
  const r = residueRatio(M, e);
  return { ratio: Math.max(0, r.ratio), negligible: negligibleRatio(M, { ...e, terms: e.tuples }, H, r.op) };
}
