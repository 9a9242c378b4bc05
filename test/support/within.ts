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
 * for a product, a quotient or a sum of terms of one sign); kind 'identity' (two orders of the same
 * sums of products) unless the caller says 'expectation' (a weighted sum over enumerated
 * configurations). Where both sides perform the same roundings in the same order, a test compares
 * with `toBe` instead: equality is the bound.
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
}

/** The bound c·n·(ε·scale + η) for `want`, with its derivation. */
export function withinBound(want: number, o: Within): { tol: number; derivation: string } {
  return tolerance(o.precision ?? 'float64', o.kind ?? 'identity', o.ops, o.scale ?? Math.abs(want));
}

/** Asserts |got − want| ≤ c·n·(ε·scale + η); the message prints both values and the derivation. */
export function expectWithin(got: number, want: number, o: Within): void {
  const t = withinBound(want, o);
  const what = o.what ?? 'value';
  const log = process.env.COVCHECK_WITHIN_LOG;
  if (log) appendFileSync(log, `${expect.getState().currentTestName}\t${what}\t${Math.abs(got - want)}\t${t.tol}\n`);
  expect(Number.isFinite(got) && Number.isFinite(want), `${what}: ${got} vs ${want} (not finite)`).toBe(true);
  expect(Math.abs(got - want), `${what}: ${got} vs ${want}; ${t.derivation}`).toBeLessThanOrEqual(t.tol);
}
