/**
 * The tolerance table (one place, like JAX's test_util): keyed by precision and kind of check.
 *
 * A floating-point check compares two computations of the same exact quantity. Each is a sum of
 * products evaluated in some order; the classical bound for a length-n dot product is
 * |fl(Σ a_i b_i) − Σ a_i b_i| ≤ γ_n Σ |a_i b_i|, γ_n ≈ n·u (u = ε/2). So the tolerance is
 *
 *     tol = c · n · (ε · scale + η)
 *
 * with n the operation count of the longer dependency chain, ε the machine epsilon of the
 * precision, scale the magnitude of the terms (Σ|a_i b_i|, never the possibly-cancelling result),
 * η the underflow unit (UNDERFLOW_UNIT: only matters where the scale nears the precision's range),
 * and c a small constant per kind of check that covers the two sides and the comparison.
 * Tolerances are never loosened to make a test pass: a change here needs a derivation.
 */
import { EPS32, EPS64 } from './arith.js';

export type Precision = 'float64' | 'float32';
export type CheckKind =
  /** Two evaluation orders of the same sums of products (C1, C2, C5). */
  | 'identity'
  /** An expectation over enumerated configurations: a further sum of products with weights. */
  | 'expectation'
  /** A float32 engine against the float64 reference (the float64 side's error is negligible). */
  | 'engine'
  /**
   * The rounding of one function value in a finite difference (numeric/finiteDifference.ts): each
   * value L of a loss carries at most c·ε·(1 + |L|) (c = 64 covers the loss's own chain of a few
   * dozen roundings); a difference of n = 2 values over a step s gives c·2·ε·(1 + |L|)/s.
   */
  | 'finite-difference';

/** c per precision and kind. */
export const TOLERANCE_CONSTANT: Readonly<Record<Precision, Readonly<Record<CheckKind, number>>>> = {
  float64: { identity: 4, expectation: 8, engine: 4, 'finite-difference': 64 },
  float32: { identity: 4, expectation: 8, engine: 8, 'finite-difference': 64 },
};

/**
 * The rest of a finite-difference bound (numeric/finiteDifference.ts), beside the rounding term of
 * kind 'finite-difference' above:
 *  - truncation: central differences have error c₂h² + c₄h⁴ + …; Richardson's R₂ = (4D(h/4) − D(h/2))/3
 *    is O(h⁴) with error ≈ |R₁ − R₂|/16, bounded by |R₁ − R₂|·truncationFactor (¼: a factor 4 of
 *    margin for the next order);
 *  - smoothness: where D(h), D(h/2), D(h/4) differ by more than this fraction of (1 + |D|) the function
 *    is not smooth on the stencil (a max, a hinge, a gate flips) and the comparison is skipped;
 *  - compared: the rounding of the derivative the differences are checked against, by what computed
 *    it, as the table's own bound c·n·ε (float64 'identity', c = 4) relative to the scale the caller
 *    passes (the sum of the magnitudes of its terms) with n the longest chain it can have:
 *      loss weight β (a softmax or sigmoid over a tuple or batch of ≤ 255 distances): n = 4·(255 + 1)
 *        = 1024 (an exp, an add to the sum, a divide and a product per distance, as lossBalance counts);
 *      gradient ⟨∇L, v⟩ (a network's backward pass): n = gradientOps + S + 8 ≤ 4096 (the forward and
 *        backward chains and a block's row sum, network/magnitude.ts, for the networks the generators
 *        draw — test/generators.test.ts measures it —, the sum over ≤ 64 samples, the loss stage, as
 *        the engine tolerance counts).
 *    So 'loss-weight' = 4·1024·ε₆₄ ≈ 9.1e-13 and 'gradient' = 4·4096·ε₆₄ ≈ 3.6e-12 (issue 12: before,
 *    the stated allowances 1e-9 and 1e-8). The finite differences' own error (truncation + rounding)
 *    is the rest of the bound; a compared side computed in float32 has its rounding covered by the
 *    float32 rounding term of its differences (c·2·ε₃₂·(1 + |L|)/(h/4), far larger).
 */
export const FINITE_DIFFERENCE_CHAIN = { 'loss-weight': 4 * (255 + 1), gradient: 2 * 2000 + 64 + 32 } as const;

export const FINITE_DIFFERENCE = {
  truncationFactor: 1 / 4,
  smoothness: 1e-2,
  compared: {
    'loss-weight': TOLERANCE_CONSTANT.float64.identity * FINITE_DIFFERENCE_CHAIN['loss-weight'] * EPS64,
    gradient: TOLERANCE_CONSTANT.float64.identity * FINITE_DIFFERENCE_CHAIN.gradient * EPS64,
  },
} as const;

export type DerivativeSource = keyof typeof FINITE_DIFFERENCE.compared;

export const MACHINE_EPSILON: Readonly<Record<Precision, number>> = { float64: EPS64, float32: EPS32 };

export interface Tolerance {
  readonly tol: number;
  readonly derivation: string;
}

/**
 * The underflow unit η of each precision. The rounding model with underflow is fl(x) = x(1 + δ) + η′,
 * |δ| ≤ ε, |η′| ≤ η (Higham, ASNA §2.1), so each of the n operations may also lose η absolutely.
 *  - float32: the smallest normal, 2⁻¹²⁶: engines that flush subnormals to zero (TF.js's backends,
 *    WebGPU) lose up to that much.
 *  - float64: the smallest subnormal, 2⁻¹⁰⁷⁴: float64 is only ever computed by JavaScript numbers,
 *    which underflow gradually (IEEE 754), so an operation loses at most half the subnormal spacing,
 *    2⁻¹⁰⁷⁵. (It was the smallest normal, 2⁻¹⁰²², until issue 12's review of the test bounds: then
 *    4·n·η exceeded results such as σ(−720) ≈ 2e-313, and a bound on them could not fail.)
 * It decides only where the scale itself is near or below the range of the precision (float32
 * gradients of 1e-100 in deep saturation, which float32 cannot hold).
 */
export const UNDERFLOW_UNIT: Readonly<Record<Precision, number>> = { float64: 2 ** -1074, float32: 2 ** -126 };

/** tol = c·n·(ε·scale + η), with its derivation printed with any failure. */
export function tolerance(precision: Precision, kind: CheckKind, ops: number, scale: number): Tolerance {
  const c = TOLERANCE_CONSTANT[precision][kind];
  const eps = MACHINE_EPSILON[precision];
  const eta = UNDERFLOW_UNIT[precision];
  const s = Math.max(scale, Number.MIN_VALUE);
  const tol = c * Math.max(1, ops) * (eps * s + eta);
  return {
    tol,
    derivation: `tol = c·n·(ε·scale + η) = ${c}·${ops}·(${eps.toExponential(3)}·${s.toExponential(3)} + ${eta.toExponential(3)}) = ${tol.toExponential(3)} (${precision}, ${kind})`,
  };
}

/**
 * λ of the probable bound below: the bound fails for a sum of n terms with probability at most
 * 2n·exp(−λ²(1 − u)²/2) (≈ 2n·1.3e-14 at λ = 8: 1.7e-9 for the largest enumeration, n = 2^16).
 */
export const PROBABLE_LAMBDA = 8;

/**
 * The probable rounding error of a long sum (Higham & Mary, "A new approach to probabilistic rounding
 * error analysis", SIAM J. Sci. Comput. 41(5), 2019, Theorem 2.4): with the roundings of the n
 * operations independent, mean-zero random variables, |fl(Σ a_i b_i) − Σ a_i b_i| ≤ γ̃_n(λ)·Σ|a_i b_i|,
 * γ̃_n(λ) = exp(λ√n·u + n·u²/(1 − u)) − 1 ≈ λ√n·u, except with the probability of PROBABLE_LAMBDA.
 * So tol = c·λ·√n·(ε·scale + η): the worst case c·n·ε·scale (`tolerance`) shrunk by √n/λ.
 *
 * Used where the worst case is far too loose to tell a quantity that is 0 in exact arithmetic from one
 * that is small but not 0: C7's trends (a residue ratio is "0" at a point when it is below this bound
 * relative to its denominator, properties/claims/C7/models.ts). Over the trend models of seeds 1–30 the
 * worst-case bound comes within 1.5× of the smallest genuine residue (τ = 4096, H = 2), while the
 * residues that are 0 in exact arithmetic stay below 1e-6 of it: the probable bound (√n/λ = 32 at
 * n = 2^16) separates the two. Where it fails (probability above), noise taken for a residue breaks
 * the fitted slope: a red. The other way round, a genuine residue at or below its level at every point
 * would read as "met trivially": the measured margin (≥ 47×) is what rules that out, and the C7 tests
 * (test/trends.test.ts) require it on fixed models.
 */
export function probableTolerance(precision: Precision, kind: CheckKind, ops: number, scale: number): Tolerance {
  const one = tolerance(precision, kind, 1, scale); // c·(ε·scale + η)
  const tol = one.tol * PROBABLE_LAMBDA * Math.sqrt(Math.max(1, ops));
  return { tol, derivation: `tol = λ·√n·c·(ε·scale + η) = ${PROBABLE_LAMBDA}·√${ops}·${one.tol.toExponential(3)} = ${tol.toExponential(3)} (${precision}, ${kind}, probable)` };
}
