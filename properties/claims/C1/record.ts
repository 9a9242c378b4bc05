/**
 * C1 (exact): f_L(x) = Σ_{ν∈l} K_ν(x)ᵀ w_ν for every cut l of a bias-free, positively homogeneous
 * network (Euler's identity, docs/theory.md §1.3). f_L − K_lᵀw_l = Σ_{l'≥l} J_l'·b_l', so a bias at
 * or above the cut, output normalisation, or a non-homogeneous ψ above it break it; what lies below
 * does not matter. The predicate: src/claims/eulerIdentity.ts.
 */
import type { ClaimRecord } from '../../../src/runner/check.js';

export const record: ClaimRecord = {
  id: 'C1',
  title: 'Euler identity: the output is the connection times the weights',
  statement: 'f_L(x) = K_l(x)ᵀ w_l for every layer (cut) l and input x, for bias-free positively homogeneous networks',
  section: 'THEORY.md §2 C1, §1.3',
  kind: 'exact',
  holdsFor: ['bias-free ReLU / leaky-ReLU / linear MLP layers', 'tree layers of complete trees, any cut of irregular trees', 'bias or tanh strictly below the cut'],
  breaksWith: ['bias at or above the cut', 'output normalisation', 'non-homogeneous ψ (tanh, softplus, GELU) at or above the cut', 'a single node of a tree layer'],
};
