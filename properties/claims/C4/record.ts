/**
 * C4 (exact): OP_l ⪰ 0, so under the expected L_simp step (all layers at once) ‖W_l‖_F never decreases
 * (docs/theory.md §2 C4); a single node of a tree layer can shrink (expected-fail).
 */
import type { ClaimRecord } from '../../../src/runner/check.js';

export const record: ClaimRecord = {
  id: 'C4',
  title: 'The operator is PSD: weight norms never decrease under the expected L_simp step',
  statement: 'OP_l ⪰ 0; under W ← W − η·E[∇L_simp] (all layers at once, any η ≥ 0) ‖W_l‖_F never decreases',
  section: 'THEORY.md §2 C4',
  kind: 'exact',
  holdsFor: ['layers and cuts, as C3'],
  breaksWith: ['as C3', 'a single node of a tree layer (its norm can shrink)'],
};
