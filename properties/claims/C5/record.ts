/**
 * C5 (exact): w_lᵀ OP_l w_l = tr V_{x_0}[E(f_L | x_0)], the same for every cut of a C1 network
 * (docs/theory.md §2 C5); a bias breaks it.
 */
import type { ClaimRecord } from '../../../src/runner/check.js';

export const record: ClaimRecord = {
  id: 'C5',
  title: 'The operator’s quadratic form is the output variance, the same in every layer',
  statement: 'w_lᵀ OP_l w_l = tr V_{x_0}[E(f_L(x) | x_0)] for every cut l',
  section: 'THEORY.md §2 C5',
  kind: 'exact',
  holdsFor: ['as C1'],
  breaksWith: ['as C1 (bias, normalisation, non-homogeneous ψ)'],
};
