/**
 * Claim C6, balance (docs/theory.md §1.4, §2 C6): a loss of the distances is balanced when its weights
 * β = ∂L/∂r sum to zero per tuple (over the whole batch for batch losses),
 *
 *     β_+ + Σ_k β_k = 0,
 *
 * equivalently when L is unchanged by adding one constant c to every distance: L(r + c) = L(r).
 * L_tri, L_nce and L_simp are balanced; r_+ − 2r_− is not. The one predicate of C6's balance: the
 * properties (properties/claims/C6) measure it on drawn distances, the hunt target on the distances
 * of a network's batch.
 */
import type { Arith } from '../numeric/arith.js';
import { tolerance } from '../numeric/tolerance.js';
import type { Measurement } from '../runner/check.js';
import { fmt } from '../runner/run.js';
import type { Loss, Reduction } from '../losses/loss.js';

/** Distances r_b+, r_bk− (float64 numbers, taken exactly in rationals) and the constant c of the shift. */
export interface Distances {
  readonly rPos: readonly number[];
  readonly rNeg: readonly (readonly number[])[];
  /** The constant added to every distance for the shift-invariance half (0: that half is trivial). */
  readonly shift: number;
  /** Output dimension d and reduction, as the loss sees them. */
  readonly dim: number;
  readonly reduction: Reduction;
}

/** The loss at r + shift, in the arithmetic A. */
export function lossAt<T>(A: Arith<T>, loss: Loss, d: Distances, shift = 0) {
  const s = A.from(shift);
  return loss.evaluate(A, {
    rPos: d.rPos.map((v) => A.add(A.from(v), s)),
    rNeg: d.rNeg.map((row) => row.map((v) => A.add(A.from(v), s))),
    dim: d.dim,
    reduction: d.reduction,
  });
}

/**
 * β_+ + Σβ_k = 0 for every group and L(r + c) = L(r): exact in rationals; in floats
 * tol = c·n·ε·scale with n = 4·(group size + 1), scale = 1 + Σ|β| (largest group) for the sum and
 * |L(r)| + |L(r + c)| + Σ|r| + n·c for the shift.
 */
export function lossBalance<T>(A: Arith<T>, loss: Loss, d: Distances): Measurement {
  const v = lossAt(A, loss, d);
  const groups = loss.perTuple ? v.betaPos.map((bp, b) => [bp, ...v.betaNeg[b]!]) : [[...v.betaPos, ...v.betaNeg.flat()]];
  const shifted = lossAt(A, loss, d, d.shift);
  if (A.exact) {
    const sums = groups.map((g) => g.reduce((p, q) => A.add(p, q), A.zero));
    const bad = sums.findIndex((s) => A.sign(s) !== 0);
    const shiftDiff = A.sub(shifted.value, v.value);
    const ok = bad < 0 && A.sign(shiftDiff) === 0;
    return {
      ok,
      error: ok ? 0 : Math.max(bad >= 0 ? Math.abs(A.toNumber(sums[bad]!)) : 0, Math.abs(A.toNumber(shiftDiff))),
      tolerance: 0,
      derivation: 'rational arithmetic: exact equality',
      note: ok
        ? undefined
        : `β_+ + Σβ_k = ${bad >= 0 ? A.toNumber(sums[bad]!) : 0}; L(r + ${d.shift}) − L(r) = ${A.toNumber(shiftDiff)}` +
          imbalanceMeaning(bad >= 0 ? Math.abs(A.toNumber(sums[bad]!)) : 0, groups[Math.max(bad, 0)]!.reduce((p, q) => p + Math.abs(A.toNumber(q)), 0)),
    } as Measurement;
  }
  const n = groups[0]!.length;
  let err = 0;
  let scale = 1;
  for (const g of groups) {
    const nums = g.map((x) => A.toNumber(x));
    err = Math.max(err, Math.abs(nums.reduce((p, q) => p + q, 0)));
    scale = Math.max(scale, 1 + nums.reduce((p, q) => p + Math.abs(q), 0));
  }
  const tB = tolerance('float64', 'identity', 4 * (n + 1), scale);
  const L0 = A.toNumber(v.value);
  const L1 = A.toNumber(shifted.value);
  const dShift = Math.abs(L1 - L0);
  // Magnitudes, not the signed sum: similarities (ntxent) are negative and a signed Σr cancelled the
  // scale to ≤ 0 (tolerance 1e-306 against a rounding error 1e-16, verify --seed 74).
  const rAbs = d.rPos.reduce((p, q) => p + Math.abs(q), 0) + d.rNeg.flat().reduce((p, q) => p + Math.abs(q), 0);
  const tS = tolerance('float64', 'identity', 4 * (n + 1), Math.abs(L0) + Math.abs(L1) + rAbs + n * d.shift);
  const ok = err <= tB.tol && dShift <= tS.tol;
  // The part that fails is reported; a non-finite β sum is that part even where the shift part is 0 vs ~0.
  const first = Number.isNaN(err) || err / tB.tol >= dShift / tS.tol;
  return {
    ok,
    error: first ? err : dShift,
    tolerance: first ? tB.tol : tS.tol,
    derivation: first ? `|β_+ + Σβ_k|: ${tB.derivation}` : `|L(r + c) − L(r)|: ${tS.derivation}`,
    note: `β_+ + Σβ_k = ${fmt(err)}; L(r + ${fmt(d.shift)}) − L(r) = ${fmt(L1 - L0)}` + (ok ? '' : imbalanceMeaning(err, scale - 1)),
  };
}

/**
 * What an imbalance means (issue 8 §1), so a user can decide: its size relative to the loss weights
 * Σ|β| (a `+ 1e-8` in a denominator gives ~1e-9 of the weights), and what it breaks: the covariance
 * forms of C3/C7 need β_+ = −Σβ_k; otherwise the gradient keeps a term (β_+ + Σβ_k)·∇r_+ that no
 * operator absorbs.
 */
function imbalanceMeaning(imbalance: number, weights: number): string {
  const relative = weights > 0 ? `${fmt(imbalance / weights)} of Σ|β| = ${fmt(weights)}` : 'with all weights 0';
  return ` (imbalance ${relative}; it breaks the covariance form of C3/C7, which needs β_+ = −Σβ_k: the gradient keeps a term (β_+ + Σβ_k)·∇r_+ that no operator absorbs)`;
}
