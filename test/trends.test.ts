/**
 * Issue 8 §1, no false reds: a trend, ratio or slope check handles a zero or negligible quantity
 * explicitly and says so. A decoupled InfoNCE (positive left out of the denominator) reduces to
 * L_simp at H = 1: its residue is 0 at every τ and q, so it meets C7's trends trivially (THEORY.md C7).
 */
import { describe, expect, it } from 'vitest';
import { pluginFamily } from '../src/losses/plugin/index.js';
import type { CheckResult, CustomCheck } from '../src/runner/check.js';
import { powerFit } from '../properties/claims/trendCheck.js';
import { tauTrendCheckFor } from '../properties/claims/C7/tauTrend.js';
import { augmentationTrendCheck } from '../properties/claims/C7/augmentationTrend.js';
import { checks as c7Checks } from '../properties/claims/C7/checks.js';
import { deriveSeed } from '../src/numeric/random.js';
import { parseLoss } from '../src/losses/index.js';
import { PROBABLE_LAMBDA, probableTolerance, tolerance } from '../src/numeric/tolerance.js';
import { ratioAt } from '../properties/claims/C7/models.js';
import dcl from './fixtures/plugins/decoupledNce.js';
import { expectWithin } from './support/within.js';
import { logSlopeBound } from './support/logSlopeBound.js';

const family = pluginFamily(dcl as never, './test/fixtures/plugins/decoupledNce.ts');
const run = (c: CustomCheck) => c.run({ seed: 42, scale: 'ci' } as never) as Promise<Omit<CheckResult, 'ms'>>;

describe('powerFit: zero and non-finite values are named, never fitted', () => {
  it('all negligible: zero', () => expect(powerFit([[1, 1e-17], [2, 0], [4, 3e-16]], { expected: -1, negligible: 1e-9 })).toEqual({ kind: 'zero', max: 3e-16, level: 1e-9 }));
  it('a level per point: the same value is 0 under a level above it and not under one below it', () => {
    expect(powerFit([[1, 1e-12], [2, 0.5e-12]], { expected: -1, negligible: [1e-10, 1e-11] })).toEqual({ kind: 'zero', max: 1e-12, level: 1e-10 });
    expect(powerFit([[1, 1e-12], [2, 0.5e-12]], { expected: -1, negligible: [1e-10, 1e-14] })).toMatchObject({ kind: 'partial', zeroAt: [1], level: 1e-10 });
    expect(powerFit([[1, 1e-12], [2, 0.5e-12]], { expected: -1, negligible: [1e-14, 1e-14] }).kind).toBe('fit');
    expect(() => powerFit([[1, 1]], { expected: -1, negligible: [1, 2] })).toThrow(/2 negligible levels for 1 points/);
  });
  it('some negligible: partial', () => expect(powerFit([[1, 1], [2, 0.5], [4, 0]], { expected: -1, negligible: 1e-9 })).toMatchObject({ kind: 'partial', zeroAt: [4] }));
  it('a zero denominator: undefined', () => expect(powerFit([[1, 1], [2, Infinity]], { expected: -1, negligible: 1e-9 })).toMatchObject({ kind: 'undefined', at: [2] }));
  it('1/τ: slope −1, bound 1', () => {
    const pts: [number, number][] = [[1, 1], [2, 0.5], [4, 0.25]];
    const f = powerFit(pts, { expected: -1, negligible: 1e-9 });
    expect(f.kind).toBe('fit');
    if (f.kind === 'fit') {
      expectWithin(f.slope, -1, { ...logSlopeBound(pts), what: 'slope' });
      expect(f.bound).toBe(1); // y·x = 1 exactly at each point (powers of 2)
    }
  });
});

describe('C7 trends: a decoupled InfoNCE (residue 0 at every τ) passes and says why', () => {
  it('tau-trend for --loss decoupledNce.ts', async () => {
    const c = tauTrendCheckFor({ family });
    expect(c).not.toBeNull();
    const r = await run(c!);
    expect(r.verdict).toBe('pass');
    expect(r.message).toMatch(/met trivially \(0 at every point\)/);
  }, 60_000);
  it('augmentation-trend for the same loss', async () => {
    const r = await run(augmentationTrendCheck([{ u: { family }, H: 1, label: 'dcl' }], { id: 'C7/enumeration/augmentation-trend[dcl]', variant: 'dcl' }));
    expect(r.verdict).toBe('pass');
    expect(r.message).toMatch(/met trivially/);
  }, 60_000);
});

describe("C7 trends: a point's 0 level (models.ts negligibleRatio) lies between rounding and residue", () => {
  // The probable rounding of θ relative to ‖OP^ξ w‖ (src/numeric/tolerance.ts probableTolerance). It
  // must sit above what is 0 in exact arithmetic (identity augmentation: θ = 0) and far below the
  // smallest residue a trend fits (flip q = 2^-16, and τ = 4096 with H = 2, where the worst-case
  // bound c·n·ε·scale came within 1.5× of it over seeds 1–30). Seeds 1–6 here; the measurement over
  // seeds 1–30 is in the issue note.
  const nce = (tau: number) => parseLoss({ name: 'nce', tau });
  it.each([1, 2, 3, 4, 5, 6])('model %i', (seed) => {
    const zero = ratioAt(seed, { base: { kind: 'identity' }, flip: 0 }, nce(0.5), 1);
    expect(zero.ratio).toBeLessThanOrEqual(zero.negligible);
    const flip = ratioAt(seed, { base: { kind: 'identity' }, flip: 2 ** -16 }, nce(0.5), 1);
    expect(flip.ratio).toBeGreaterThan(10 * flip.negligible);
    const tau = ratioAt(seed, { base: { kind: 'root' }, flip: 0 }, nce(4096), 2);
    expect(tau.ratio).toBeGreaterThan(10 * tau.negligible);
    // √65536 = 256, λ = 8: both sides are c·(ε + η) times powers of 2, so equal exactly.
    expect(probableTolerance('float64', 'expectation', 65536, 1).tol).toBe((tolerance('float64', 'expectation', 65536, 1).tol * PROBABLE_LAMBDA) / 256);
  });
});

describe('C7 augmentation trend: fitted where ratio ~ q holds (q ≤ 2^-12)', () => {
  // With the fit over q ≤ 2^-5 these models' flip slopes were 0.877, 0.851, 0.847 (nce τ 0.5): the
  // O(q²) term of ratio(q) = c·q·(1 + (d/c)·q) with |d/c| ≈ 20–27 was not yet negligible.
  it.each([73, 76, 99])('verify --seed %i passes', async (seed) => {
    const c = c7Checks.find((k) => k.id === 'C7/enumeration/augmentation-trend') as CustomCheck;
    const r = await (c.run({ seed: deriveSeed(seed, c.id), baseSeed: seed, scale: 'ci' }) as Promise<Omit<CheckResult, 'ms'>>);
    expect(r.verdict, r.message).toBe('pass');
    expect(Math.abs(Number(r.statistic?.['nce τ=0.5: flip slope']) - 1)).toBeLessThan(0.01);
  }, 60_000);
});
