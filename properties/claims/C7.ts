/**
 * C7 (exact / expectation / asymptotic trend): for a balanced loss E[∇L] = −2·OP^ξ_l·w_l + θ_l with
 * ξ(x_0, x_0') = H·E[−β_1 | x_0, x_0'_1 = x_0'] and θ_l the residue (docs/theory.md §1.5). Decided by exact
 * enumeration of the joint law of (x, x_+, x_1−..x_H−) on tiny trees (src/theory/pairwiseOperator.ts):
 *   closed-form        weights −β_k = φ(x_0, x_0'_k) of the base samples: θ = E[ξ·(C(x_0) − C(x_0'))],
 *                      ξ = H·φ, C(x_0) = Cov[K_l, f_L | x_0] (rationals, ===);
 *   symmetric-weights  φ symmetric ⇒ θ = 0 exactly; a non-symmetric φ on depth 2 is expected-fail;
 *   identity           `identity` augmentation: θ = 0 for L_tri and L_nce, any H (float64);
 *   unbalanced         r_+ − 2r_− breaks the covariance form (expected-fail, rationals);
 *   tau-trend          ‖θ‖/‖OP^ξ w‖ falls like 1/τ for large τ (slope −1, asymptotic only);
 *   augmentation-trend the ratio falls to 0 as augmentation weakens: flip(q) on identity with q → 0
 *                      (like q), level(k) with k growing (0 at identity).
 */
import * as fc from 'fast-check';
import { EXACT, F64, type Arith } from '../../src/numeric/arith.js';
import { Rng } from '../../src/numeric/random.js';
import { tolerance } from '../../src/numeric/tolerance.js';
import type { Check, CheckResult, ClaimRecord, CustomCheck, Measurement, PropertyCheck, RunOptions } from '../../src/runner/check.js';
import { fmt } from '../../src/runner/run.js';
import type { Activation } from '../../src/network/activation.js';
import { treeArchitecture, type NetworkSpec } from '../../src/network/architecture.js';
import { initParams, toArith } from '../../src/network/init.js';
import { leafDistribution } from '../../src/hltm/exactDistribution.js';
import { parseAugmentation, type Augmentation } from '../../src/hltm/augmentation.js';
import { completeTree, type Tree } from '../../src/hltm/tree.js';
import type { Loss } from '../../src/losses/loss.js';
import { parseLoss } from '../../src/losses/index.js';
import { familyOf, pluginFamily, type Params } from '../../src/losses/plugin/index.js';
import { BUILTIN_PLUGINS } from '../../src/losses/builtin/index.js';
import {
  expectedLossGradient,
  modelMagnitudes,
  norm2,
  oracleExpectedGradient,
  pairwiseModel,
  residue,
  residueClosedForm,
  residueRatio,
  type PairwiseModel,
} from '../../src/theory/pairwiseOperator.js';
import { linePlot } from '../../src/report/plot.js';
import { slug } from '../../src/report/write.js';
import { CORRECT } from '../../src/mutants/catalogue.js';
import { arbModel, describeModel, type Model, type ModelConstraints } from '../generators/model.js';
import { logLogSlope, pipelineLoss, type LossUnderTest } from './C6.js';

export const record: ClaimRecord = {
  id: 'C7',
  title: 'Pairwise-weighted covariance operator and residue for balanced losses',
  statement:
    'For a balanced loss E[∇L] = −2·OP^ξ_l·w_l + θ_l, ξ(x_0,x_0′) = H·E[−β_1 | x_0, x_0′]; with weights φ(x_0, x_0′_k) of the base samples θ_l = E[ξ·(C(x_0) − C(x_0′))], ' +
    'C = Cov[K_l, f_L | x_0], so θ = 0 for symmetric φ or constant C; θ = 0 with identity augmentation for L_tri and L_nce, any H; ‖θ‖/‖OP^ξ w‖ → 0 like 1/τ and as augmentation weakens',
  section: 'THEORY.md §2 C7, §1.5',
  kind: 'expectation',
  holdsFor: ['L_tri, L_nce', 'weights that are functions of (x_0, x_0′_k) (closed form)', 'identity augmentation, any H (θ = 0)'],
  breaksWith: ['non-symmetric weights with non-constant C (depth ≥ 2)', 'unbalanced losses (e.g. r_+ − 2r_−) for the covariance form'],
};

const HOMOGENEOUS: Activation[] = [{ kind: 'relu' }, { kind: 'leaky_relu', slope: 0.25 }, { kind: 'linear' }];

/** Tiny trees: ≤ 4 leaves, depth ≤ 2, ≤ 2 children (the joint enumeration costs C^(2+H)). */
const TINY: ModelConstraints = { kind: 'tree', activation: HOMOGENEOUS, maxHid: 2, maxOut: 2, tree: { maxLeaves: 4, maxDepth: 2, maxChildren: 2 } };

// ---------------------------------------------------------------------------------------------
// Oracle weights φ(x_0, x_0'): closed form and symmetric weights (rationals).

interface OracleCase {
  readonly model: Model;
  /** φ(i, j) = table[(5i + 3j + i·j) mod 31]/8: a deterministic, shrinkable, non-symmetric table. */
  readonly table: number[];
  readonly H: number;
}

const arbOracle = (c: ModelConstraints, minH = 1): fc.Arbitrary<OracleCase> =>
  fc.record({
    model: arbModel(c),
    table: fc.array(fc.integer({ min: 0, max: 16 }), { minLength: 31, maxLength: 31 }),
    H: fc.integer({ min: minH, max: 2 }),
  });

function phiTable<T>(A: Arith<T>, c: OracleCase, n0: number, symmetric: boolean): T[][] {
  const raw = (i: number, j: number) => c.table[(5 * i + 3 * j + i * j) % 31]! / 8;
  return Array.from({ length: n0 }, (_, i) => Array.from({ length: n0 }, (_, j) => A.from(symmetric ? raw(i, j) + raw(j, i) : raw(i, j))));
}

function models<T>(A: Arith<T>, m: Model): PairwiseModel<T>[] {
  const { spec } = m.net;
  const params = toArith(A, m.net.params);
  const dist = leafDistribution(A, m.tree, m.aug);
  return spec.arch.layers.map((layer) => pairwiseModel(A, spec, params, dist, layer.blocks));
}

/**
 * 'closed-form-literal' is docs/theory.md's formula as written, θ = E[φ·(C(x_0) − C(x_0′))] without the
 * factor H: for H > 1 it measurably fails (a registered known-fail: runner/knownFails.ts).
 */
type OracleMode = 'closed-form' | 'closed-form-literal' | 'symmetric-zero' | 'non-symmetric-zero';

function measureOracle(c: OracleCase, mode: OracleMode): Measurement {
  const A = EXACT;
  for (const M of models(A, c.model)) {
    const phi = phiTable(A, c, M.p.length, mode === 'symmetric-zero');
    const xi = phi.map((row) => row.map((v) => A.mul(A.from(c.H), v)));
    const grad = oracleExpectedGradient(M, phi, c.H);
    const { theta } = residue(M, { grad, xi });
    const want = mode === 'closed-form' ? residueClosedForm(M, xi) : mode === 'closed-form-literal' ? residueClosedForm(M, phi) : theta.map(() => A.zero);
    const bad = theta.findIndex((v, r) => !A.eq(v, want[r]!));
    if (bad >= 0) {
      return {
        ok: false,
        error: Math.abs(A.toNumber(A.sub(theta[bad]!, want[bad]!))),
        tolerance: 0,
        derivation: 'rational arithmetic: exact equality',
        note: `cut [${M.cut.join(', ')}], ${M.p.length} values of x_0: θ[${bad}] = ${theta[bad]} but ${mode === 'closed-form' ? `E[ξ(C − C')] gives ${want[bad]}` : 'the claim says 0'} (‖θ‖ = ${fmt(norm2(A, theta))})`,
      };
    }
  }
  return { ok: true, error: 0, tolerance: 0, derivation: 'rational arithmetic: exact equality' };
}

function oracleCheck(id: string, mode: OracleMode, variant: string, expect: 'hold' | 'fail', constraints: ModelConstraints, runs: number, minH = 1): PropertyCheck<OracleCase> {
  return {
    type: 'property',
    id,
    claim: 'C7',
    title: record.title,
    variant,
    expect,
    arithmetic: 'rational',
    runs: { ci: runs, full: runs * 10 },
    arbitrary: () => arbOracle(constraints, minH),
    measure: (c) => measureOracle(c, mode),
    describe: (c) => ({ ...describeModel(c.model), phiTable: c.table, H: c.H }),
  };
}

// ---------------------------------------------------------------------------------------------
// Losses: E[∇L] from the loss's own weights.

interface LossCase {
  readonly model: Model;
  readonly params: Params;
  readonly H: number;
}

/** Tolerance of θ ≈ 0 from the enumeration: scale bounds every summand, n counts them. */
function thetaTolerance<T>(M: PairwiseModel<T>, H: number, betaScale: number, xiMax: number, tuples: number) {
  const { K, f } = modelMagnitudes(M);
  const scale = 4 * M.nOut * K * f * (betaScale + xiMax + 1) * (H + 1);
  return tolerance('float64', 'expectation', tuples + M.p.length ** 2 + M.d * M.nOut, scale);
}

function measureLossResidue<T>(A: Arith<T>, u: LossUnderTest, c: LossCase, target: 'zero' | 'closed-form'): Measurement {
  const loss = pipelineLoss(u, c.params);
  if (!loss) return { ok: true, error: 0, tolerance: 0, note: 'the pipeline has no version of this loss' };
  const law = (u.pipeline ?? CORRECT).law;
  let worst: Measurement = { ok: true, error: 0, tolerance: 0 };
  let worstRatio = -1;
  for (const M of models(A, c.model)) {
    const e = expectedLossGradient(M, loss, c.H, law);
    const { theta } = residue(M, e);
    const want = target === 'closed-form' ? residueClosedForm(M, e.xi) : theta.map(() => A.zero);
    if (A.exact) {
      const bad = theta.findIndex((v, r) => !A.eq(v, want[r]!));
      if (bad >= 0) {
        return {
          ok: false,
          error: Math.abs(A.toNumber(A.sub(theta[bad]!, want[bad]!))),
          tolerance: 0,
          derivation: 'rational arithmetic: exact equality',
          note: `cut [${M.cut.join(', ')}]: θ[${bad}] = ${A.toNumber(theta[bad]!)}, the covariance form says ${A.toNumber(want[bad]!)} (‖θ‖ = ${fmt(norm2(A, theta))})`,
        };
      }
      continue;
    }
    let err = 0;
    theta.forEach((v, r) => (err = Math.max(err, Math.abs(A.toNumber(v) - A.toNumber(want[r]!)))));
    if (Number.isNaN(err)) err = Number.POSITIVE_INFINITY;
    const xiMax = Math.max(0, ...e.xi.flat().map((v) => Math.abs(A.toNumber(v))));
    const t = thetaTolerance(M, c.H, e.betaScale, xiMax, e.tuples);
    if (err / t.tol > worstRatio) {
      worstRatio = err / t.tol;
      worst = { ok: err <= t.tol, error: err, tolerance: t.tol, derivation: t.derivation, note: `cut [${M.cut.join(', ')}]: ‖θ‖∞ = ${fmt(err)}, ${e.tuples} tuples` };
    }
  }
  return worst;
}

function arbLossCase(u: LossUnderTest, c: ModelConstraints, maxH: number): fc.Arbitrary<LossCase> {
  const lo = Math.max(1, u.family.negatives[0]);
  const hi = Math.max(lo, Math.min(maxH, u.family.negatives[1]));
  return fc.record({ model: arbModel(c), params: u.params ?? fc.constant(u.family.params), H: fc.integer({ min: lo, max: hi }) });
}

const idSuffix = (u: LossUnderTest) => `[${u.family.label}${u.pipeline && u.pipeline.id !== 'correct' ? ` | mutant ${u.pipeline.id}` : ''}]`;

/** C7 identity: with `identity` augmentation θ = 0 for the loss (float64), any allowed H ≤ 2. */
export function identityCheck(u: LossUnderTest, o: { id?: string; runs?: number } = {}): PropertyCheck<LossCase> {
  const constraints: ModelConstraints = { ...TINY, values: 'float', augmentation: { bases: ['identity'], flips: [0] }, tree: { ...TINY.tree, polarity: { kind: 'any' } } };
  return {
    type: 'property',
    id: o.id ?? `C7/enumeration/identity${idSuffix(u)}`,
    claim: 'C7',
    title: record.title,
    variant: `${u.family.label}, identity augmentation: θ = 0`,
    expect: 'hold',
    arithmetic: 'enumeration',
    runs: { ci: o.runs ?? 20, full: (o.runs ?? 20) * 10 },
    arbitrary: () => arbLossCase(u, constraints, 2),
    measure: (c) => measureLossResidue(F64, u, c, 'zero'),
    describe: (c) => ({ ...describeModel(c.model), params: c.params, H: c.H }),
  };
}

/**
 * C7 covariance form for a rational loss with constant weights (simp, r_+ − c·r_−): θ equals its
 * closed form E[ξ(C − C')] (= 0, ξ constant). Exact; unbalanced losses fail it.
 */
export function covarianceFormCheck(u: LossUnderTest, o: { id: string; expect: 'hold' | 'fail'; runs?: number }): PropertyCheck<LossCase> {
  const constraints: ModelConstraints = { ...TINY, augmentation: { bases: ['root', 'level'], maxLevel: 1, flips: [0, 0.25] }, tree: { ...TINY.tree, maxLeaves: 3, irregular: false, maxDepth: 2 } };
  return {
    type: 'property',
    id: o.id,
    claim: 'C7',
    title: record.title,
    variant: `${u.family.label}: E[∇L] = −2·OP^ξ w + E[ξ(C − C′)]`,
    expect: o.expect,
    arithmetic: 'rational',
    runs: { ci: o.runs ?? 30, full: (o.runs ?? 30) * 10 },
    arbitrary: () => arbLossCase(u, constraints, 1),
    measure: (c) => measureLossResidue(EXACT, u, c, 'closed-form'),
    describe: (c) => ({ ...describeModel(c.model), params: c.params, H: c.H }),
  };
}

// ---------------------------------------------------------------------------------------------
// Trends (custom checks with plots).

const TREND_TAUS = Array.from({ length: 13 }, (_, k) => 2 ** k);
const TREND_FIT_FROM = 2 ** 6;
const SLOPE_TOL = 0.1;
const BOUND_RATIO = 1.5;
const FLIPS = [2 ** -2, 2 ** -3, 2 ** -4, 2 ** -5, 2 ** -6, 2 ** -7, 2 ** -8, 2 ** -10];
const FLIP_FIT_BELOW = 2 ** -5;
/** ‖θ‖/‖OP^ξ w‖ at the identity end must be float64 noise. */
const ZERO_RATIO = 1e-9;

/** A fixed tiny model (seeded): complete binary tree of depth 2, hid 2, gaussian weights. */
function trendModel(seed: number): { tree: Tree; spec: NetworkSpec; params: ReturnType<typeof initParams> } {
  const rng = new Rng(seed);
  const pol = new Map<string, number>();
  const tree = completeTree(2, 2, (name) => {
    if (!pol.has(name)) pol.set(name, (rng.bernoulli(0.5) ? 1 : -1) * rng.range(0.5, 0.95));
    return pol.get(name)!;
  });
  const spec: NetworkSpec = { arch: treeArchitecture(tree, 2, 2), activation: { kind: 'relu' }, bias: false, normalize: false, eps: 1e-4 };
  return { tree, spec, params: initParams(spec, rng, { scheme: 'gaussian' }) };
}

function ratioAt(seed: number, aug: Augmentation, loss: Loss, H: number, u?: LossUnderTest): number {
  const { tree, spec, params } = trendModel(seed);
  const dist = leafDistribution(F64, tree, aug);
  let worst = 0;
  // The cut below the root (depth 1), where C(x_0) is not constant.
  const cut = spec.arch.layers[spec.arch.layers.length - 1]!.blocks;
  const M = pairwiseModel(F64, spec, params, dist, cut);
  const e = expectedLossGradient(M, loss, H, (u?.pipeline ?? CORRECT).law);
  worst = Math.max(worst, residueRatio(M, e).ratio);
  return worst;
}

interface TrendTarget {
  readonly u: LossUnderTest;
  readonly H: number;
  readonly label: string;
}

/** ‖θ‖/‖OP^ξ w‖ against τ: slope −1 in log-log for τ ≥ 2^6 and ratio·τ bounded. */
export function tauTrendCheck(targets: readonly TrendTarget[], o: { id: string; variant: string; seeds?: number }): CustomCheck {
  return {
    type: 'custom',
    id: o.id,
    claim: 'C7',
    title: record.title,
    variant: o.variant,
    expect: 'hold',
    arithmetic: 'enumeration',
    async run(options: RunOptions): Promise<Omit<CheckResult, 'ms'>> {
      const series: { name: string; points: [number, number][] }[] = [];
      const bad: string[] = [];
      const stat: Record<string, number | string> = {};
      let worst = { ratio: 0, error: 0, tolerance: SLOPE_TOL };
      let skipped = 0;
      for (const t of targets) {
        for (let s = 0; s < (o.seeds ?? 1); s++) {
          const seed = options.seed + 104729 * s;
          const points: [number, number][] = [];
          for (const tau of TREND_TAUS) {
            const loss = pipelineLoss(t.u, { ...t.u.family.params, tau });
            if (!loss) break;
            points.push([tau, ratioAt(seed, { base: { kind: 'root' }, flip: 0 }, loss, t.H, t.u)]);
          }
          if (points.length === 0) {
            skipped++;
            continue;
          }
          const name = `${t.label}${(o.seeds ?? 1) > 1 ? ` (model ${s + 1})` : ''}`;
          series.push({ name, points });
          const tail = points.filter(([tau]) => tau >= TREND_FIT_FROM);
          const slope = logLogSlope(tail);
          const scaled = tail.map(([tau, r]) => tau * r);
          const bound = Math.max(...scaled) / Math.min(...scaled);
          stat[name] = Number(slope.toFixed(4));
          const dev = Math.abs(slope + 1);
          if (!(dev / SLOPE_TOL <= worst.ratio)) worst = { ratio: dev / SLOPE_TOL, error: dev, tolerance: SLOPE_TOL };
          if (!(dev <= SLOPE_TOL) || !(bound <= BOUND_RATIO)) bad.push(`${name}: slope ${fmt(slope)}, max/min of ratio·τ ${fmt(bound)}`);
        }
      }
      const svg = await linePlot({
        title: `C7: ‖θ‖/‖OP^ξ w‖ against τ (root augmentation; fit τ ≥ ${TREND_FIT_FROM}: slope −1 ± ${SLOPE_TOL})`,
        xLabel: 'τ',
        yLabel: '‖θ‖ / ‖OP^ξ w‖',
        logX: true,
        logY: true,
        series,
      });
      return {
        check: o.id,
        claim: 'C7',
        verdict: series.length === 0 ? 'inconclusive' : bad.length === 0 ? 'pass' : 'fail',
        expect: 'hold',
        arithmetic: 'enumeration',
        variant: o.variant,
        cases: series.length,
        worst,
        seed: options.seed,
        statistic: stat,
        message:
          series.length === 0
            ? `the pipeline has no version of these losses (${skipped} skipped)`
            : bad.length === 0
              ? `${series.length} series: ratio ~ 1/τ (log-log slope −1 ± ${SLOPE_TOL} for τ ≥ ${TREND_FIT_FROM}, ratio·τ bounded); asymptotic only`
              : `residue ratio not O(1/τ): ${bad.join('; ')}`,
        plots: { [`${slug(o.id, 120)}.svg`]: svg },
      };
    },
  };
}

/** The ratio falls to 0 as augmentation weakens: flip(q) on identity (like q), level(k) up to identity. */
export function augmentationTrendCheck(targets: readonly TrendTarget[], o: { id: string; variant: string }): CustomCheck {
  return {
    type: 'custom',
    id: o.id,
    claim: 'C7',
    title: record.title,
    variant: o.variant,
    expect: 'hold',
    arithmetic: 'enumeration',
    async run(options: RunOptions): Promise<Omit<CheckResult, 'ms'>> {
      const flipSeries: { name: string; points: [number, number][] }[] = [];
      const levelSeries: { name: string; points: [number, number][] }[] = [];
      const bad: string[] = [];
      const stat: Record<string, number | string> = {};
      let worst = { ratio: 0, error: 0, tolerance: SLOPE_TOL };
      for (const t of targets) {
        const loss = pipelineLoss(t.u, t.u.family.params);
        if (!loss) continue;
        const seed = options.seed;
        const flips: [number, number][] = FLIPS.map((q) => [q, ratioAt(seed, { base: { kind: 'identity' }, flip: q }, loss, t.H, t.u)]);
        const atZero = ratioAt(seed, { base: { kind: 'identity' }, flip: 0 }, loss, t.H, t.u);
        flipSeries.push({ name: t.label, points: flips });
        const slope = logLogSlope(flips.filter(([q]) => q <= FLIP_FIT_BELOW));
        stat[`${t.label}: flip slope`] = Number(slope.toFixed(4));
        stat[`${t.label}: ratio at q = 0`] = atZero;
        const dev = Math.abs(slope - 1);
        if (!(dev / SLOPE_TOL <= worst.ratio)) worst = { ratio: dev / SLOPE_TOL, error: dev, tolerance: SLOPE_TOL };
        if (!(dev <= SLOPE_TOL)) bad.push(`${t.label}: flip(q) slope ${fmt(slope)} (expected +1: ratio ~ q)`);
        if (!(atZero <= ZERO_RATIO)) bad.push(`${t.label}: ratio ${fmt(atZero)} at q = 0 (identity), expected 0`);
        const depth = trendModel(seed).tree.complete!.depth;
        const levels: [number, number][] = [];
        for (let k = 0; k <= depth; k++) levels.push([k, ratioAt(seed, parseAugmentation(`level(${k})`), loss, t.H, t.u)]);
        levelSeries.push({ name: t.label, points: levels });
        stat[`${t.label}: level ratios`] = levels.map(([, r]) => fmt(r)).join(' → ');
        const last = levels[levels.length - 1]![1];
        if (!(last <= ZERO_RATIO)) bad.push(`${t.label}: ratio ${fmt(last)} at level(${depth}) (= identity), expected 0`);
      }
      const plotFlip = await linePlot({
        title: `C7: ‖θ‖/‖OP^ξ w‖ under identity+flip(q) (fit q ≤ ${FLIP_FIT_BELOW}: slope +1 ± ${SLOPE_TOL})`,
        xLabel: 'flip probability q',
        yLabel: '‖θ‖ / ‖OP^ξ w‖',
        logX: true,
        logY: true,
        series: flipSeries,
      });
      const plotLevel = await linePlot({
        title: 'C7: ‖θ‖/‖OP^ξ w‖ under level(k) (level(depth) = identity: 0, not drawn on the log axis)',
        xLabel: 'k',
        yLabel: '‖θ‖ / ‖OP^ξ w‖',
        logY: true,
        series: levelSeries,
      });
      const base = slug(o.id, 120);
      return {
        check: o.id,
        claim: 'C7',
        verdict: flipSeries.length === 0 ? 'inconclusive' : bad.length === 0 ? 'pass' : 'fail',
        expect: 'hold',
        arithmetic: 'enumeration',
        variant: o.variant,
        cases: flipSeries.length,
        worst,
        seed: options.seed,
        statistic: stat,
        message:
          flipSeries.length === 0
            ? 'the pipeline has no version of these losses'
            : bad.length === 0
              ? `ratio ~ q under flip(q) (slope +1 ± ${SLOPE_TOL}) and 0 at identity; 0 at level(depth)`
              : bad.join('; '),
        plots: { [`${base}-flip.svg`]: plotFlip, [`${base}-level.svg`]: plotLevel },
      };
    },
  };
}

/** The τ trend for a loss family with a τ parameter (compare, --loss), or null. */
export function tauTrendCheckFor(u: LossUnderTest): CustomCheck | null {
  if (u.family.params.tau === undefined || !u.family.perTuple) return null;
  const H = Math.max(1, u.family.negatives[0]);
  return tauTrendCheck([{ u, H, label: `${u.family.label} H=${H}` }], { id: `C7/enumeration/tau-trend${idSuffix(u)}`, variant: `${u.family.label}: ‖θ‖/‖OP^ξ w‖ ~ 1/τ` });
}

// ---------------------------------------------------------------------------------------------
// The registry's checks.

const NCE = familyOf(parseLoss({ name: 'nce', tau: 0.5 }));
const TRI = familyOf(parseLoss({ name: 'tri', tau: 0.5, r0: 0.5 }));
const logTau = fc.double({ min: -1, max: 1, noNaN: true }).map((e) => 10 ** e);

export const checks: readonly Check[] = [
  oracleCheck('C7/rational/closed-form', 'closed-form', 'weights φ(x_0, x_0′_k): θ = E[ξ(C(x_0) − C(x_0′))], any augmentation, H = 1, 2', 'hold', { ...TINY, augmentation: { bases: ['root', 'level', 'identity'], maxLevel: 1, flips: [0, 0.25] } }, 30),
  oracleCheck('C7/rational/closed-form-as-written', 'closed-form-literal', 'THEORY.md’s θ = E[φ(C(x_0) − C(x_0′))] as written, H = 2 (known-fail: the factor H is missing)', 'hold', { ...TINY, augmentation: { bases: ['root'], flips: [0] }, tree: { maxLeaves: 4, maxDepth: 2, maxChildren: 2, irregular: false } }, 60, 2),
  oracleCheck('C7/rational/symmetric-weights', 'symmetric-zero', 'symmetric weights φ: θ = 0 exactly', 'hold', { ...TINY, augmentation: { bases: ['root', 'level', 'identity'], maxLevel: 1, flips: [0, 0.25] } }, 30),
  oracleCheck('C7/rational/non-symmetric-weights', 'non-symmetric-zero', 'non-symmetric φ with non-constant C (depth 2): θ ≠ 0', 'fail', { ...TINY, augmentation: { bases: ['root'], flips: [0] }, tree: { maxLeaves: 4, maxDepth: 2, maxChildren: 2, irregular: false } }, 60),
  identityCheck({ family: NCE, params: logTau.map((tau) => ({ tau })) }, { id: 'C7/enumeration/identity-nce' }),
  identityCheck({ family: TRI, params: fc.record({ tau: logTau, r0: fc.double({ min: -1, max: 1, noNaN: true }) }) }, { id: 'C7/enumeration/identity-tri' }),
  covarianceFormCheck({ family: pluginFamily(BUILTIN_PLUGINS.simp!, 'builtin:simp') }, { id: 'C7/rational/covariance-form-simp', expect: 'hold' }),
  covarianceFormCheck({ family: pluginFamily(BUILTIN_PLUGINS.unbalanced!, 'builtin:unbalanced') }, { id: 'C7/rational/unbalanced', expect: 'fail' }),
  tauTrendCheck(
    [
      { u: { family: NCE }, H: 1, label: 'nce H=1' },
      { u: { family: NCE }, H: 2, label: 'nce H=2' },
      { u: { family: TRI }, H: 1, label: 'tri r0=0.5' },
    ],
    { id: 'C7/enumeration/tau-trend', variant: 'nce (H = 1, 2), tri: root augmentation, τ = 1 … 4096' },
  ),
  augmentationTrendCheck(
    [
      { u: { family: NCE }, H: 1, label: 'nce τ=0.5' },
      { u: { family: TRI }, H: 1, label: 'tri τ=0.5 r0=0.5' },
    ],
    { id: 'C7/enumeration/augmentation-trend', variant: 'nce, tri: identity+flip(q), q → 0; level(k), k = 0 … depth' },
  ),
];
