/**
 * The tolerance table and the finite-difference checker, value by value (issue 12: the mutation
 * score of src/numeric; each assertion pins a formula so that a changed constant or operator fails).
 */
import { describe, expect, it } from 'vitest';
import { EPS32, EPS64, EXACT, F64 } from '../src/numeric/arith.js';
import { leastSquaresSlope, logLogSlope } from '../src/numeric/leastSquares.js';
import { positiveSemidefinite, rank } from '../src/numeric/linalg.js';
import { FINITE_DIFFERENCE, FINITE_DIFFERENCE_CHAIN, MACHINE_EPSILON, TOLERANCE_CONSTANT, tolerance, UNDERFLOW_UNIT } from '../src/numeric/tolerance.js';
import { centralDifference, compareDerivative, richardsonDerivative } from '../src/numeric/finiteDifference.js';
import { expectWithin } from './support/within.js';
import { logSlopeBound } from './support/logSlopeBound.js';

describe('tolerance table', () => {
  it('tol = c·n·ε·scale for every precision and kind', () => {
    for (const p of ['float64', 'float32'] as const) {
      for (const k of ['identity', 'expectation', 'engine', 'finite-difference'] as const) {
        const t = tolerance(p, k, 7, 3);
        expect(t.tol).toBe(TOLERANCE_CONSTANT[p][k] * 7 * (MACHINE_EPSILON[p] * 3 + UNDERFLOW_UNIT[p]));
        expect(t.derivation).toContain(`(${p}, ${k})`);
        expect(t.derivation).toContain(`= ${TOLERANCE_CONSTANT[p][k]}·7·(`);
      }
    }
    expect(MACHINE_EPSILON).toEqual({ float64: EPS64, float32: EPS32 });
    expect(TOLERANCE_CONSTANT.float64).toEqual({ identity: 4, expectation: 8, engine: 4, 'finite-difference': 64 });
    expect(TOLERANCE_CONSTANT.float32).toEqual({ identity: 4, expectation: 8, engine: 8, 'finite-difference': 64 });
  });

  it('n is at least 1 and the scale at least the smallest double', () => {
    const eta = UNDERFLOW_UNIT.float64;
    expect(tolerance('float64', 'identity', 0, 1).tol).toBe(4 * (EPS64 + eta));
    expect(tolerance('float64', 'identity', -3, 1).tol).toBe(4 * (EPS64 + eta));
    expect(tolerance('float64', 'identity', 1, 0).tol).toBe(4 * (EPS64 * Number.MIN_VALUE + eta));
    expect(tolerance('float64', 'identity', 2, 0.5).tol).toBe(4 * 2 * (EPS64 * 0.5 + eta));
    expect(UNDERFLOW_UNIT).toEqual({ float64: 2 ** -1074, float32: 2 ** -126 });
    expect(tolerance('float32', 'engine', 1, 1e-100).tol).toBe(8 * (EPS32 * 1e-100 + 2 ** -126));
  });

  it('finite-difference constants', () => {
    expect(FINITE_DIFFERENCE.truncationFactor).toBe(0.25);
    expect(FINITE_DIFFERENCE.smoothness).toBe(0.01);
    // The compared side's rounding c·n·ε₆₄ (c = 4, n = its longest chain: 4·(255 + 1) and 2·2000 + 64 + 32).
    expect(FINITE_DIFFERENCE_CHAIN).toEqual({ 'loss-weight': 1024, gradient: 4096 });
    expect(FINITE_DIFFERENCE.compared).toEqual({ 'loss-weight': 4 * 1024 * EPS64, gradient: 4 * 4096 * EPS64 });
  });
});

describe('finite-difference checker', () => {
  it('central difference (f(h) − f(−h))/(2h)', () => {
    expect(centralDifference((t) => 3 * t + 1, 0.5)).toBe(3);
    expect(centralDifference((t) => t * t + 2 * t, 0.25)).toBe(2);
    expect(centralDifference((t) => (t > 0 ? 4 * t : 0), 1)).toBe(2);
  });

  it('Richardson: exact on a quartic-free polynomial, truncation from |R₁ − R₂|', () => {
    const f = (t: number) => 1 + 2 * t + 3 * t * t + 5 * t ** 3;
    const d = richardsonDerivative(f, { h: 0.01, value: 1 });
    if (!d.smooth) throw new Error('smooth expected');
    // A cubic's central differences are 2 + 5h² exactly, so R₂ = 2 and R₁ − R₂ = 0 in exact arithmetic:
    // what is left is rounding, within the checker's own rounding term (R₁ and R₂ each within it).
    expect(Math.abs(d.estimate - 2)).toBeLessThanOrEqual(d.rounding);
    expect(d.truncation).toBeLessThanOrEqual(d.rounding / 2);
    expect(d.rounding).toBe((2 * 64 * (EPS64 * 2 + UNDERFLOW_UNIT.float64)) / (0.01 / 4));
    expect(d.derivation).toBe('tol = |R₁ − R₂|/4 (truncation) + 128·ε·(1+|L|)/(h/4) (rounding)');
    const g = (t: number) => Math.exp(t);
    const e = richardsonDerivative(g, { h: 0.1, value: -3 });
    if (!e.smooth) throw new Error('smooth expected');
    const d1 = centralDifference(g, 0.1);
    const d2 = centralDifference(g, 0.05);
    const d4 = centralDifference(g, 0.025);
    expect(e.estimate).toBe((4 * d4 - d2) / 3);
    expect(e.truncation).toBe(Math.abs((4 * d2 - d1) / 3 - (4 * d4 - d2) / 3) / 4);
    expect(e.rounding).toBe((64 * 2 * (EPS64 * 4 + UNDERFLOW_UNIT.float64)) / 0.025);
    expect(Math.abs(e.estimate - 1)).toBeLessThanOrEqual(e.truncation + e.rounding);
  });

  it('not smooth: a kink inside the stencil (off centre) is reported with the three differences', () => {
    const f = (t: number) => Math.abs(t - 0.3);
    const d = richardsonDerivative(f, { h: 1, value: 0.3 });
    expect(d.smooth).toBe(false);
    if (!d.smooth) expect(d.differences).toEqual([centralDifference(f, 1), centralDifference(f, 0.5), centralDifference(f, 0.25)]);
    const g = (t: number) => Math.abs(t - 0.1);
    expect(richardsonDerivative(g, { h: 1, value: 0.1 }).smooth).toBe(false);
  });

  it('compareDerivative: error |R₂ − claimed| against truncation + rounding + the compared allowance', () => {
    const d = { smooth: true as const, estimate: 2, truncation: 0.25, rounding: 0.125, derivation: 'D' };
    const ok = compareDerivative(2.5, d, { source: 'gradient', scale: 1e11, scaleText: 'S' });
    expect(ok.error).toBe(0.5);
    expect(ok.tolerance).toBe(0.25 + 0.125 + 4 * 4096 * EPS64 * 1e11);
    expect(ok.ok).toBe(true);
    expect(ok.derivation).toBe('D + 3.64e-12·S (the compared side: 4·4096·ε)');
    const bad = compareDerivative(2.5, d, { source: 'loss-weight', scale: 1, scaleText: 'S' });
    expect(bad.tolerance).toBe(0.25 + 0.125 + 4 * 1024 * EPS64);
    expect(bad.ok).toBe(false);
    expect(compareDerivative(1.62, d, { source: 'loss-weight', scale: 0, scaleText: 'S' }).ok).toBe(false);
    expect(compareDerivative(1.625, d, { source: 'loss-weight', scale: 0, scaleText: 'S' }).ok).toBe(true);
    expect(compareDerivative(2.375, d, { source: 'loss-weight', scale: 0, scaleText: 'S' }).ok).toBe(true);
    expect(compareDerivative(1.625, { ...d, rounding: 0.125 }, { source: 'gradient', scale: 0, scaleText: 'S' }).error).toBe(0.375);
  });
});

describe('smoothness test: each of its two conditions alone', () => {
  it('a kink seen only by D(h) (at 3h/4), and one seen by D(h), D(h/2) but not D(h/4) (at 3h/8)', () => {
    for (const at of [0.75, 0.375]) {
      const f = (t: number) => Math.abs(t - at);
      expect(richardsonDerivative(f, { h: 1, value: at }).smooth, `kink at ${at}`).toBe(false);
    }
  });
});

describe('least squares', () => {
  it('slope through exact and noisy points; NaN below 2 points', () => {
    expect(leastSquaresSlope([[0, 1], [1, 3], [2, 5]])).toBe(2);
    // Means 2.5 and 1, Σ(x − x̄)(y − ȳ) = −9 and Σ(x − x̄)² = 5 are exact in binary: only −9/5 rounds, once.
    expect(leastSquaresSlope([[1, 4], [2, 1], [3, 1], [4, -2]])).toBe(-9 / 5);
    expect(leastSquaresSlope([[5, 7]])).toBeNaN();
    expect(leastSquaresSlope([])).toBeNaN();
    expect(leastSquaresSlope([[1, 10], [3, 10]])).toBe(0);
  });

  it('log-log slope over the points with x, y > 0 only', () => {
    // The three points with x, y > 0 lie on y = 1/x: ln x = (0, ln 2, 2·fl(ln 2)…): the slope is −1 up to
    // the rounding of the logs and of the sums (logSlopeBound).
    const pts: [number, number][] = [[1, 1], [2, 0.5], [4, 0.25]];
    expectWithin(logLogSlope([...pts, [0, 7], [8, 0], [-1, 3]]), -1, { ...logSlopeBound(pts), what: 'slope' });
    const power: [number, number][] = [1, 2, 4, 8, 16].map((t) => [t, 3 / t]);
    expectWithin(logLogSlope(power), -1, { ...logSlopeBound(power), what: 'slope of 3/t' });
    expectWithin(logLogSlope([[1, 0], [2, 1], [4, 2]]), 1, { ...logSlopeBound([[2, 1], [4, 2]]), what: 'slope through 2 points' });
    expect(logLogSlope([[0, 1], [1, 1]])).toBeNaN();
  });
});

describe('rank and positive semidefiniteness (rationals and floats)', () => {
  const R = (rows: number[][]) => rows.map((r) => r.map((v) => EXACT.from(v)));
  it('rank: full, deficient, wide, tall, a zero first column, a late pivot', () => {
    expect(rank(EXACT, R([[1, 2], [3, 4]]))).toBe(2);
    expect(rank(EXACT, R([[1, 2], [2, 4]]))).toBe(1);
    expect(rank(EXACT, R([[1, 2, 3], [2, 4, 7]]))).toBe(2);
    expect(rank(EXACT, R([[1, 2], [2, 4], [3, 7]]))).toBe(2);
    expect(rank(EXACT, R([[0, 1], [0, 2]]))).toBe(1);
    expect(rank(EXACT, R([[0, 0, 1], [0, 1, 0], [1, 0, 0]]))).toBe(3);
    expect(rank(EXACT, R([[1, 1, 1], [1, 1, 2], [2, 2, 3]]))).toBe(2);
    expect(rank(EXACT, R([[1], [1], [1], [1]]))).toBe(1);
    expect(rank(EXACT, [])).toBe(0);
    expect(rank(F64, [[0, 0], [0, 0]])).toBe(0);
  });

  it('psd: identity, a Gram matrix, indefinite, negative diagonal, zero pivot with a nonzero row', () => {
    expect(positiveSemidefinite(EXACT, R([[1, 0], [0, 1]])).psd).toBe(true);
    expect(positiveSemidefinite(EXACT, R([[2, 1, 0], [1, 2, 1], [0, 1, 2]])).psd).toBe(true);
    expect(positiveSemidefinite(EXACT, R([[1, 1], [1, 1]])).psd).toBe(true);
    expect(positiveSemidefinite(EXACT, R([[1, 2], [2, 1]]))).toEqual({ psd: false, witness: 'negative pivot -3 at index 1' });
    expect(positiveSemidefinite(EXACT, R([[1, 0], [0, -2]]))).toEqual({ psd: false, witness: 'negative pivot -2 at index 1' });
    expect(positiveSemidefinite(EXACT, R([[0, 1], [1, 0]]))).toEqual({ psd: false, witness: 'zero pivot with non-zero off-diagonal at (0, 1)' });
    expect(positiveSemidefinite(EXACT, R([[3, 0, 0], [0, 0, 0], [0, 0, 5]])).psd).toBe(true);
    expect(positiveSemidefinite(EXACT, R([[1, 0, 0], [0, 4, 2], [0, 2, 1]])).psd).toBe(true);
    expect(positiveSemidefinite(EXACT, R([[1, 0, 0], [0, 4, 2], [0, 2, 0.5]])).psd).toBe(false);
    expect(positiveSemidefinite(EXACT, R([[5, 2], [2, 1]])).psd).toBe(true);
    expect(positiveSemidefinite(EXACT, R([[1, 2], [2, 5]])).psd).toBe(true);
  });
});
