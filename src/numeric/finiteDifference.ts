/**
 * The finite-difference checker (docs/theory.md §3): a derivative computed analytically (a loss
 * weight β = ∂L/∂r, claim C6; a batch gradient ⟨∇L, v⟩, claim C2) against central differences of the
 * function's value, with Richardson extrapolation and an error bound of two parts.
 *
 *   D(s)  = (f(s) − f(−s))/(2s)                       central difference, error c₂s² + c₄s⁴ + …
 *   R₁    = (4·D(h/2) − D(h))/3,  R₂ = (4·D(h/4) − D(h/2))/3    both O(h⁴); the estimate is R₂
 *   truncation ≤ |R₁ − R₂|·¼                          (R₂'s error ≈ |R₁ − R₂|/16; ¼ leaves margin)
 *   rounding   ≤ c·2·ε·(1 + |f(0)|)/(h/4)             two values of relative rounding c·ε over the step h/4
 *
 * The constants are the tolerance table's (numeric/tolerance.ts: kind 'finite-difference' and
 * FINITE_DIFFERENCE). Where D(h), D(h/2), D(h/4) disagree at first order f is not smooth on the
 * stencil (a max, a hinge, a gate that flips) and there is nothing to compare: `smooth` is false.
 */
import { FINITE_DIFFERENCE, FINITE_DIFFERENCE_CHAIN, TOLERANCE_CONSTANT, tolerance, type DerivativeSource, type Precision } from './tolerance.js';

/** D(h) = (f(h) − f(−h))/(2h). */
export function centralDifference(f: (t: number) => number, h: number): number {
  return (f(h) - f(-h)) / (2 * h);
}

/** R₂ and the two parts of its error bound. */
export interface DerivativeEstimate {
  readonly smooth: true;
  /** Richardson's R₂ from D(h), D(h/2), D(h/4). */
  readonly estimate: number;
  /** |R₁ − R₂|·¼. */
  readonly truncation: number;
  /** c·2·ε·(1 + |f(0)|)/(h/4). */
  readonly rounding: number;
  /** The bound in words: "tol = |R₁ − R₂|/4 (truncation) + 128·ε·(1+|L|)/(h/4) (rounding)". */
  readonly derivation: string;
}

/** D(h), D(h/2), D(h/4) disagree at first order: f is not smooth on the stencil. */
export interface NotSmooth {
  readonly smooth: false;
  readonly differences: readonly [number, number, number];
}

const ROUNDING_VALUES = 2;

/**
 * f′(0) by central differences at h, h/2, h/4 with Richardson extrapolation; `value` is f(0) (its
 * magnitude sets the rounding term); `precision` is that of the values of f (default float64; float32
 * for an implementation under test that computes in float32).
 */
export function richardsonDerivative(f: (t: number) => number, o: { readonly h: number; readonly value: number; readonly precision?: Precision }): DerivativeEstimate | NotSmooth {
  const { h } = o;
  const precision = o.precision ?? 'float64';
  const d1 = centralDifference(f, h);
  const d2 = centralDifference(f, h / 2);
  const d4 = centralDifference(f, h / 4);
  const s = FINITE_DIFFERENCE.smoothness;
  if (Math.abs(d1 - d2) > s * (1 + Math.abs(d2)) || Math.abs(d2 - d4) > s * (1 + Math.abs(d4))) return { smooth: false, differences: [d1, d2, d4] };
  const r1 = (4 * d2 - d1) / 3;
  const r2 = (4 * d4 - d2) / 3;
  const rounding = tolerance(precision, 'finite-difference', ROUNDING_VALUES, 1 + Math.abs(o.value));
  return {
    smooth: true,
    estimate: r2,
    truncation: Math.abs(r1 - r2) * FINITE_DIFFERENCE.truncationFactor,
    rounding: rounding.tol / (h / 4),
    derivation: `tol = |R₁ − R₂|/${1 / FINITE_DIFFERENCE.truncationFactor} (truncation) + ${ROUNDING_VALUES * TOLERANCE_CONSTANT[precision]['finite-difference']}·ε${precision === 'float32' ? '₃₂' : ''}·(1+|L|)/(h/4) (rounding)`,
  };
}

/** |R₂ − claimed| against truncation + rounding + the compared side's own rounding (FINITE_DIFFERENCE.compared). */
export function compareDerivative(
  claimed: number,
  d: DerivativeEstimate,
  o: { readonly source: DerivativeSource; readonly scale: number; readonly scaleText: string },
): { readonly ok: boolean; readonly error: number; readonly tolerance: number; readonly derivation: string } {
  const rel = FINITE_DIFFERENCE.compared[o.source];
  const error = Math.abs(d.estimate - claimed);
  const tol = d.truncation + d.rounding + rel * o.scale;
  return { ok: error <= tol, error, tolerance: tol, derivation: `${d.derivation} + ${rel.toExponential(2)}·${o.scaleText} (the compared side: ${TOLERANCE_CONSTANT.float64.identity}·${FINITE_DIFFERENCE_CHAIN[o.source]}·ε)` };
}
