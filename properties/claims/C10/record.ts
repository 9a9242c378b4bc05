/**
 * C10 (exact): rank OP_l ≤ n_L·(#values of x_0 − 1); with `none-shared` augmentation OP_l = 0 and
 * E[∇L_simp] = 0 (docs/theory.md §2 C10).
 */
import type { ClaimRecord } from '../../../src/runner/check.js';

export const record: ClaimRecord = {
  id: 'C10',
  title: 'The operator’s rank is bounded by the information that survives augmentation',
  statement: 'rank OP_l ≤ n_L·(#values of x_0 with positive probability − 1); with none-shared augmentation OP_l = 0 and E[∇L_simp] = 0',
  section: 'THEORY.md §2 C10',
  kind: 'exact',
  holdsFor: ['as C3'],
  breaksWith: ['—'],
};

