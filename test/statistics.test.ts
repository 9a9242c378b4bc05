/**
 * The statistical machinery of C11/C12 (src/stats) on synthetic data with known answers: true
 * effects are detected with the computed power, nulls are not (rates at the stated α over many
 * simulated repetitions), underpowered runs are inconclusive, pairing by seed, sequential designs,
 * the α budget, and the C11/C12 checks themselves over a synthetic training function.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/numeric/random.js';
import {
  combineAll,
  directionalTest,
  equivalenceTest,
  minimumDetectableEffect,
  noncentralTCdf,
  pairedDifferences,
  powerEquivalence,
  powerOneSided,
  sampleSizeOneSided,
  summarize,
  type Decision,
  bonferroni,
  c11Alpha,
  c12Alpha,
  CLAIM_ALPHA,
  splitAlpha,
  TRAINING_CLAIMS_ALPHA,
  makeDesign,
  runSequential,
  describe as describeTest,
  worstOf,
} from '../src/stats/index.js';
import { makeC11Checks } from '../properties/claims/C11.js';
import { FULL_SCALE_ONLY, makeC12Checks } from '../properties/claims/C12.js';
import { cacheOf } from '../src/sweep/provider.js';
import { syntheticTrainFn } from '../src/sweep/synthetic.js';
import { pooledGain } from '../src/sweep/gains.js';
import { RunCache } from '../src/sweep/runCache.js';
import type { TrainSetting } from '../src/sweep/trainFn.js';
import { runCheck } from '../src/runner/run.js';
import { expectWithin } from './support/within.js';

const sample = (rng: Rng, n: number, mean: number, sd: number) => Array.from({ length: n }, () => mean + sd * rng.normal());

/** Fractions of pass/fail/inconclusive over `reps` simulated data sets. */
function rates(reps: number, draw: () => number[], decide: (xs: number[]) => Decision) {
  const c = { pass: 0, fail: 0, inconclusive: 0 };
  for (let i = 0; i < reps; i++) c[decide(draw())]++;
  return { pass: c.pass / reps, fail: c.fail / reps, inconclusive: c.inconclusive / reps };
}

/** A binomial rate's upper tolerance: p + 4 standard errors (the check fails by chance with prob ~3e-5). */
const upTo = (p: number, reps: number) => p + 4 * Math.sqrt((p * (1 - p)) / reps);

describe('directional test', () => {
  it('detects a true effect with the computed power (simulation agrees with the noncentral t)', () => {
    const rng = new Rng(11).fork();
    const n = 10, alpha = 0.05, effect = 0.6, sd = 1, reps = 3000;
    const power = powerOneSided(n, alpha, effect, sd);
    expect(power).toBeGreaterThan(0.5);
    expect(power).toBeLessThan(0.9);
    const r = rates(reps, () => sample(rng, n, effect, sd), (xs) => directionalTest(xs, { alpha, diagnostics: false }).decision);
    const se = Math.sqrt((power * (1 - power)) / reps);
    expect(Math.abs(r.pass - power)).toBeLessThan(4 * se);
    expect(r.fail).toBe(0);
  });

  it('does not pass a null (E X = 0) more often than α, and fails a true claim at most α', () => {
    const rng = new Rng(12).fork();
    const alpha = 0.05, reps = 4000;
    const nul = rates(reps, () => sample(rng, 8, 0, 1), (xs) => directionalTest(xs, { alpha, diagnostics: false }).decision);
    expect(nul.pass).toBeLessThan(upTo(alpha, reps));
    expect(nul.pass).toBeGreaterThan(alpha - 4 * Math.sqrt((alpha * (1 - alpha)) / reps)); // exact size at the boundary
    const tru = rates(reps, () => sample(rng, 8, 0.05, 1), (xs) => directionalTest(xs, { alpha, diagnostics: false }).decision);
    expect(tru.fail).toBeLessThan(upTo(alpha, reps));
  });

  it('is inconclusive (never pass, never fail) when underpowered', () => {
    const rng = new Rng(13).fork();
    const r = rates(500, () => sample(rng, 4, 0.05, 1), (xs) => directionalTest(xs, { alpha: 1e-3, diagnostics: false }).decision);
    expect(r.inconclusive).toBeGreaterThan(0.97);
    expect(r.fail).toBeLessThan(0.01);
    const one = directionalTest([0.1, -0.2, 0.3, 0.05], { alpha: 1e-3, planned: { effect: 0.05, sd: 1 } });
    expect(one.decision).toBe('inconclusive');
    expect(one.power).toBeLessThan(0.01);
    expect(one.nNeeded).toBeGreaterThan(4);
    expect(describeTest('x', one)).toMatch(/inconclusive/);
    expect(directionalTest([1], { alpha: 0.01 }).decision).toBe('inconclusive');
  });

  it("handles 'less', thresholds and zero variance", () => {
    expect(directionalTest([-1, -1.1, -0.9, -1.05], { alpha: 0.01, direction: 'less' }).decision).toBe('pass');
    expect(directionalTest([-1, -1.1, -0.9, -1.05], { alpha: 0.01 }).decision).toBe('fail');
    expect(directionalTest([1, 1.1, 0.9, 1.05], { alpha: 0.01, threshold: 2 }).decision).toBe('fail');
    expect(directionalTest([2, 2, 2], { alpha: 0.01 }).decision).toBe('pass');
    expect(directionalTest([0, 0, 0], { alpha: 0.01 }).decision).toBe('inconclusive');
  });

  it('power, minimum detectable effect and sample size agree', () => {
    const alpha = 2.5e-4, sd = 0.017;
    const n = sampleSizeOneSided(alpha, 0.05, sd, 0.8);
    expect(powerOneSided(n, alpha, 0.05, sd)).toBeGreaterThanOrEqual(0.8);
    expect(powerOneSided(n - 1, alpha, 0.05, sd)).toBeLessThan(0.8);
    const mde = minimumDetectableEffect(10, alpha, sd, 0.8);
    // The bisection's own statement: the power reaches 0.8 at the effect returned and not 1e-9 below it.
    expect(powerOneSided(10, alpha, mde, sd)).toBeGreaterThanOrEqual(0.8);
    expect(powerOneSided(10, alpha, mde * (1 - 1e-9), sd)).toBeLessThan(0.8);
    expect(sampleSizeOneSided(alpha, 0, sd)).toBe(Number.POSITIVE_INFINITY);
    // the noncentral t cdf: reflection for negative t and the central case
    expect(noncentralTCdf(-1.3, 9, -0.7)).toBe(1 - noncentralTCdf(1.3, 9, 0.7));
    expect(noncentralTCdf(0.4, 5, 0)).toBeGreaterThan(0.5);
  });
});

describe('equivalence test (TOST)', () => {
  it('passes inside the margin, fails beyond it, is inconclusive when the interval is too wide', () => {
    const rng = new Rng(21).fork();
    expect(equivalenceTest(sample(rng, 10, 0, 0.002), { alpha: 0.01, margin: 0.01 }).decision).toBe('pass');
    expect(equivalenceTest(sample(rng, 10, 0.03, 0.002), { alpha: 0.01, margin: 0.01 }).decision).toBe('fail');
    expect(equivalenceTest(sample(rng, 10, -0.03, 0.002), { alpha: 0.01, margin: 0.01 }).decision).toBe('fail');
    const wide = equivalenceTest(sample(rng, 10, 0, 0.05), { alpha: 0.01, margin: 0.01 });
    expect(wide.decision).toBe('inconclusive');
    expect(wide.nNeeded).toBeGreaterThan(10);
    expect(wide.powerAtCenter).toBeLessThan(0.2);
  });

  it('never passes a wide interval: false-pass rate at the margin ≤ α', () => {
    const rng = new Rng(22).fork();
    const alpha = 0.05, reps = 4000;
    const r = rates(reps, () => sample(rng, 12, 0.01, 0.01), (xs) => equivalenceTest(xs, { alpha, margin: 0.01, diagnostics: false }).decision);
    expect(r.pass).toBeLessThan(upTo(alpha, reps));
    const inside = rates(reps, () => sample(rng, 12, 0, 0.004), (xs) => equivalenceTest(xs, { alpha, margin: 0.01, diagnostics: false }).decision);
    expect(inside.fail).toBeLessThan(upTo(alpha, reps));
    // the power bound is a lower bound of the simulated pass rate
    expect(inside.pass).toBeGreaterThanOrEqual(powerEquivalence(12, alpha, 0.01, 0.004) - 0.03);
  });
});

describe('pairing by seed', () => {
  it('removes the shared per-seed variation', () => {
    const rng = new Rng(31).fork();
    const seeds = Array.from({ length: 8 }, (_, i) => i + 1);
    const shared = seeds.map(() => 0.2 * rng.normal());
    const a = new Map(seeds.map((s, i) => [s, shared[i]! + 0.03 + 0.005 * rng.normal()]));
    const b = new Map(seeds.map((s, i) => [s, shared[i]! + 0.005 * rng.normal()]));
    const { diffs } = pairedDifferences(a, b);
    expect(directionalTest(diffs, { alpha: 1e-3 }).decision).toBe('pass');
    // unpaired, the per-seed variation hides the effect
    const unpaired = [...a.values()].map((v, i) => v - [...b.values()][(i + 3) % 8]!);
    expect(directionalTest(unpaired, { alpha: 1e-3 }).decision).toBe('inconclusive');
  });

  it('refuses incomplete pairs', () => {
    expect(() => pairedDifferences(new Map([[1, 0], [2, 0]]), new Map([[1, 0]]))).toThrow(/seeds not in both/);
  });

  it('the claims pair their settings: same seeds, and shared per-seed effects cancel', async () => {
    const train = syntheticTrainFn({ seedSd: 0.3, noise: 0.001 });
    const cache = new RunCache(train);
    const base: TrainSetting = { depth: 4, children: 2, hid: 10, deltaLower: 0.8, deltaUpper: 1, loss: 'official_nce', tau: 0.1, H: 1, augmentation: 'root', steps: 200, batch: 128, lr: 0.1, evalSamples: 8000, preset: 'readme' };
    const r1 = await cache.runMany(base, [5, 6, 7]);
    const r2 = await cache.runMany({ ...base, augmentation: 'none-shared' }, [5, 6, 7]);
    expect(r1.map((r) => r.seed)).toEqual(r2.map((r) => r.seed));
    expect(Math.abs(r1[0]!.init[0]! - r2[0]!.init[0]!)).toBeLessThan(0.01); // shared seed effect (sd 0.3) cancels
    await cache.runMany(base, [5, 6, 7]);
    expect(train.calls).toBe(6); // memoised
    expect(pooledGain(r1[0]!)).toBeGreaterThan(0);
  });
});

describe('sequential designs and the α budget', () => {
  it('splits α exactly', () => {
    const s = splitAlpha(1e-3, ['a', 'b', 'c', 'd']);
    // Parts total·w/Σw (a product and a quotient each) summed: 2 + 3 roundings on numbers ≤ 1e-3.
    // Division by 4 or 2 is exact in binary, so those parts equal their decimal literals exactly.
    expectWithin(Object.values(s).reduce((x, y) => x + y, 0), 1e-3, { ops: 5, what: 'Σ split α' });
    expect(c11Alpha('a')).toBe(2.5e-4);
    expectWithin(c12Alpha('b-init'), 2e-4, { ops: 2, what: 'α of C12 (b) init' });
    expect(CLAIM_ALPHA.C11 + CLAIM_ALPHA.C12).toBe(TRAINING_CLAIMS_ALPHA);
    expect(bonferroni(1e-3, 4)).toBe(2.5e-4);
    const d = makeDesign([6, 10], 1e-3);
    expectWithin(d.looks.map((l) => l.alpha).reduce((x, y) => x + y, 0), 1e-3, { ops: 3, what: 'Σ α over looks' });
    expect(d.looks[1]!.alpha).toBe(3 * d.looks[0]!.alpha); // (α·3)/4 and 3·(α·1/4): the same rounding of 3α
    expect(() => makeDesign([10, 6], 0.01)).toThrow(/increase/);
    expect(() => splitAlpha(0, ['a'])).toThrow();
  });

  it('keeps the overall false-pass rate ≤ α over its looks, and stops early on a strong effect', async () => {
    const rng = new Rng(41).fork();
    const alpha = 0.05, reps = 3000;
    const design = makeDesign([5, 10, 20], alpha);
    let passes = 0;
    for (let i = 0; i < reps; i++) {
      const xs = sample(rng, 20, 0, 1);
      const o = await runSequential(design, (n, a) => directionalTest(xs.slice(0, n), { alpha: a, diagnostics: false }));
      if (o.result.decision === 'pass') passes++;
    }
    expect(passes / reps).toBeLessThan(upTo(alpha, reps));
    const strong = sample(rng, 20, 3, 1);
    const o = await runSequential(design, (n, a) => directionalTest(strong.slice(0, n), { alpha: a, diagnostics: false }));
    expect(o.result.decision).toBe('pass');
    expect(o.look).toBe(1);
    expect(o.stoppedEarly).toBe(true);
  });

  it('combines parts', () => {
    expect(combineAll(['pass', 'pass'])).toBe('pass');
    expect(combineAll(['pass', 'inconclusive'])).toBe('inconclusive');
    expect(combineAll(['inconclusive', 'fail'])).toBe('fail');
    expect(combineAll([])).toBe('inconclusive');
    const r = [directionalTest([1, 1.1, 0.9], { alpha: 0.01 }), equivalenceTest([0, 0.001, -0.001], { alpha: 0.01, margin: 0.01 })];
    expect(worstOf(r).ratio).toBeGreaterThan(0);
    expect(summarize([1, 3]).sd).toBe(Math.SQRT2); // √(2/1): every step exact, then one correctly rounded √
  });
});

describe('C11 and C12 checks over a synthetic training function', () => {
  const run = (c: Parameters<typeof runCheck>[0], numRuns?: number) => runCheck(c, { seed: 1, scale: 'ci', ...(numRuns ? { numRuns } : {}) });

  it('pass where the synthetic truth satisfies the claim (and C12(b) trained is skipped at CI, with its reason)', async () => {
    const src = cacheOf(syntheticTrainFn());
    for (const c of [...makeC11Checks(src), ...makeC12Checks(src)]) {
      const r = await run(c);
      if (FULL_SCALE_ONLY.includes(c.id)) {
        expect(r.verdict, r.message).toBe('skipped');
        continue;
      }
      expect(r.verdict, r.message).toBe('pass');
      expect(r.statistic?.alphaPart).toBeGreaterThan(0);
      expect(r.message).toMatch(/α/);
      expect(Object.keys(r.plots ?? {}).length).toBeGreaterThan(0);
    }
  });

  it('fail when the control gains, when height 1 moves, when the top gains less', async () => {
    const [, b] = makeC11Checks(cacheOf(syntheticTrainFn({ controlGain: 0.05 })));
    expect((await run(b!)).verdict).toBe('fail');
    const [, , c] = makeC11Checks(cacheOf(syntheticTrainFn({ height1Drift: 0.05 })));
    expect((await run(c!)).verdict).toBe('fail');
    const [a, , , d] = makeC11Checks(cacheOf(syntheticTrainFn({ gain: -0.1, gainSd: 0.01 })));
    expect((await run(a!)).verdict).toBe('fail');
    expect((await run(d!)).verdict).toBe('fail');
  });

  it('inconclusive, never pass, without an effect, when underpowered, or without an engine', async () => {
    const [a] = makeC11Checks(cacheOf(syntheticTrainFn({ gain: 0, gainSd: 0.02 })));
    expect((await run(a!)).verdict).not.toBe('pass');
    const [a2] = makeC11Checks(cacheOf(syntheticTrainFn({ gain: 0.02, gainSd: 0.05 })));
    const r = await run(a2!, 3);
    expect(r.verdict).toBe('inconclusive');
    expect(r.message).toMatch(/seeds needed/);
    const [a4] = makeC11Checks(cacheOf(syntheticTrainFn({ diverge: true })));
    const dv = await run(a4!);
    expect(dv.verdict).toBe('inconclusive');
    expect(dv.message).toMatch(/WARNING: 20 run\(s\) diverged/);
    expect(dv.statistic?.divergedRuns).toBe(20);
    const [a3] = makeC11Checks(async () => ({ unavailable: 'no engine here' }));
    const u = await run(a3!);
    expect(u.verdict).toBe('inconclusive');
    expect(u.message).toMatch(/no engine here/);
  });
});
