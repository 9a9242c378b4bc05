/**
 * The built-in losses that batch cases draw from, keyed by the name reports show: L_simp, L_tri
 * (τ = 0.5, r_0 = 0.25), L_nce (τ = 0.5), the official InfoNCE at a given τ and the official
 * subtraction loss (docs/theory.md §1.4). The order is the draw order.
 */
import { parseLoss, type Loss } from '../../src/losses/index.js';

export interface BuiltinLossConstraints {
  /** τ of the official InfoNCE (C2's float64 checks use 0.1, the float32 engines 0.5). */
  readonly officialNceTau: number;
  /**
   * More official InfoNCE losses at small τ, so that u = (r_+ − r_−)/τ reaches the saturation of σ
   * (|u| ≳ 9, where float32 σ rounds to 1 and a gradient σ·(1 − σ) cancels) with the distances
   * small networks produce (issue 12: the shipped tf.sigmoid cancellation); one loss per τ. Default: none.
   */
  readonly saturatingNceTaus?: readonly number[];
}

export function builtinLosses(o: BuiltinLossConstraints): Record<string, Loss> {
  return {
    simp: parseLoss({ name: 'simp' }),
    'tri(τ=0.5,r0=0.25)': parseLoss({ name: 'tri', tau: 0.5, r0: 0.25 }),
    'nce(τ=0.5)': parseLoss({ name: 'nce', tau: 0.5 }),
    [`official_nce(τ=${o.officialNceTau})`]: parseLoss({ name: 'official_nce', tau: o.officialNceTau }),
    official_subtract: parseLoss({ name: 'official_subtract' }),
    ...Object.fromEntries((o.saturatingNceTaus ?? []).map((tau) => [`official_nce(τ=${tau})`, parseLoss({ name: 'official_nce', tau })])),
  };
}
