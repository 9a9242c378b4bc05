/**
 * One float result against an independent evaluation of the same exact value, within the tolerance
 * table's bound (src/numeric/tolerance.ts, issue 12: it replaces the tests' literal 1e-9…1e-15 and
 * toBeCloseTo digits):
 *
 *     |got − want| ≤ c·n·(ε·scale + η)
 *
 * n: the longer chain of roundings of the two sides (each +, ·, /, √ and each libm call exp, log,
 * sin… counts one: V8's fdlibm functions are within 1 ulp); scale: the sum of the magnitudes of the
 * terms (never the possibly cancelling result; `Math.abs(want)` when no term exceeds the result, as
 * for a product, a quotient or a sum of terms of one sign). A function amplifies the error of its
 * argument by its condition: exp turns the absolute error of its exponent into a relative one, so the
 * exponent's terms join the scale with the weight of that exp (test/mutation-losses.test.ts lseScale),
 * and log turns a relative error into an absolute one. Kind 'identity' (two orders of the same
 * sums of products) unless the caller says 'expectation' (a weighted sum over enumerated
 * configurations). Where both sides perform the same roundings in the same order, a test compares
 * with `toBe` instead: equality is the bound. Against an asymptotic form (σ(−x) ≈ e^{−x}) the caller
 * adds the stated analytic truncation bound (`truncation`, with its reason in `why`).
 *
 * COVCHECK_WITHIN_LOG=FILE appends one line per comparison (test, quantity, |got − want|, tol, tab
 * separated): how much of its bound each comparison uses, as measured for the issue 12 note.
 */
import { appendFileSync } from 'node:fs';
import { expect } from 'vitest';
import { tolerance, type CheckKind, type Precision } from '../../src/numeric/tolerance.js';

export interface Within {
  /** The longer chain of roundings of the two sides. */
  readonly ops: number;
  /** Σ|terms|; default |want|. */
  readonly scale?: number;
  /** Default 'identity'. */
  readonly kind?: CheckKind;
  /** Default 'float64'. */
  readonly precision?: Precision;
  /** Names the quantity in the failure message. */
  readonly what?: string;
  /** An analytic truncation bound added to the rounding bound (an asymptotic form); default 0. */
  readonly truncation?: number;
  /** Why the truncation bound holds (printed with a failure). */
  readonly why?: string;
}

/** The bound c·n·(ε·scale + η) for `want`, with its derivation. */
export function withinBound(want: number, o: Within): { tol: number; derivation: string } {
  return tolerance(o.precision ?? 'float64', o.kind ?? 'identity', o.ops, o.scale ?? Math.abs(want));
}

/** Asserts |got − want| ≤ c·n·(ε·scale + η) (+ truncation); the message prints both values and the derivation. */
export function expectWithin(got: number, want: number, o: Within): void {
  const t = withinBound(want, o);
  const truncation = o.truncation ?? 0;
  const tol = t.tol + truncation;
  const derivation = truncation > 0 ? `${t.derivation} + truncation ${truncation.toExponential(3)} (${o.why ?? 'stated by the caller'})` : t.derivation;
  const what = o.what ?? 'value';
  const log = process.env.COVCHECK_WITHIN_LOG;
  if (log) appendFileSync(log, `${expect.getState().currentTestName}\t${what}\t${Math.abs(got - want)}\t${tol}\n`);
  expect(Number.isFinite(got) && Number.isFinite(want), `${what}: ${got} vs ${want} (not finite)`).toBe(true);
  expect(Math.abs(got - want), `${what}: ${got} vs ${want}; ${derivation}`).toBeLessThanOrEqual(tol);
}
