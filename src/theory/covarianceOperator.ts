/**
 * The covariance operator of a cut l (docs/theory.md §1.5, claims C3–C5, C10):
 *
 *   OP_l = V_{x_0}[K̄_l(x_0)] = E[(K̄_l − EK̄_l)(K̄_l − EK̄_l)ᵀ],   K̄_l = the stacked K̄_ν, ν ∈ l
 *
 * Matrix-free: OP_l·w = E[(K̄_l − EK̄_l) u],  u(x_0) = (K̄_l(x_0) − EK̄_l)ᵀ w ∈ R^{nOut}.
 * The node form of C3 is the ν block of that product: Σ_{ν'∈l} Cov(K̄_ν, K̄_ν') w_ν'.
 * The cross-covariance form (what survives bias/normalisation): Cov(K̄_ν, f̄) = E[(K̄_ν − EK̄_ν)(f̄ − Ef̄)].
 */
import type { Arith } from '../numeric/arith.js';
import type { NetworkSpec } from '../network/architecture.js';
import { type ConditionalMeans, expectation } from './conditionalMeans.js';

/** (K̄_ν(i) − EK̄_ν) for every x_0 value i, flat. */
function centredK<T>(A: Arith<T>, cm: ConditionalMeans<T>, block: number): T[][] {
  const mean = expectation(A, cm.p, cm.Kbar.map((k) => k[block]!));
  return cm.Kbar.map((k) => k[block]!.map((v, r) => A.sub(v, mean[r]!)));
}

/** u(i) = Σ_{ν∈cut} (K̄_ν(i) − EK̄_ν)ᵀ w_ν for every x_0 value i (length nOut). */
function centredOutput<T>(A: Arith<T>, spec: NetworkSpec, cm: ConditionalMeans<T>, cut: readonly number[], w: readonly (readonly T[])[]): T[][] {
  const nOut = spec.arch.nOut;
  const u = cm.p.map(() => new Array<T>(nOut).fill(A.zero));
  for (const nu of cut) {
    const ck = centredK(A, cm, nu);
    ck.forEach((K, i) => {
      for (let r = 0; r < K.length / nOut; r++) {
        const wr = w[nu]![r]!;
        if (A.sign(wr) === 0) continue;
        for (let k = 0; k < nOut; k++) u[i]![k] = A.add(u[i]![k]!, A.mul(K[r * nOut + k]!, wr));
      }
    });
  }
  return u;
}

/** E[(K̄_ν − EK̄_ν) v(x_0)] for a family v[i] ∈ R^{nOut}. */
function covWith<T>(A: Arith<T>, spec: NetworkSpec, cm: ConditionalMeans<T>, block: number, v: readonly (readonly T[])[]): T[] {
  const nOut = spec.arch.nOut;
  const ck = centredK(A, cm, block);
  const rows = ck[0]!.length / nOut;
  const out = new Array<T>(rows).fill(A.zero);
  ck.forEach((K, i) => {
    for (let r = 0; r < rows; r++) {
      let s = A.zero;
      for (let k = 0; k < nOut; k++) s = A.add(s, A.mul(K[r * nOut + k]!, v[i]![k]!));
      out[r] = A.add(out[r]!, A.mul(cm.p[i]!, s));
    }
  });
  return out;
}

/** OP_l·w_l restricted to each block of the cut: result[ν] = Σ_{ν'∈l} Cov(K̄_ν, K̄_ν') w_ν'. */
export function operatorTimes<T>(A: Arith<T>, spec: NetworkSpec, cm: ConditionalMeans<T>, cut: readonly number[], w: readonly (readonly T[])[]): Map<number, T[]> {
  const u = centredOutput(A, spec, cm, cut, w);
  return new Map(cut.map((nu) => [nu, covWith(A, spec, cm, nu, u)]));
}

/** w_lᵀ OP_l w_l = E‖u‖² (claim C5: equals tr V[f̄] when C1 holds). */
export function operatorQuadratic<T>(A: Arith<T>, spec: NetworkSpec, cm: ConditionalMeans<T>, cut: readonly number[], w: readonly (readonly T[])[]): T {
  const u = centredOutput(A, spec, cm, cut, w);
  let s = A.zero;
  u.forEach((ui, i) => ui.forEach((v) => (s = A.add(s, A.mul(cm.p[i]!, A.mul(v, v))))));
  return s;
}

/** Cov(K̄_ν, f̄) (flat, rows of W_ν). */
export function crossCovariance<T>(A: Arith<T>, spec: NetworkSpec, cm: ConditionalMeans<T>, block: number): T[] {
  const mean = expectation(A, cm.p, cm.fbar);
  const centred = cm.fbar.map((f) => f.map((v, k) => A.sub(v, mean[k]!)));
  return covWith(A, spec, cm, block, centred);
}

/** tr V_{x_0}[f̄] = E‖f̄ − Ef̄‖². */
export function outputVarianceTrace<T>(A: Arith<T>, cm: ConditionalMeans<T>): T {
  const mean = expectation(A, cm.p, cm.fbar);
  let s = A.zero;
  cm.fbar.forEach((f, i) => f.forEach((v, k) => {
    const d = A.sub(v, mean[k]!);
    s = A.add(s, A.mul(cm.p[i]!, A.mul(d, d)));
  }));
  return s;
}

/** The explicit d×d matrix OP_l (d = Σ_{ν∈l} out·in), for small cuts only (PSD and rank checks). */
export function operatorMatrix<T>(A: Arith<T>, spec: NetworkSpec, cm: ConditionalMeans<T>, cut: readonly number[]): T[][] {
  const nOut = spec.arch.nOut;
  const stacked = cm.p.map(() => [] as T[]);
  for (const nu of cut) centredK(A, cm, nu).forEach((K, i) => stacked[i]!.push(...K));
  const d = stacked[0]!.length / nOut;
  const M = Array.from({ length: d }, () => new Array<T>(d).fill(A.zero));
  stacked.forEach((K, i) => {
    for (let a = 0; a < d; a++) {
      for (let b = a; b < d; b++) {
        let s = A.zero;
        for (let k = 0; k < nOut; k++) s = A.add(s, A.mul(K[a * nOut + k]!, K[b * nOut + k]!));
        const v = A.add(M[a]![b]!, A.mul(cm.p[i]!, s));
        M[a]![b] = v;
        M[b]![a] = v;
      }
    }
  });
  return M;
}
