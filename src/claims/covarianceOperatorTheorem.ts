/**
 * Claim C3, the covariance-operator theorem (docs/theory.md §1.5, §2 C3): over the model's exact
 * leaf law (an augmentation's conditional distribution given x_0),
 *
 *     −E[∇_{w_ν} L_simp] = 2·Σ_{ν'∈l} Cov_{x_0}(K̄_ν, K̄_ν′)·w_ν′      (ν in the cut l; form 'cov')
 *                        = 2·Cov_{x_0}(K̄_ν, f̄_L)                      (any network; 'cross-cov')
 *
 * K̄ = E[K | x_0], f̄ = E[f_L | x_0]. 'own-node-only' drops the sibling cross terms (a node's own
 * covariance only), which the theorem does not allow. The left side is the backward pass summed over
 * the enumerated configurations, the right side the conditional means (theory/). The one predicate
 * of C3 by enumeration: the properties (properties/claims/C3) and the hunt target measure through it.
 */
import type { Arith } from '../numeric/arith.js';
import { tolerance, type Tolerance } from '../numeric/tolerance.js';
import type { Measurement } from '../runner/check.js';
import type { NetworkSpec, Params } from '../network/architecture.js';
import { toArith } from '../network/init.js';
import { connectionBound, magnitude } from '../network/magnitude.js';
import type { LeafDistribution } from '../hltm/exactDistribution.js';
import { conditionalMeans } from '../theory/conditionalMeans.js';
import { crossCovariance, operatorTimes } from '../theory/covarianceOperator.js';
import { negExpectedGradient } from '../theory/expectedGradient.js';
import { compareIn } from './compare.js';

export type OperatorForm = 'cov' | 'cross-cov' | 'own-node-only';

/**
 * Expectation tolerance: n = the longest gradient chain (magnitude's gradientOps) + the configurations summed, scale = 4·K̄·M over the
 * first 64 configurations (Σ_c p·K·δ with |δ| ≤ 2M; M = 1 with normalisation, |f| ≤ 1).
 */
function expectationTolerance(spec: NetworkSpec, params: Params<number>, nConfigs: number): Tolerance {
  let scale = 0;
  let ops = 0;
  for (let c = 0; c < Math.min(nConfigs, 64); c++) {
    const x = Array.from({ length: spec.arch.nInputs }, (_, j) => (c >> j) & 1);
    const mag = magnitude(spec, params, x);
    scale = Math.max(scale, 4 * connectionBound(spec, params, x) * (spec.normalize ? 1 : mag.scale));
    ops = Math.max(ops, mag.gradientOps);
  }
  return tolerance('float64', 'expectation', ops + nConfigs, scale);
}

/** C3 in one form, every block of every layer (cut) of the network: `===` in rationals, else the derived tolerance. */
export function covarianceOperatorForm<T>(A: Arith<T>, spec: NetworkSpec, numbers: Params<number>, dist: LeafDistribution<T>, form: OperatorForm): Measurement {
  const params = toArith(A, numbers);
  const cm = conditionalMeans(A, spec, params, dist);
  const neg = negExpectedGradient(A, spec, params, dist, cm);
  const two = A.from(2);
  const lhs: T[] = [];
  const rhs: T[] = [];
  if (form === 'cross-cov') {
    for (const b of spec.arch.blocks) {
      lhs.push(...neg.W[b.index]!);
      rhs.push(...crossCovariance(A, spec, cm, b.index).map((v) => A.mul(two, v)));
    }
  } else {
    for (const layer of spec.arch.layers) {
      for (const nu of layer.blocks) {
        const cut = form === 'cov' ? layer.blocks : [nu];
        lhs.push(...neg.W[nu]!);
        rhs.push(...operatorTimes(A, spec, cm, cut, params.W).get(nu)!.map((v) => A.mul(two, v)));
      }
    }
  }
  return compareIn(A, lhs, rhs, () => expectationTolerance(spec, numbers, dist.nConfigs));
}
