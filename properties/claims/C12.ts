/**
 * Claim C12 (statistical, direction over seeds): polarity and over-parameterisation.
 *   (a) paired seeds (same tree signs and |ρ| quantiles, initial weights, evaluation draws):
 *       - at initialisation best-|corr| is non-decreasing in δ_lower at every height: for each pair of
 *         consecutive δ_lower values and each height, the paired difference has E > 0 (a strict
 *         increase, which is more than non-decreasing: `fail` needs a significant decrease);
 *       - after training the pooled level (mean over heights 1..L) still increases with δ_lower;
 *       - the training gain G itself shrinks as δ_lower grows (stated in parentheses; decided too);
 *   (b) E[best-|corr|] (pooled level) at initialisation increases with hid (hid 5 against 20);
 *       after training the hid effect is weak and is decided only at full scale: at CI scale that
 *       check is `skipped` (with the reason), without training.
 * One check per part, each at its share of C12's 1e-3 (src/stats/budget.ts: 2e-4 per part),
 * Bonferroni-split over its sub-tests; sequential designs over seeds (src/stats/sequential.ts).
 */
import type { ClaimRecord, CustomCheck, RunOptions, Scale } from '../../src/runner/check.js';
import { errorBarPlot, type ErrorBarSeries } from '../../src/report/errorBarPlot.js';
import { c12Alpha, C12_PARTS, combineAll, describeDesign, directionalTest, makeDesign, num, pairedDifferences, runSequential } from '../../src/stats/index.js';
import { claimSeeds, looksOf, meanBars, pairedRuns, ProgressCounter } from '../../src/sweep/experiment.js';
import { gains, pooledGain, pooledLevel } from '../../src/sweep/gains.js';
import { engineCache, type CacheSource } from '../../src/sweep/provider.js';
import { statisticalChecks, type NamedTest, type PartContext, type PartOutcome } from '../../src/sweep/statisticalCheck.js';
import type { TrainRun, TrainSetting } from '../../src/sweep/trainFn.js';
import { C11_CI, C11_FULL } from './C11.js';
import { NTXENT_GAIN_ID } from './inBatch/emergence.js';

export const record: ClaimRecord = {
  id: 'C12',
  title: 'Polarity and over-parameterisation raise the best latent correlation',
  statement:
    'Polarity and over-parameterisation: (a) for paired seeds (same tree signs and initial weights), best-|corr| at initialisation is non-decreasing in δ_lower at every height, and after training the pooled level still increases with δ_lower (the training gain itself shrinks as δ_lower grows); (b) E[best-|corr|] at initialisation increases with hid ("lucky" units: more draws, better best); after training the hid effect is weak and is decided only at full scale (inconclusive is an honest answer)',
  section: 'THEORY.md §2 (C12) and the measured notes below C11',
  kind: 'statistical',
  holdsFor: ['as C11', 'hid ≥ 5'],
  breaksWith: [],
};

export type C12Part = (typeof C12_PARTS)[number];

export interface C12Config {
  /** The trained setting (C11's root-augmentation setting of the same scale). */
  readonly base: TrainSetting;
  /** δ_lower values compared at initialisation (consecutive pairs). */
  readonly initDeltas: readonly number[];
  /** δ_lower values compared after training (consecutive pairs). */
  readonly trainedDeltas: readonly number[];
  /** hid values compared (consecutive pairs), at initialisation and after training. */
  readonly hids: readonly number[];
  /** Whether the trained hid comparison runs at this scale (else: skipped, with the reason). */
  readonly trainedHid: boolean;
  readonly looks: Readonly<Record<C12Part, readonly number[]>>;
  /** Planning effect/sd per part (measured at CI scale) for the stated power. */
  readonly planned: Readonly<Record<C12Part, { readonly effect: number; readonly sd: number }>>;
}

// Measured at CI scale (16 seeds, depth 4, hid 10, 8000 eval samples): init δ 0.7→0.8 per height
// +0.027 (sd 0.006), +0.057 (0.010), +0.085 (0.016), +0.117 (0.030), 0.8→0.9 alike; hid 20 − hid 5
// at init, pooled: +0.062 (sd 0.037); trained (200 steps, 10 seeds) level(0.9) − level(0.7) +0.089
// (sd 0.016), G(0.7) − G(0.9) +0.054 (sd 0.026).
const PLANNED: C12Config['planned'] = {
  'a-init': { effect: 0.027, sd: 0.006 },
  'a-trained': { effect: 0.089, sd: 0.016 },
  'a-gain': { effect: 0.054, sd: 0.026 },
  'b-init': { effect: 0.062, sd: 0.037 },
  'b-trained': { effect: 0.02, sd: 0.03 },
};

export const C12_CI: C12Config = {
  base: C11_CI.base,
  initDeltas: [0.7, 0.8, 0.9],
  trainedDeltas: [0.7, 0.9],
  hids: [5, 20],
  trainedHid: false,
  looks: { 'a-init': [12, 20], 'a-trained': [6, 10], 'a-gain': [8, 14], 'b-init': [20, 40], 'b-trained': [10, 20] },
  planned: PLANNED,
};

export const C12_FULL: C12Config = {
  base: C11_FULL.base,
  initDeltas: [0.7, 0.8, 0.9],
  trainedDeltas: [0.7, 0.8, 0.9],
  hids: [5, 10, 20],
  trainedHid: true,
  looks: { 'a-init': [20, 40], 'a-trained': [10, 20], 'a-gain': [10, 20], 'b-init': [30, 60], 'b-trained': [10, 20] },
  planned: PLANNED,
};

const IDS: Record<C12Part, string> = {
  'a-init': 'C12/statistical/a-init-delta-monotone',
  'a-trained': 'C12/statistical/a-trained-level-delta',
  'a-gain': 'C12/statistical/a-trained-gain-shrinks',
  'b-init': 'C12/statistical/b-init-hid',
  'b-trained': 'C12/statistical/b-trained-hid',
};

const TITLES: Record<C12Part, string> = {
  'a-init': '(a) at initialisation best-|corr| is non-decreasing in δ_lower at every height',
  'a-trained': '(a) after training the pooled level increases with δ_lower',
  'a-gain': '(a) the training gain shrinks as δ_lower grows',
  'b-init': '(b) at initialisation E[best-|corr|] increases with hid',
  'b-trained': '(b) after training the hid effect (weak; decided only at full scale)',
};

/** The settings a part compares, in increasing order of the varied parameter, and that parameter. */
function settingsOf(part: C12Part, cfg: C12Config): { xs: readonly number[]; settings: TrainSetting[]; xLabel: string } {
  const init = { ...cfg.base, steps: 0 };
  switch (part) {
    case 'a-init':
      return { xs: cfg.initDeltas, settings: cfg.initDeltas.map((d) => ({ ...init, deltaLower: d })), xLabel: 'δ_lower' };
    case 'a-trained':
    case 'a-gain':
      return { xs: cfg.trainedDeltas, settings: cfg.trainedDeltas.map((d) => ({ ...cfg.base, deltaLower: d })), xLabel: 'δ_lower' };
    case 'b-init':
      return { xs: cfg.hids, settings: cfg.hids.map((h) => ({ ...init, hid: h })), xLabel: 'hid' };
    case 'b-trained':
      return { xs: cfg.hids, settings: cfg.hids.map((h) => ({ ...cfg.base, hid: h })), xLabel: 'hid' };
  }
}

/** Sub-tests of a part on runs[setting][seed] at the part's level alpha. */
function testsOf(part: C12Part, cfg: C12Config, xs: readonly number[], runs: readonly (readonly TrainRun[])[], alpha: number): NamedTest[] {
  const pairs = xs.length - 1;
  const planned = cfg.planned[part];
  const by = (rs: readonly TrainRun[], f: (r: TrainRun) => number) => new Map(rs.map((r) => [r.seed, f(r)]));
  const out: NamedTest[] = [];
  const name = part.startsWith('a') ? 'δ' : 'hid';
  for (let i = 0; i < pairs; i++) {
    const lo = runs[i]!;
    const hi = runs[i + 1]!;
    const pair = `${name} ${xs[i]}→${xs[i + 1]}`;
    if (part === 'a-init') {
      const L = lo[0]!.init.length;
      for (let h = 0; h < L; h++) {
        const { diffs } = pairedDifferences(by(hi, (r) => r.init[h]!), by(lo, (r) => r.init[h]!));
        out.push({ label: `init ${pair} height ${h + 1}`, result: directionalTest(diffs, { alpha: alpha / (pairs * L), planned }) });
      }
    } else if (part === 'a-gain') {
      const { diffs } = pairedDifferences(by(lo, pooledGain), by(hi, pooledGain));
      out.push({ label: `G(${xs[i]}) − G(${xs[i + 1]})`, result: directionalTest(diffs, { alpha: alpha / pairs, planned }) });
    } else {
      const pick = part === 'b-init' ? (r: TrainRun) => pooledLevel(r.init) : (r: TrainRun) => pooledLevel(r.final);
      const { diffs } = pairedDifferences(by(hi, pick), by(lo, pick));
      out.push({ label: `${part.endsWith('init') ? 'init' : 'trained'} pooled level ${pair}`, result: directionalTest(diffs, { alpha: alpha / pairs, planned }) });
    }
  }
  return out;
}

async function plotOf(part: C12Part, xs: readonly number[], xLabel: string, runs: readonly (readonly TrainRun[])[]): Promise<Record<string, string>> {
  const L = runs[0]![0]!.init.length;
  const what = part === 'a-gain' ? 'gain' : part.endsWith('init') ? 'init' : 'final';
  const value = (r: TrainRun): number[] => (what === 'gain' ? gains(r) : what === 'init' ? [...r.init] : [...r.final]);
  const series: ErrorBarSeries[] = [];
  for (let h = 0; h < L; h++) {
    series.push({ name: `height ${h + 1}`, points: xs.map((x, i) => meanBars(runs[i]!.map((r) => [value(r)[h]!]), [x])[0]!) });
  }
  series.push({
    name: what === 'gain' ? 'G (heights 2..L)' : 'pooled (1..L)',
    points: xs.map((x, i) => meanBars(runs[i]!.map((r) => [what === 'gain' ? pooledGain(r) : pooledLevel(value(r))]), [x])[0]!),
  });
  const yLabel = what === 'gain' ? 'trained − initial best-|corr|' : `best-|corr| ${what === 'init' ? 'at initialisation' : 'after training'}`;
  return {
    [`${what}-vs-${xLabel === 'hid' ? 'hid' : 'delta'}.svg`]: await errorBarPlot({
      title: `C12(${part}): ${yLabel} against ${xLabel} (mean, 95% CI over seeds)`,
      xLabel,
      yLabel,
      series,
      ...(what === 'gain' ? { rules: [{ y: 0 }] } : {}),
    }),
  };
}

function variantOf(cfg: C12Config): string {
  const b = cfg.base;
  return `depth ${b.depth}, hid ${b.hid}, ${b.loss} τ ${b.tau}, ${b.steps} steps × batch ${b.batch}, ${b.evalSamples} eval samples; δ_lower ${cfg.initDeltas.join('/')} (init), ${cfg.trainedDeltas.join('/')} (trained); hid ${cfg.hids.join('/')}`;
}

/** Trains and decides one part of C12 over its sequential design. */
async function decidePart(part: C12Part, { cfg, cache, options, id }: PartContext<C12Config>): Promise<PartOutcome> {
  const alpha = c12Alpha(part);
  const looks = looksOf(options, cfg.looks[part]);
  const design = makeDesign(looks, alpha);
  const maxN = looks[looks.length - 1]!;
  const { xs, settings, xLabel } = settingsOf(part, cfg);
  const seeds = claimSeeds(options, 'C12', maxN);
  const progress = new ProgressCounter(settings.length * maxN, id, options.onProgress);
  let runs: TrainRun[][] = [];
  const seq = await runSequential(design, async (n, a) => {
    runs = await pairedRuns(cache, settings, seeds.slice(0, n), progress.tick);
    const tests = testsOf(part, cfg, xs, runs, a);
    return { decision: combineAll(tests.map((t) => t.result.decision)), tests };
  });
  const header =
    `C12(${part}) at α ${num(alpha)} (C12's 1e-3 split over 5 parts)` +
    (seq.result.tests.length > 1 ? `, ${num(seq.alpha / seq.result.tests.length)} per test at the deciding look (${seq.result.tests.length} tests, Bonferroni)` : '') +
    `; ${describeDesign(design)}; decided at n=${seq.n} (look ${seq.look})`;
  const diverged = runs.flat().filter((r) => r.diverged).length;
  const warn = diverged > 0 ? `; WARNING: ${diverged} run(s) diverged (their last finite evaluation is used)` : '';
  return {
    tests: seq.result.tests,
    header: header + warn,
    extra: { alphaPart: alpha, design: describeDesign(design), seedsUsed: seq.n, divergedRuns: diverged },
    cases: runs.reduce((s, r) => s + r.length, 0),
    plots: await plotOf(part, xs, xLabel, runs),
  };
}

/** C12(b) after training is decided only at full scale: `skipped` (with this reason) elsewhere. */
function notRunAt(part: C12Part, cfg: C12Config, options: RunOptions) {
  if (part !== 'b-trained' || cfg.trainedHid) return null;
  return {
    statistic: { decidedAt: 'full scale only' },
    message: `C12(b) after training: the hid effect is weak and THEORY.md decides it only at full scale (covcheck verify --scale full); not run at ${options.scale} scale → skipped`,
  };
}

/** The checks of C12 over a source of training runs (tests inject a fake one). */
export function makeC12Checks(source: CacheSource = engineCache, configs: Readonly<Record<Scale, C12Config>> = { ci: C12_CI, full: C12_FULL }): CustomCheck[] {
  return statisticalChecks({ claim: 'C12', parts: C12_PARTS, ids: IDS, titles: TITLES, alpha: c12Alpha, configs, variant: variantOf, source, notRunAt, decide: decidePart });
}

export const checks: CustomCheck[] = makeC12Checks();

/**
 * Checks that cannot run at CI scale (docs/theory.md: decided only at full scale; NT-Xent's C11: its
 * training cost): verdict `skipped` there.
 */
export const FULL_SCALE_ONLY: readonly string[] = [IDS['b-trained'], NTXENT_GAIN_ID];
