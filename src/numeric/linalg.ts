/**
 * Small dense linear algebra in any arithmetic (exact in rationals): rank and a positive
 * semidefiniteness test, for the explicit covariance operator of claims C4 and C10.
 */
import type { Arith } from './arith.js';

/** Rank by Gaussian elimination with pivoting on the first non-zero entry (exact in rationals). */
export function rank<T>(A: Arith<T>, M: readonly (readonly T[])[]): number {
  const m = M.map((r) => [...r]);
  const rows = m.length;
  const cols = rows ? m[0]!.length : 0;
  let r = 0;
  for (let c = 0; c < cols && r < rows; c++) {
    const p = m.findIndex((row, i) => i >= r && A.sign(row[c]!) !== 0);
    if (p < 0) continue;
    [m[r], m[p]] = [m[p]!, m[r]!];
    const piv = m[r]![c]!;
    for (let i = r + 1; i < rows; i++) {
      const f = A.div(m[i]![c]!, piv);
      if (A.sign(f) === 0) continue;
      for (let j = c; j < cols; j++) m[i]![j] = A.sub(m[i]![j]!, A.mul(f, m[r]![j]!));
    }
    r++;
  }
  return r;
}

/**
 * PSD test of a symmetric matrix by symmetric Gaussian elimination (LDLᵀ with diagonal pivots):
 * S ⪰ 0 iff every pivot is ≥ 0 and a zero pivot's row is zero. Returns the first violation.
 */
export function positiveSemidefinite<T>(A: Arith<T>, S: readonly (readonly T[])[]): { psd: boolean; witness?: string } {
  const m = S.map((r) => [...r]);
  const n = m.length;
  const alive = new Array<boolean>(n).fill(true);
  for (let step = 0; step < n; step++) {
    // Pick the remaining index with the largest diagonal (any positive one would do in exact arithmetic).
    let k = -1;
    for (let i = 0; i < n; i++) if (alive[i] && (k < 0 || A.sign(A.sub(m[i]![i]!, m[k]![k]!)) > 0)) k = i;
    const d = m[k]![k]!;
    if (A.sign(d) < 0) return { psd: false, witness: `negative pivot ${A.toNumber(d)} at index ${k}` };
    if (A.sign(d) === 0) {
      for (let j = 0; j < n; j++) {
        if (alive[j] && A.sign(m[k]![j]!) !== 0) return { psd: false, witness: `zero pivot with non-zero off-diagonal at (${k}, ${j})` };
      }
      alive[k] = false;
      continue;
    }
    alive[k] = false;
    for (let i = 0; i < n; i++) {
      if (!alive[i] || A.sign(m[i]![k]!) === 0) continue;
      const f = A.div(m[i]![k]!, d);
      for (let j = 0; j < n; j++) if (alive[j]) m[i]![j] = A.sub(m[i]![j]!, A.mul(f, m[k]![j]!));
    }
  }
  return { psd: true };
}
