/**
 * Comparing two computations of the same quantity: `===` in rationals, a derived tolerance in
 * float64/float32 (src/numeric/tolerance.ts).
 */
import type { Arith } from '../numeric/arith.js';
import type { Measurement } from '../runner/check.js';
import type { Tolerance } from '../numeric/tolerance.js';

/** Largest |a_i − b_i| as a float64. */
export function maxAbsDiff<T>(A: Arith<T>, a: readonly T[], b: readonly T[]): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(A.toNumber(A.sub(a[i]!, b[i]!))));
  return m;
}

/** Rationals: equal entry by entry (error = the float64 value of the largest difference). */
export function exactEqual<T>(A: Arith<T>, a: readonly T[], b: readonly T[], note?: string): Measurement {
  if (a.length !== b.length) return { ok: false, error: Number.POSITIVE_INFINITY, tolerance: 0, note: `lengths ${a.length} ≠ ${b.length}` };
  const ok = a.every((v, i) => A.eq(v, b[i]!));
  return { ok, error: ok ? 0 : maxAbsDiff(A, a, b), tolerance: 0, derivation: 'rational arithmetic: exact equality', ...(note ? { note } : {}) };
}

/**
 * Rationals: the first entry where a ≠ b as a failed measurement (error |a_i − b_i| as a float64,
 * `note(i)` saying where), or null when a = b entry by entry.
 */
export function firstMismatch<T>(A: Arith<T>, a: readonly T[], b: readonly T[], note: (i: number) => string): Measurement | null {
  const i = a.findIndex((v, r) => !A.eq(v, b[r]!));
  if (i < 0) return null;
  return { ok: false, error: Math.abs(A.toNumber(A.sub(a[i]!, b[i]!))), tolerance: 0, derivation: 'rational arithmetic: exact equality', note: note(i) };
}

/** Floats: max |a_i − b_i| ≤ tol. */
export function withinTolerance(a: readonly number[], b: readonly number[], t: Tolerance, note?: string): Measurement {
  if (a.length !== b.length) return { ok: false, error: Number.POSITIVE_INFINITY, tolerance: t.tol, note: `lengths ${a.length} ≠ ${b.length}` };
  let error = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    error = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(error, d);
  }
  return { ok: error <= t.tol, error, tolerance: t.tol, derivation: t.derivation, ...(note ? { note } : {}) };
}

/** Compares in the arithmetic the check runs in. */
export function compareIn<T>(A: Arith<T>, a: readonly T[], b: readonly T[], t: () => Tolerance, note?: string): Measurement {
  return A.exact ? exactEqual(A, a, b, note) : withinTolerance(a as unknown as number[], b as unknown as number[], t(), note);
}
