/**
 * C6 (exact; limits numeric, slope −1 in log-log): L_tri and L_nce are balanced, β_+ = −Σ_k β_k,
 * with the stated weights β_k = −softmax_k (nce) and β_− = −σ((r_+ − r_− + r_0)/τ) (tri); as τ → ∞
 * β_k → −1/(H+1), −1/2, the gradients tend to (H/(H+1))·∇L_simp, ½·∇L_simp and the shifted losses
 * L_nce − τ·log(H+1), L_tri − τ·log 2 to (H/(H+1))·L_simp, ½(L_simp + r_0), all with error O(1/τ)
 * (docs/theory.md §1.4, §2 C6).
 *
 * The checks are factories over a loss under test (properties/lossUnderTest.ts), so `covcheck compare`,
 * `verify --loss FILE` and the mutation self-check run the same predicates on any loss:
 *   balance        β_+ + Σ_k β_k = 0 per tuple and L(r + c) = L(r) (src/claims/lossBalance.ts);
 *   weights        β = ∂L/∂r, against central differences (numeric/finiteDifference.ts);
 *   stated-weights the built-ins' β are the stated softmax/sigmoid;
 *   small-tau      finite values and weights for τ down to 1e-3, in float64 and float32;
 *   limits         the large-τ limits (nce and tri only), with log-log plots.
 */
import type { ClaimRecord } from '../../../src/runner/check.js';

export const record: ClaimRecord = {
  id: 'C6',
  title: 'Balance of L_tri and L_nce, and their large-τ limits',
  statement:
    'β_+ = −Σ_k β_k with β_k = −e^{−r_k−/τ}/Z (nce, a softmax) and β = −σ((r_+ − r_− + r_0)/τ) (tri); as τ → ∞ β_k → −1/(H+1), −1/2, ' +
    'the gradients → (H/(H+1))·∇L_simp, ½·∇L_simp and L_nce − τ·log(H+1) → (H/(H+1))·L_simp, L_tri − τ·log 2 → ½(L_simp + r_0), errors O(1/τ)',
  section: 'THEORY.md §2 C6, §1.4',
  kind: 'exact',
  holdsFor: ['L_tri and L_nce, any r, τ, r_0, H', 'any loss invariant under shifting every distance by one constant'],
  breaksWith: ['unbalanced losses (e.g. r_+ − 2r_−)'],
};
