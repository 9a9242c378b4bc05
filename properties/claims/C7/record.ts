/**
 * C7 (exact / expectation / asymptotic trend): for a balanced loss E[∇L] = −2·OP^ξ_l·w_l + θ_l with
 * ξ(x_0, x_0') = H·E[−β_1 | x_0, x_0'_1 = x_0'] and θ_l the residue (docs/theory.md §1.5). Decided by exact
 * enumeration of the joint law of (x, x_+, x_1−..x_H−) on tiny trees (src/theory/pairwiseModel.ts, expectedLossGradient.ts, pairwiseOperator.ts):
 *   closed-form        weights −β_k = φ(x_0, x_0'_k) of the base samples: θ = E[ξ·(C(x_0) − C(x_0'))],
 *                      ξ = H·φ, C(x_0) = Cov[K_l, f_L | x_0] (rationals, ===);
 *   symmetric-weights  φ symmetric ⇒ θ = 0 exactly; a non-symmetric φ on depth 2 is expected-fail;
 *   identity           `identity` augmentation: θ = 0 for L_tri and L_nce, any H (float64);
 *   unbalanced         r_+ − 2r_− breaks the covariance form (expected-fail, rationals);
 *   tau-trend          ‖θ‖/‖OP^ξ w‖ falls like 1/τ for large τ (slope −1, asymptotic only);
 *   augmentation-trend the ratio falls to 0 as augmentation weakens: flip(q) on identity with q → 0
 *                      (like q), level(k) with k growing (0 at identity).
 * Files: ./oracle.ts, ./lossResidue.ts, ./tauTrend.ts, ./augmentationTrend.ts; shared models ./models.ts.
 */
import type { ClaimRecord } from '../../../src/runner/check.js';

export const record: ClaimRecord = {
  id: 'C7',
  title: 'Pairwise-weighted covariance operator and residue for balanced losses',
  statement:
    'For a balanced loss E[∇L] = −2·OP^ξ_l·w_l + θ_l, ξ(x_0,x_0′) = H·E[−β_1 | x_0, x_0′]; with weights φ(x_0, x_0′_k) of the base samples θ_l = E[ξ·(C(x_0) − C(x_0′))], ' +
    'C = Cov[K_l, f_L | x_0], so θ = 0 for symmetric φ or constant C; θ = 0 with identity augmentation for L_tri and L_nce, any H; ‖θ‖/‖OP^ξ w‖ → 0 like 1/τ and as augmentation weakens',
  section: 'THEORY.md §2 C7, §1.5',
  kind: 'expectation',
  holdsFor: ['L_tri, L_nce', 'weights that are functions of (x_0, x_0′_k) (closed form)', 'identity augmentation, any H (θ = 0)'],
  breaksWith: ['non-symmetric weights with non-constant C (depth ≥ 2)', 'unbalanced losses (e.g. r_+ − 2r_−) for the covariance form'],
};
