/**
 * Generator statistics (issue 12): the float generators reach what the claims quantify over, and
 * the float checks exercise their tolerances. Each bound is stated here and measured at a fixed
 * seed (scripts/generator-stats.ts prints the numbers; before issue 12: 8% of float weights
 * nonzero, 45% all-zero networks, τ within 1% of 1 in 91% of draws, root prior within 1e-6 of an
 * edge in 98% of draws, C1/float64/cut error 0 in 150/150, C3/float64/op-form 52/60, E[∇L_simp] nonzero
 * in 60% of C3 float cases, float32 σ saturated in the engine cases only by chance).
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbLogUniform, arbSignedMagnitude, arbTau, arbUniform } from '../properties/generators/reals.js';
import { arbNetwork, arbValue } from '../properties/generators/network.js';
import { magnitude } from '../src/network/magnitude.js';
import { parseActivation } from '../src/network/activation.js';
import { FINITE_DIFFERENCE_CHAIN } from '../src/numeric/tolerance.js';
import { arbPolarity, arbRootPrior } from '../properties/generators/tree.js';
import { CHECKS } from '../properties/registry.js';
import type { PropertyCheck } from '../src/runner/check.js';
import { deriveSeed } from '../src/numeric/random.js';
import type { Model } from '../properties/generators/model.js';
import { sigmoidArgument, SATURATING_SHARE, type EngineCase } from '../properties/claims/C2/engines/cases.js';
import { expectedGradientNonzero } from './support/expectedGradient.js';
import { nonHomogeneousActs, nonHomogeneousBlocks } from './support/activationSplit.js';
import type { EulerCase } from '../properties/claims/C1/generators.js';

const SEED = 42;
const share = <T>(xs: readonly T[], p: (x: T) => boolean) => xs.filter(p).length / xs.length;

describe('shared real generators', () => {
  it('float weights: ≥ 80% nonzero, zeros a minority (5–15%), every decade of |w| in [1e-3, 1) ≥ 15%', () => {
    const w = fc.sample(arbValue('float'), { seed: SEED, numRuns: 4000 });
    expect(share(w, (x) => x !== 0)).toBeGreaterThanOrEqual(0.8);
    expect(share(w, (x) => x === 0)).toBeGreaterThan(0.05);
    expect(share(w, (x) => x === 0)).toBeLessThan(0.15);
    const nz = w.filter((x) => x !== 0);
    for (const d of [-3, -2, -1]) expect(share(nz, (x) => Math.abs(x) >= 10 ** d && Math.abs(x) < 10 ** (d + 1)), `decade 1e${d}`).toBeGreaterThanOrEqual(0.15);
    expect(share(nz, (x) => x < 0)).toBeGreaterThan(0.4);
    expect(share(nz, (x) => x > 0)).toBeGreaterThan(0.4);
    expect(nz.every((x) => Math.abs(x) <= 2)).toBe(true);
  });

  it("the networks drawn keep a gradient's chain within the finite-difference table's n = 4096 (numeric/tolerance.ts)", () => {
    // The largest of every constraint a claim uses (defaults: depth ≤ 3, ≤ 3 children, 3 units, 3 outputs;
    // MLPs ≤ 4 inputs, 2 layers), with biases, normalisation and GELU (the longest ψ′ chain), and ≤ 64
    // samples: gradientOps + S + 8 is what FINITE_DIFFERENCE_CHAIN.gradient must bound.
    const nets = fc.sample(arbNetwork({ bias: true, normalize: true, activation: parseActivation('gelu') }), { seed: SEED, numRuns: 200 });
    const chain = Math.max(...nets.map((n) => magnitude(n.spec, n.params, new Array<number>(n.spec.arch.nInputs).fill(1)).gradientOps)) + 64 + 8;
    expect(chain).toBeGreaterThan(50);
    expect(chain).toBeLessThanOrEqual(FINITE_DIFFERENCE_CHAIN.gradient);
  });

  it('float networks: fewer than 2% have all weights zero', () => {
    const nets = fc.sample(arbNetwork({ values: 'float' }), { seed: SEED, numRuns: 400 });
    expect(share(nets, (n) => n.params.W.every((b) => b.every((x) => x === 0)))).toBeLessThan(0.02);
  });

  it('τ log-uniform over [1e-2, 1e2]: every decade gets ≥ 10% of draws', () => {
    const t = fc.sample(arbTau(), { seed: SEED, numRuns: 4000 });
    expect(t.every((x) => x >= 1e-2 && x <= 1e2)).toBe(true);
    for (const d of [-2, -1, 0, 1]) expect(share(t, (x) => x >= 10 ** d && x < 10 ** (d + 1)), `decade 1e${d}`).toBeGreaterThanOrEqual(0.1);
  });

  it('uniform reals spread over their range (each fifth of [0, 20] gets ≥ 12%)', () => {
    const r = fc.sample(arbUniform({ min: 0, max: 20 }), { seed: SEED, numRuns: 4000 });
    for (let i = 0; i < 5; i++) expect(share(r, (x) => x >= 4 * i && x < 4 * (i + 1))).toBeGreaterThanOrEqual(0.12);
  });

  it('priors and polarities: interior as well as edges', () => {
    const p = fc.sample(arbRootPrior('any'), { seed: SEED, numRuns: 4000 });
    expect(p.every((x) => x > 0 && x < 1)).toBe(true);
    expect(share(p, (x) => x > 0.01 && x < 0.99)).toBeGreaterThanOrEqual(0.6);
    expect(share(p, (x) => x < 0.01 || x > 0.99)).toBeGreaterThanOrEqual(0.1);
    const rho = fc.sample(arbPolarity({ kind: 'any' }), { seed: SEED, numRuns: 4000 });
    expect(share(rho, (x) => Math.abs(x) > 0.01 && Math.abs(x) < 0.99)).toBeGreaterThanOrEqual(0.9);
  });

  it('shrinking goes to simple values: uniform → shrinkTo, log-uniform → 1, signed magnitude → 1', () => {
    const smallest = <T>(a: fc.Arbitrary<T>, bad: (x: T) => boolean): T => {
      const d = fc.check(fc.property(a, (x) => !bad(x)), { seed: SEED, numRuns: 200 });
      return d.counterexample![0];
    };
    expect(smallest(arbUniform({ min: -1, max: 1, shrinkTo: 0 }), () => true)).toBe(0);
    expect(smallest(arbLogUniform({ min: 1e-2, max: 1e2 }), () => true)).toBe(1);
    expect(smallest(arbSignedMagnitude(), (x) => x !== 0)).toBe(1);
    expect(smallest(arbRootPrior('any'), () => true)).toBe(0.5);
  });
});

/** The fraction of a check's CI cases (its own arbitrary, its own seed) whose measured error is exactly 0. */
function zeroErrorShare(id: string): number {
  const check = CHECKS.find((c) => c.id === id) as PropertyCheck<unknown> | undefined;
  if (!check) throw new Error(`no check ${id}`);
  const cases = fc.sample(check.arbitrary('ci'), { seed: deriveSeed(SEED, id), numRuns: check.runs.ci });
  return share(cases, (v) => check.measure(v).error === 0);
}

describe('float checks exercise their tolerances', () => {
  // Nonzero error ⇔ the two sides differ by rounding, so the derived tolerance is what decides.
  it('C2/float64 connection-form and batch-any-loss: error nonzero in ≥ 50% of cases', () => {
    expect(zeroErrorShare('C2/float64/connection-form')).toBeLessThanOrEqual(0.5);
    expect(zeroErrorShare('C2/float64/batch-any-loss')).toBeLessThanOrEqual(0.5);
  });

  // Error exactly 0 at seed 42: op-form 7/60, cross-cov-form 1/60 (before issue 12: 52/60, 42/60).
  // The nonzero expected gradient (≥ 90%) is asserted below.
  it('C3/float64 op-form and cross-cov-form: error nonzero in ≥ 50% of cases', () => {
    expect(zeroErrorShare('C3/float64/op-form')).toBeLessThanOrEqual(0.5);
    expect(zeroErrorShare('C3/float64/cross-cov-form')).toBeLessThanOrEqual(0.5);
  });

  it('C6/float64 balance-nce-plugin and stated-weights: error nonzero in ≥ 30% of cases', () => {
    expect(zeroErrorShare('C6/float64/balance-nce-plugin')).toBeLessThanOrEqual(0.7);
    expect(zeroErrorShare('C6/float64/stated-weights')).toBeLessThanOrEqual(0.7);
  });
});

/** A check's CI cases (its own arbitrary) at seeds 42 and 1..4 (300 cases for a check of 60). */
function casesOf<T>(id: string): T[] {
  const check = CHECKS.find((c) => c.id === id) as PropertyCheck<T> | undefined;
  if (!check) throw new Error(`no check ${id}`);
  return [SEED, 1, 2, 3, 4].flatMap((s) => fc.sample(check.arbitrary('ci'), { seed: deriveSeed(s, id), numRuns: check.runs.ci }));
}

describe('the float checks reach what their claims quantify over', () => {
  // Measured (5 seeds): op-form 281/300, cross-cov-form 287/300 (before: 60%; 'none-shared', whose
  // E[∇L] is 0 by construction, was 1 in 4 draws, now 1 in 50; polarities and priors interior).
  it('C3/float64 op-form and cross-cov-form: E[∇L_simp] nonzero in ≥ 90% of cases', () => {
    for (const id of ['C3/float64/op-form', 'C3/float64/cross-cov-form']) expect(share(casesOf<Model>(id), expectedGradientNonzero), id).toBeGreaterThanOrEqual(0.9);
  });

  // A quarter of the engine cases are built to saturate σ (properties/claims/C2/engines/cases.ts);
  // measured ≈ 20% reach u ≥ 17.3 (dead outputs and n ≈ p keep τ = 0.01). This is what catches the
  // shipped tf.sigmoid cancellation (scripts/sigmoid-mutant.sh: 20/20 seeds).
  it('C2/float32 engine checks: float32 σ(u) saturated (u = (n − p)/τ ≥ 17.3) in ≥ 10% of cases', () => {
    expect(SATURATING_SHARE).toBe(0.25);
    for (const id of ['C2/float32/tfjs-autograd', 'C2/float32/tfjs-level-autograd', 'C2/float32/f32-kernels']) {
      expect(share(casesOf<EngineCase>(id), (c) => (sigmoidArgument(c) ?? 0) >= 17.3), id).toBeGreaterThanOrEqual(0.1);
    }
  });

  // At a cut below the output layer with inputs in [−1, 1] the two sides are different sums of
  // products (at the output cut they are the same products: error 0 in 150/150 before). Measured at
  // seed 42: cut 99/150, bias-below-cut 82/150 nonzero; the rest: dead ReLU outputs, one-term sums.
  it('C1/float64 cut and bias-below-cut: error nonzero in most (> 50%) cases, so the tolerance decides', () => {
    expect(zeroErrorShare('C1/float64/cut')).toBeLessThan(0.5);
    expect(zeroErrorShare('C1/float64/bias-below-cut')).toBeLessThan(0.5);
  });

  // Per-block activations (src/network: NetworkSpec.activations): tanh on exactly the hidden blocks
  // strictly below a cut that has blocks below it, relu|leaky|linear at and above (before: tanh
  // everywhere, checked at the output cut, error 0 in 150/150). Measured at seed 42: a tanh unit with
  // g ≠ 0 in 149/150, error nonzero in 83/150 (seeds 42, 1–4: 449/750); the expected-fail sibling
  // (tanh at and above the cut) violates the identity in 104/150 (530/750).
  it('C1/float64/tanh-below-cut: tanh only below the cut, acting (g ≠ 0) in ≥ 90%, error nonzero in most (> 50%) cases', () => {
    const cases = casesOf<EulerCase>('C1/float64/tanh-below-cut');
    expect(cases.every((c) => nonHomogeneousBlocks(c).below.length > 0 && nonHomogeneousBlocks(c).atOrAbove.length === 0)).toBe(true);
    expect(share(cases, nonHomogeneousActs)).toBeGreaterThanOrEqual(0.9);
    expect(zeroErrorShare('C1/float64/tanh-below-cut')).toBeLessThan(0.5);
    const sibling = casesOf<EulerCase>('C1/float64/tanh-at-or-above-cut');
    expect(sibling.every((c) => nonHomogeneousBlocks(c).atOrAbove.length > 0 && nonHomogeneousBlocks(c).below.length === 0)).toBe(true);
    const check = CHECKS.find((c) => c.id === 'C1/float64/tanh-at-or-above-cut') as PropertyCheck<EulerCase>;
    expect(share(sibling, (c) => !check.measure(c).ok)).toBeGreaterThan(0.5);
  });
});
