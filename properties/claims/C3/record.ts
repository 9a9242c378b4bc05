/**
 * C3 (expectation): the covariance-operator theorem (docs/theory.md §1.5). E[∇_{w_l} L_simp] = −2·OP_l·w_l
 * for a cut l; per node ν: −2·Σ_{ν'∈l} Cov(K̄_ν, K̄_ν')·w_ν' (sibling cross terms included). Without C1
 * (bias, normalisation, non-homogeneous ψ) what survives is −2·Cov(K̄_ν, f̄).
 * Decided exactly by enumeration (rationals, float64 with a derived tolerance) on small trees, for
 * every augmentation (./enumeration.ts; predicate src/claims/covarianceOperatorTheorem.ts), under a
 * pipeline's tuple law (./tupleEnumeration.ts), and by Monte Carlo with a confidence bound on larger
 * ones (./monteCarlo.ts).
 */
import type { ClaimRecord } from '../../../src/runner/check.js';

export const record: ClaimRecord = {
  id: 'C3',
  title: 'The covariance-operator theorem',
  statement: 'E[∇_{w_l} L_simp] = −2·OP_l·w_l, OP_l = V_{x_0}[K̄_l(x_0)]; per node with sibling cross-covariances; −2·Cov(K̄_ν, f̄_L) without C1',
  section: 'THEORY.md §2 C3, §1.5',
  kind: 'expectation',
  holdsFor: ['tuples as in §1.1 with any augmentation (root, level(k), identity, none-shared, flip(q))', 'cuts of bias-free homogeneous networks (OP form)', 'any network (cross-covariance form)'],
  breaksWith: ['the OP form with bias, non-homogeneous ψ or normalisation', 'a node without its siblings’ cross terms', 'negatives forced to differ, batch-level losses (not tested here)'],
};
