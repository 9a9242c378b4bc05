/**
 * Claim C1, Euler's identity (docs/theory.md §1.3, §2 C1): for a bias-free, positively homogeneous
 * network and any cut l (a set of blocks every input-to-output path crosses once)
 *
 *     f_L(x) = Σ_{ν∈l} K_ν(x)ᵀ w_ν          (f_L ∈ R^{n_L}; K_ν ∈ R^{(out·in) × n_L}, w_ν flat)
 *
 * f_L − K_lᵀw_l = Σ_{l'≥l} J_l'·b_l', so a bias at or above the cut, output normalisation or a
 * non-homogeneous ψ above it break it. The one predicate of C1: the fast-check properties
 * (properties/claims/C1) and the hunt target (hunt/targets.ts) both measure through it.
 */
import type { Arith } from '../numeric/arith.js';
import { tolerance, type Tolerance } from '../numeric/tolerance.js';
import type { Measurement } from '../runner/check.js';
import type { NetworkSpec, Params } from '../network/architecture.js';
import { connections, connectionTransposeTimes } from '../network/connection.js';
import { forward } from '../network/forward.js';
import { toArith } from '../network/init.js';
import { magnitude } from '../network/magnitude.js';
import { compareIn } from './compare.js';

/** f_L(x) and Σ_{ν∈cut} K_ν(x)ᵀ w_ν, in the arithmetic A. */
function eulerSides<T>(A: Arith<T>, spec: NetworkSpec, params: Params<T>, x: readonly T[], cut: readonly number[]): { lhs: T[]; rhs: T[] } {
  const trace = forward(A, spec, params, x);
  const rhs = new Array<T>(spec.arch.nOut).fill(A.zero);
  for (const K of connections(A, spec, params, trace, cut)) {
    connectionTransposeTimes(A, K, params.W[K.block]!).forEach((v, k) => (rhs[k] = A.add(rhs[k]!, v)));
  }
  return { lhs: [...trace.out], rhs };
}

/**
 * tol = c·n·ε·scale with the scale from the path-sum bound of x (network/magnitude.ts; ×1/ε after
 * normalisation) and n the longer side: the right side's Σ_ν K_νᵀw_ν is a gradient chain (magnitude's
 * gradientOps: J, the product with the input, a block's row sum) plus one add per block of the cut.
 */
function eulerTolerance(spec: NetworkSpec, params: Params<number>, x: readonly number[]): Tolerance {
  const m = magnitude(spec, params, x);
  const scale = spec.normalize ? Math.max(1, m.scale / spec.eps) : m.scale;
  return tolerance('float64', 'identity', m.gradientOps + spec.arch.blocks.length, scale);
}

/** C1 at one input and one cut: `===` in rationals, the derived tolerance in float64; with both sides. */
export function eulerIdentity<T>(A: Arith<T>, spec: NetworkSpec, params: Params<number>, x: readonly number[], cut: readonly number[]): { measurement: Measurement; lhs: T[]; rhs: T[] } {
  const { lhs, rhs } = eulerSides(A, spec, toArith(A, params), x.map((v) => A.from(v)), cut);
  return { measurement: compareIn(A, lhs, rhs, () => eulerTolerance(spec, params, x)), lhs, rhs };
}
