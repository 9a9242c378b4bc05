/**
 * The pairwise-weighted covariance operator OP^ξ and the residue θ (docs/theory.md §1.5, claim C7),
 * matrix-free on the tables of ./pairwiseModel.ts:
 *
 *   OP^ξ_l w_l = ½·E_{i,j}[ξ(i,j) ΔK̄ (ΔK̄ᵀ w_l)],   ΔK̄ = K̄_l(i) − K̄_l(j)
 *   θ_l        = E[∇_{w_l} L] + 2·OP^ξ_l w_l                                  (the definition)
 *   C(i)       = Cov[K_l, f_L | x_0 = i] = Σ_c P(c|i) K_l(c) f(c) − K̄_l(i) f̄(i)   (a d-vector)
 *
 * and, derived in docs/theory.md C7 for oracle weights φ(x_0, x_0'_k), θ_l = E[ξ·(C(x_0) − C(x_0'))]
 * with ξ = H·φ: zero when φ is symmetric.
 */
import type { Arith } from '../numeric/arith.js';
import type { ExpectedLossGradient } from './expectedLossGradient.js';
import { axpy, conditionalTables, type PairwiseModel } from './pairwiseModel.js';

/** C(i) = Cov[K_l, f_L | x_0 = i] = E[K f | i] − K̄(i) f̄(i), a d-vector per x_0 value. */
export function withinCovariance<T>(M: PairwiseModel<T>): T[][] {
  const { A, nOut } = M;
  const { Kbar, fbar, KfBar } = conditionalTables(M);
  return KfBar.map((kf, i) =>
    kf.map((v, r) => {
      let s = A.zero;
      for (let k = 0; k < nOut; k++) s = A.add(s, A.mul(Kbar[i]![r * nOut + k]!, fbar[i]![k]!));
      return A.sub(v, s);
    }),
  );
}

/** OP^ξ_l·w_l = ½·Σ_{i,j} p_i p_j ξ(i,j) ΔK̄ (ΔK̄ᵀ w), matrix-free (`v` replaces w when given). */
export function pairwiseOperatorTimes<T>(M: PairwiseModel<T>, xi: readonly (readonly T[])[], v: readonly T[] = M.w): T[] {
  const { A, d, nOut } = M;
  return halfPairwiseSum(M, xi, (dK) => {
    const u = new Array<T>(nOut).fill(A.zero);
    for (let r = 0; r < d; r++) {
      if (A.sign(v[r]!) === 0) continue;
      for (let k = 0; k < nOut; k++) u[k] = A.add(u[k]!, A.mul(dK[r * nOut + k]!, v[r]!));
    }
    return u;
  });
}

/** ½·Σ_{i≠j} p_i p_j ξ_ij ΔK̄_ij·rhs(ΔK̄_ij), ΔK̄_ij = K̄(i) − K̄(j) (flat d × nOut), rhs ∈ R^{nOut}. */
function halfPairwiseSum<T>(M: PairwiseModel<T>, xi: readonly (readonly T[])[], rhs: (dK: readonly T[]) => readonly T[]): T[] {
  const { A, d, nOut, p } = M;
  const { Kbar } = conditionalTables(M);
  const out = new Array<T>(d).fill(A.zero);
  const half = A.div(A.one, A.from(2));
  for (let i = 0; i < p.length; i++) {
    for (let j = 0; j < p.length; j++) {
      if (i === j) continue;
      const weight = A.mul(half, A.mul(A.mul(p[i]!, p[j]!), xi[i]![j]!));
      if (A.sign(weight) === 0) continue;
      const dK = Kbar[i]!.map((x, r) => A.sub(x, Kbar[j]![r]!));
      const u = rhs(dK);
      for (let r = 0; r < d; r++) {
        let s = A.zero;
        for (let k = 0; k < nOut; k++) s = A.add(s, A.mul(dK[r * nOut + k]!, u[k]!));
        out[r] = A.add(out[r]!, A.mul(weight, s));
      }
    }
  }
  return out;
}

/** θ_l = E[∇L] + 2·OP^ξ_l w_l. */
export function residue<T>(M: PairwiseModel<T>, e: Pick<ExpectedLossGradient<T>, 'grad' | 'xi'>): { theta: T[]; opTimesW: T[] } {
  const { A } = M;
  const op = pairwiseOperatorTimes(M, e.xi);
  const two = A.from(2);
  return { theta: e.grad.map((g, r) => A.add(g, A.mul(two, op[r]!))), opTimesW: op };
}

/** θ's closed form E_{i,j}[ξ(i,j)·(C(i) − C(j))] (docs/theory.md C7), ξ = H·φ. */
export function residueClosedForm<T>(M: PairwiseModel<T>, xi: readonly (readonly T[])[]): T[] {
  const { A, p, d } = M;
  const C = withinCovariance(M);
  const out = new Array<T>(d).fill(A.zero);
  for (let i = 0; i < p.length; i++) {
    for (let j = 0; j < p.length; j++) {
      const wgt = A.mul(A.mul(p[i]!, p[j]!), xi[i]![j]!);
      if (A.sign(wgt) === 0) continue;
      axpy(A, out, wgt, C[i]!.map((v, r) => A.sub(v, C[j]![r]!)));
    }
  }
  return out;
}

/** ‖v‖₂ in float64. */
export function norm2<T>(A: Arith<T>, v: readonly T[]): number {
  let s = 0;
  for (const x of v) s += A.toNumber(x) ** 2;
  return Math.sqrt(s);
}

/** ‖θ‖/‖OP^ξ w‖ (Infinity when OP^ξ w = 0 and θ ≠ 0; 0 when both vanish). */
export function residueRatio<T>(M: PairwiseModel<T>, e: Pick<ExpectedLossGradient<T>, 'grad' | 'xi'>): { ratio: number; theta: number; op: number } {
  const { theta, opTimesW } = residue(M, e);
  const t = norm2(M.A, theta);
  const o = norm2(M.A, opTimesW);
  return { ratio: o === 0 ? (t === 0 ? 0 : Number.POSITIVE_INFINITY) : t / o, theta: t, op: o };
}
