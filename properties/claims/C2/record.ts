/**
 * C2 (exact a.e.): chain rule through distances (docs/theory.md §1.3–1.4). For r = ½‖f_L(x) − f_L(x')‖²
 * and any block ν of any network, ∂r/∂w_ν = (K_ν(x) − K_ν(x'))(f_L(x) − f_L(x')); for a loss of the
 * distances the batch gradient is Σ_tuples Σ β (ΔK)(Δf). With C1 (bias-free homogeneous, a cut l):
 * ∂r/∂w_l = (K_l(x) − K_l(x'))(K_l(x) − K_l(x'))ᵀ w_l.
 * Witnesses: the hand-written backward pass, the connection form, finite differences
 * (src/claims/chainRule.ts) and the float32 engines (./engines).
 */
import type { ClaimRecord } from '../../../src/runner/check.js';

export const record: ClaimRecord = {
  id: 'C2',
  title: 'Chain rule through distances: gradients are connection differences',
  statement: '∂r/∂w_ν = (K_ν(x) − K_ν(x′))(f_L(x) − f_L(x′)) for any block of any network; for a layer with C1, (ΔK)(ΔK)ᵀ w_l; batch gradients of any loss of the distances are Σ β (ΔK)(Δf)',
  section: 'THEORY.md §2 C2, §1.3–1.4',
  kind: 'exact',
  holdsFor: ['any differentiable loss of the distances', 'any network (bias, normalisation, tanh, softplus, GELU) for the connection form', 'the layer form as C1'],
  breaksWith: ['the layer form with a bias at or above the layer (as C1)', 'points where a gate flips'],
};
