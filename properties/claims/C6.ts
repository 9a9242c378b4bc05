/**
 * C6 (exact; limits numeric, slope −1 in log-log): L_tri and L_nce are balanced, β_+ = −Σ_k β_k,
 * with the stated weights β_k = −softmax_k (nce) and β_− = −σ((r_+ − r_− + r_0)/τ) (tri); as τ → ∞
 * β_k → −1/(H+1), −1/2, the gradients tend to (H/(H+1))·∇L_simp, ½·∇L_simp and the shifted losses
 * L_nce − τ·log(H+1), L_tri − τ·log 2 to (H/(H+1))·L_simp, ½(L_simp + r_0), all with error O(1/τ).
 *
 * The checks are factories over a loss family (src/losses/plugin.ts), so `covcheck compare`,
 * `verify --loss FILE` and the mutation self-check run the same predicates on any loss:
 *   balance        β_+ + Σ_k β_k = 0 per tuple (Σ of all β per batch for batch losses), and the
 *                  value unchanged when every distance is shifted by the same constant;
 *   weights        β = ∂L/∂r, against central differences (Richardson) of the loss value;
 *   small-tau      finite values and weights for τ down to 1e-3, in float64 and float32;
 *   limits         the large-τ limits (nce and tri only), with a log-log plot.
 */
import * as fc from 'fast-check';
import { EXACT, F64, type Arith } from '../../src/numeric/arith.js';
import { Rng } from '../../src/numeric/random.js';
import { tolerance } from '../../src/numeric/tolerance.js';
import type { Check, CheckResult, ClaimRecord, CustomCheck, Measurement, PropertyCheck, RunOptions } from '../../src/runner/check.js';
import { fmt } from '../../src/runner/run.js';
import type { Loss } from '../../src/losses/loss.js';
import { parseLoss } from '../../src/losses/index.js';
import { familyOf, pluginFamily, type LossFamily, type Params } from '../../src/losses/plugin/index.js';
import { F32 } from '../../src/losses/dual.js';
import { BUILTIN_PLUGINS } from '../../src/losses/builtin/index.js';
import { treeArchitecture, type NetworkSpec } from '../../src/network/architecture.js';
import { initParams } from '../../src/network/init.js';
import { completeTree } from '../../src/hltm/tree.js';
import type { Batch } from '../../src/network/batchGradient.js';
import { linePlot } from '../../src/report/plot.js';
import { slug } from '../../src/report/write.js';
import { CORRECT, type Pipeline } from '../../src/mutants/catalogue.js';

export const record: ClaimRecord = {
  id: 'C6',
  title: 'Balance of L_tri and L_nce, and their large-τ limits',
  statement:
    'β_+ = −Σ_k β_k with β_k = −e^{−r_k−/τ}/Z (nce, a softmax) and β = −σ((r_+ − r_− + r_0)/τ) (tri); as τ → ∞ β_k → −1/(H+1), −1/2, ' +
    'the gradients → (H/(H+1))·∇L_simp, ½·∇L_simp and L_nce − τ·log(H+1) → (H/(H+1))·L_simp, L_tri − τ·log 2 → ½(L_simp + r_0), errors O(1/τ)',
  section: 'THEORY.md §2 C6, §1.4',
  kind: 'exact',
  holdsFor: ['L_tri and L_nce, any r, τ, r_0, H', 'any loss invariant under shifting every distance by one constant'],
  breaksWith: ['unbalanced losses (e.g. r_+ − 2r_−)'],
};

// ---------------------------------------------------------------------------------------------
// Distance cases.

export interface DistanceCase {
  readonly params: Params;
  readonly rPos: number[];
  readonly rNeg: number[][];
  /** Constant added to every distance for the shift-invariance half of the balance check. */
  readonly shift: number;
}

export interface LossUnderTest {
  readonly family: LossFamily;
  /** Parameter draws (default: the family's own parameters). */
  readonly params?: fc.Arbitrary<Params>;
  /** The pipeline whose version of the loss is checked (mutants); default CORRECT. */
  readonly pipeline?: Pipeline;
}

/** The loss a pipeline uses for a family at some parameters (null: the pipeline has none). */
export function pipelineLoss(u: LossUnderTest, params: Params): Loss | null {
  return (u.pipeline ?? CORRECT).wrapLoss(u.family.make(params));
}

function hRange(f: LossFamily, maxH: number): [number, number] {
  const lo = Math.max(1, f.negatives[0]);
  const hi = Math.min(maxH, f.negatives[1]);
  return [lo, Math.max(lo, hi)];
}

/** Distances: dyadic k/16 in [lo, hi] (exact in rationals) or doubles; ties and zeros drawn often. */
function arbDistance(values: 'dyadic' | 'float', lo: number, hi: number): fc.Arbitrary<number> {
  const dy = fc.integer({ min: Math.ceil(lo * 16), max: Math.floor(hi * 16) }).map((k) => k / 16);
  if (values === 'dyadic') return dy;
  return fc.oneof({ arbitrary: fc.double({ min: lo, max: hi, noNaN: true }), weight: 3 }, { arbitrary: dy, weight: 1 });
}

export function arbDistanceCase(u: LossUnderTest, o: { values: 'dyadic' | 'float'; lo?: number; hi?: number; maxH?: number; maxB?: number }): fc.Arbitrary<DistanceCase> {
  const [hLo, hHi] = hRange(u.family, o.maxH ?? 4);
  const B = u.family.perTuple ? fc.constant(1) : fc.integer({ min: 1, max: o.maxB ?? 3 });
  const r = arbDistance(o.values, o.lo ?? 0, o.hi ?? 8);
  return fc
    .record({ B, H: fc.integer({ min: hLo, max: hHi }), params: u.params ?? fc.constant(u.family.params) })
    .chain(({ B, H, params }) =>
      fc.record({
        params: fc.constant(params),
        rPos: fc.array(r, { minLength: B, maxLength: B }),
        rNeg: fc.array(fc.array(r, { minLength: H, maxLength: H }), { minLength: B, maxLength: B }),
        shift: o.values === 'dyadic' ? fc.integer({ min: 0, max: 64 }).map((k) => k / 16) : fc.double({ min: 0, max: 4, noNaN: true }),
      }),
    );
}

function evalCase<T>(A: Arith<T>, loss: Loss, c: DistanceCase, shift = 0) {
  const s = A.from(shift);
  return loss.evaluate(A, {
    rPos: c.rPos.map((v) => A.add(A.from(v), s)),
    rNeg: c.rNeg.map((row) => row.map((v) => A.add(A.from(v), s))),
    dim: 2,
    reduction: 'mean',
  });
}

const idSuffix = (u: LossUnderTest) => `[${u.family.label}${u.pipeline && u.pipeline.id !== 'correct' ? ` | mutant ${u.pipeline.id}` : ''}]`;

const NOT_APPLICABLE: Measurement = { ok: true, error: 0, tolerance: 0, note: 'the pipeline has no version of this loss' };

// ---------------------------------------------------------------------------------------------
// Balance (and shift invariance).

function measureBalance<T>(A: Arith<T>, loss: Loss, c: DistanceCase): Measurement {
  const v = evalCase(A, loss, c);
  const groups = loss.perTuple ? v.betaPos.map((bp, b) => [bp, ...v.betaNeg[b]!]) : [[...v.betaPos, ...v.betaNeg.flat()]];
  const shifted = evalCase(A, loss, c, c.shift);
  if (A.exact) {
    const sums = groups.map((g) => g.reduce((p, q) => A.add(p, q), A.zero));
    const bad = sums.findIndex((s) => A.sign(s) !== 0);
    const shiftDiff = A.sub(shifted.value, v.value);
    const ok = bad < 0 && A.sign(shiftDiff) === 0;
    return {
      ok,
      error: ok ? 0 : Math.max(bad >= 0 ? Math.abs(A.toNumber(sums[bad]!)) : 0, Math.abs(A.toNumber(shiftDiff))),
      tolerance: 0,
      derivation: 'rational arithmetic: exact equality',
      note: ok ? undefined : `β_+ + Σβ_k = ${bad >= 0 ? A.toNumber(sums[bad]!) : 0}; L(r + ${c.shift}) − L(r) = ${A.toNumber(shiftDiff)}`,
    } as Measurement;
  }
  const n = groups[0]!.length;
  let err = 0;
  let scale = 1;
  for (const g of groups) {
    const nums = g.map((x) => A.toNumber(x));
    err = Math.max(err, Math.abs(nums.reduce((p, q) => p + q, 0)));
    scale = Math.max(scale, 1 + nums.reduce((p, q) => p + Math.abs(q), 0));
  }
  const tB = tolerance('float64', 'identity', 4 * (n + 1), scale);
  const L0 = A.toNumber(v.value);
  const L1 = A.toNumber(shifted.value);
  const dShift = Math.abs(L1 - L0);
  const rSum = c.rPos.reduce((p, q) => p + q, 0) + c.rNeg.flat().reduce((p, q) => p + q, 0);
  const tS = tolerance('float64', 'identity', 4 * (n + 1), Math.abs(L0) + Math.abs(L1) + rSum + n * c.shift);
  const ok = err <= tB.tol && dShift <= tS.tol;
  const first = err / tB.tol >= dShift / tS.tol;
  return {
    ok,
    error: first ? err : dShift,
    tolerance: first ? tB.tol : tS.tol,
    derivation: first ? `|β_+ + Σβ_k|: ${tB.derivation}` : `|L(r + c) − L(r)|: ${tS.derivation}`,
    note: `β_+ + Σβ_k = ${fmt(err)}; L(r + ${fmt(c.shift)}) − L(r) = ${fmt(L1 - L0)}`,
  };
}

/** C6 balance for a loss family: rational when the loss runs exactly, else float64. */
export function balanceCheck(u: LossUnderTest, o: { id?: string; expect?: 'hold' | 'fail'; runs?: number; exact?: boolean } = {}): PropertyCheck<DistanceCase> {
  const probe = pipelineLoss(u, u.family.params);
  const exact = o.exact ?? (probe?.rational === true);
  return {
    type: 'property',
    id: o.id ?? `C6/${exact ? 'rational' : 'float64'}/balance${idSuffix(u)}`,
    claim: 'C6',
    title: record.title,
    variant: `${u.family.label}: β_+ = −Σβ_k and L(r + c) = L(r)`,
    expect: o.expect ?? 'hold',
    arithmetic: exact ? 'rational' : 'float64',
    runs: { ci: o.runs ?? 60, full: (o.runs ?? 60) * 10 },
    arbitrary: () => arbDistanceCase(u, { values: exact ? 'dyadic' : 'float' }),
    measure: (c) => {
      const loss = pipelineLoss(u, c.params);
      if (!loss) return NOT_APPLICABLE;
      return exact ? measureBalance(EXACT, loss, c) : measureBalance(F64, loss, c);
    },
    describe: (c) => c,
  };
}

// ---------------------------------------------------------------------------------------------
// Weights: β = ∂L/∂r against finite differences of the value.

function measureWeights(loss: Loss, c: DistanceCase): Measurement {
  const v = evalCase(F64, loss, c);
  const betas = [...v.betaPos, ...v.betaNeg.flat()];
  const flat = [...c.rPos, ...c.rNeg.flat()];
  const H = c.rNeg[0]!.length;
  const tau = c.params.tau !== undefined && c.params.tau > 0 ? c.params.tau : 1;
  const valueAt = (i: number, dr: number): number => {
    const r = flat.slice();
    r[i]! += dr;
    const rPos = r.slice(0, c.rPos.length);
    const rNeg = c.rPos.map((_, b) => r.slice(c.rPos.length + b * H, c.rPos.length + (b + 1) * H));
    return loss.evaluate(F64, { rPos, rNeg, dim: 2, reduction: 'mean' }).value;
  };
  let worst: Measurement = { ok: true, error: 0, tolerance: Number.POSITIVE_INFINITY };
  let worstRatio = -1;
  let skipped = 0;
  for (let i = 0; i < flat.length; i++) {
    const h = 2 ** -10 * Math.max(1, Math.abs(flat[i]!)) * Math.min(1, tau);
    const D = (s: number) => (valueAt(i, s) - valueAt(i, -s)) / (2 * s);
    const d1 = D(h);
    const d2 = D(h / 2);
    const d4 = D(h / 4);
    // Not smooth here (a max, a hinge): the three estimates disagree at first order. Skip.
    if (Math.abs(d1 - d2) > 1e-2 * (1 + Math.abs(d2)) || Math.abs(d2 - d4) > 1e-2 * (1 + Math.abs(d4))) {
      skipped++;
      continue;
    }
    const r1 = (4 * d2 - d1) / 3;
    const r2 = (4 * d4 - d2) / 3;
    const err = Math.abs(r2 - betas[i]!);
    // Richardson: R₂'s truncation error ≈ |R₁ − R₂|/16, bounded by |R₁ − R₂|/4; rounding of the values over the step h/4.
    const tol = Math.abs(r1 - r2) / 4 + (128 * Number.EPSILON * (1 + Math.abs(v.value))) / (h / 4) + 1e-9 * (1 + Math.abs(betas[i]!));
    const ratio = err / tol;
    if (!(ratio <= worstRatio)) {
      worstRatio = ratio;
      worst = {
        ok: ratio <= 1,
        error: err,
        tolerance: tol,
        derivation: `central differences at h, h/2, h/4 (h = ${fmt(h)}) with Richardson extrapolation: tol = |R₁ − R₂|/4 (truncation) + 128·ε·(1+|L|)/(h/4) (rounding) + 1e-9·(1+|β|)`,
        note: `∂L/∂${i < c.rPos.length ? 'r_+' : `r_${((i - c.rPos.length) % H) + 1}−`}: β = ${betas[i]}, differences give ${r2}`,
      };
    }
  }
  if (skipped > 0 && worstRatio < 0) return { ok: true, error: 0, tolerance: 0, note: `all ${skipped} distances at a kink: skipped` };
  return worst;
}

/** C6 weights: β are the derivatives of the value (float64, any loss). */
export function weightsCheck(u: LossUnderTest, o: { id?: string; runs?: number } = {}): PropertyCheck<DistanceCase> {
  return {
    type: 'property',
    id: o.id ?? `C6/float64/weights${idSuffix(u)}`,
    claim: 'C6',
    title: record.title,
    variant: `${u.family.label}: β = ∂L/∂r against finite differences`,
    expect: 'hold',
    arithmetic: 'float64',
    runs: { ci: o.runs ?? 40, full: (o.runs ?? 40) * 10 },
    arbitrary: () => arbDistanceCase(u, { values: 'float', lo: 0.0625, hi: 6 }),
    measure: (c) => {
      const loss = pipelineLoss(u, c.params);
      return loss ? measureWeights(loss, c) : NOT_APPLICABLE;
    },
    describe: (c) => c,
  };
}

// ---------------------------------------------------------------------------------------------
// The stated weights of the built-ins (softmax, sigmoid), three ways.

interface StatedCase {
  readonly loss: 'nce' | 'tri';
  readonly tau: number;
  readonly r0: number;
  readonly rPos: number;
  readonly rNeg: number[];
}

function statedWeights(c: StatedCase): number[] {
  if (c.loss === 'tri') {
    const u = (c.rPos - c.rNeg[0]! + c.r0) / c.tau;
    const s = u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u));
    return [s, -s];
  }
  // β_k = −e^{−r_k/τ}/Z as a softmax over the logits −r/τ (max subtracted: no underflow).
  const logits = [c.rPos, ...c.rNeg].map((r) => -r / c.tau);
  const m = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - m));
  const Z = e.reduce((a, b) => a + b, 0);
  const bk = e.slice(1).map((v) => -v / Z);
  return [-bk.reduce((a, b) => a + b, 0), ...bk];
}

const PLUGIN_NCE = pluginFamily(BUILTIN_PLUGINS.nce!, 'builtin:nce');
const PLUGIN_TRI = pluginFamily(BUILTIN_PLUGINS.tri!, 'builtin:tri');

const statedCheck: PropertyCheck<StatedCase> = {
  type: 'property',
  id: 'C6/float64/stated-weights',
  claim: 'C6',
  title: record.title,
  variant: 'built-in nce, tri: β equal the stated softmax/sigmoid weights and the dual-number derivatives of the plugin-format examples',
  expect: 'hold',
  arithmetic: 'float64',
  runs: { ci: 100, full: 1000 },
  arbitrary: () =>
    fc.oneof(
      fc.record({
        loss: fc.constant('nce' as const),
        tau: fc.double({ min: -3, max: 2, noNaN: true }).map((e) => 10 ** e),
        r0: fc.constant(0),
        rPos: fc.double({ min: 0, max: 20, noNaN: true }),
        rNeg: fc.array(fc.double({ min: 0, max: 20, noNaN: true }), { minLength: 1, maxLength: 4 }),
      }),
      fc.record({
        loss: fc.constant('tri' as const),
        tau: fc.double({ min: -3, max: 2, noNaN: true }).map((e) => 10 ** e),
        r0: fc.double({ min: -2, max: 2, noNaN: true }),
        rPos: fc.double({ min: 0, max: 20, noNaN: true }),
        rNeg: fc.array(fc.double({ min: 0, max: 20, noNaN: true }), { minLength: 1, maxLength: 1 }),
      }),
    ),
  measure: (c) => {
    const spec = c.loss === 'nce' ? { name: 'nce', tau: c.tau } : { name: 'tri', tau: c.tau, r0: c.r0 };
    const builtin = parseLoss(spec);
    const plugin = (c.loss === 'nce' ? PLUGIN_NCE : PLUGIN_TRI).make(c.loss === 'nce' ? { tau: c.tau } : { tau: c.tau, r0: c.r0 });
    const batch = { rPos: [c.rPos], rNeg: [c.rNeg], dim: 2, reduction: 'mean' as const };
    const a = builtin.evaluate(F64, batch);
    const b = plugin.evaluate(F64, batch);
    const want = statedWeights(c);
    const got = [a.betaPos[0]!, ...a.betaNeg[0]!];
    const dual = [b.betaPos[0]!, ...b.betaNeg[0]!];
    let err = 0;
    want.forEach((w, i) => (err = Math.max(err, Math.abs(w - got[i]!), Math.abs(w - dual[i]!))));
    const valueErr = Math.abs(a.value - b.value);
    const t = tolerance('float64', 'identity', 8 * (want.length + 1), 1);
    const tv = tolerance('float64', 'identity', 8 * (want.length + 1), Math.abs(a.value) + c.rPos + c.rNeg.reduce((p, q) => p + q, 0) + Math.abs(c.r0));
    const ok = err <= t.tol && valueErr <= tv.tol && want.every(Number.isFinite);
    return {
      ok,
      error: err / t.tol >= valueErr / tv.tol ? err : valueErr,
      tolerance: err / t.tol >= valueErr / tv.tol ? t.tol : tv.tol,
      derivation: t.derivation,
      note: `stated ${want.map(fmt).join(', ')}; built-in ${got.map(fmt).join(', ')}; dual ${dual.map(fmt).join(', ')}; values ${a.value} vs ${b.value}`,
    };
  },
  describe: (c) => c,
};

// ---------------------------------------------------------------------------------------------
// Small τ: no NaN, in float64 and float32.

interface SmallTauCase {
  readonly tau: number;
  readonly rPos: number;
  readonly rNeg: number[];
}

/** τ from 1e-3 to 1 (log-uniform), distances up to 50 apart. */
function arbSmallTau(u: LossUnderTest): fc.Arbitrary<SmallTauCase> {
  const [lo, hi] = hRange(u.family, 4);
  const r = fc.oneof(fc.double({ min: 0, max: 50, noNaN: true }), fc.constantFrom(0, 1, 50));
  return fc.record({
    tau: fc.oneof(fc.constantFrom(1e-3, 2e-3, 1e-2), fc.double({ min: -3, max: 0, noNaN: true }).map((e) => 10 ** e)),
    rPos: r,
    rNeg: fc.integer({ min: lo, max: hi }).chain((H) => fc.array(r, { minLength: H, maxLength: H })),
  });
}

function measureSmallTau(u: LossUnderTest, c: SmallTauCase): Measurement {
  const base: Params = { ...u.family.params, tau: c.tau };
  if (u.family.params.r0 !== undefined) Object.assign(base, { r0: u.family.params.r0 });
  const loss = pipelineLoss(u, base);
  if (!loss) return NOT_APPLICABLE;
  const batch64 = { rPos: [c.rPos], rNeg: [c.rNeg], dim: 2, reduction: 'mean' as const };
  const batch32 = { rPos: [Math.fround(c.rPos)], rNeg: [c.rNeg.map(Math.fround)], dim: 2, reduction: 'mean' as const };
  let worst: Measurement = { ok: true, error: 0, tolerance: 0 };
  let worstRatio = -1;
  for (const [A, name, batch] of [[F64, 'float64', batch64], [F32, 'float32', batch32]] as const) {
    let v;
    try {
      v = loss.evaluate(A, batch);
    } catch (e) {
      return { ok: false, error: Number.NaN, tolerance: 0, note: `${name}: ${e instanceof Error ? e.message : String(e)}` };
    }
    const all = [v.value, ...v.betaPos, ...v.betaNeg.flat()];
    if (!all.every(Number.isFinite)) {
      return { ok: false, error: Number.NaN, tolerance: 0, note: `${name}: non-finite value or weight at τ = ${c.tau}: L = ${v.value}, β = [${[...v.betaPos, ...v.betaNeg.flat()].join(', ')}]` };
    }
    const betas = [v.betaPos[0]!, ...v.betaNeg[0]!];
    const err = Math.abs(betas.reduce((p, q) => p + q, 0));
    const t = tolerance(name, 'identity', 4 * (betas.length + 1), 1 + betas.reduce((p, q) => p + Math.abs(q), 0));
    if (err / t.tol > worstRatio) {
      worstRatio = err / t.tol;
      worst = { ok: err <= t.tol, error: err, tolerance: t.tol, derivation: `${name} balance at small τ: ${t.derivation}`, note: `${name}: β = [${betas.map(fmt).join(', ')}]` };
    }
  }
  return worst;
}

/** C6 small τ: finite, balanced values and weights for τ down to 1e-3 in float64 and float32. */
export function smallTauCheck(u: LossUnderTest, o: { id?: string; runs?: number } = {}): PropertyCheck<SmallTauCase> {
  return {
    type: 'property',
    id: o.id ?? `C6/float32/small-tau${idSuffix(u)}`,
    claim: 'C6',
    title: record.title,
    variant: `${u.family.label}: τ ∈ [1e-3, 1], finite and balanced in float64 and float32`,
    expect: 'hold',
    arithmetic: 'float32',
    runs: { ci: o.runs ?? 60, full: (o.runs ?? 60) * 10 },
    arbitrary: () => arbSmallTau(u),
    measure: (c) => measureSmallTau(u, c),
    describe: (c) => c,
  };
}

// ---------------------------------------------------------------------------------------------
// Large-τ limits (nce, tri): error·τ bounded, slope −1 in log-log; an SVG plot.

const TAUS = Array.from({ length: 17 }, (_, k) => 2 ** k);
/** The fit uses τ ≥ 2^FIT_FROM. */
const FIT_FROM = 8;
const SLOPE_TOL = 0.1;
const BOUND_RATIO = 1.5;

interface LimitSeries {
  readonly name: string;
  readonly points: [number, number][];
  /** Rounding level of the error at each τ: points below 100× it are not fitted (a series entirely below is exact). */
  readonly floor: number | ((tau: number) => number);
}

/** Least-squares slope of log e against log τ. */
export function logLogSlope(points: readonly (readonly [number, number])[]): number {
  const pts = points.filter(([x, y]) => x > 0 && y > 0).map(([x, y]) => [Math.log(x), Math.log(y)] as const);
  const n = pts.length;
  if (n < 2) return Number.NaN;
  const mx = pts.reduce((s, p) => s + p[0], 0) / n;
  const my = pts.reduce((s, p) => s + p[1], 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of pts) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxy / sxx;
}

/** A fixed small tree network and batch (seeded), for the gradient limits. */
function limitNetwork(seed: number, H: number): { spec: NetworkSpec; params: ReturnType<typeof initParams>; batch: Batch<number> } {
  const tree = completeTree(2, 2, () => 0.5);
  const spec: NetworkSpec = { arch: treeArchitecture(tree, 2, 2), activation: { kind: 'relu' }, bias: false, normalize: false, eps: 1e-4 };
  const rng = new Rng(seed);
  const params = initParams(spec, rng, { scheme: 'gaussian' });
  // Generic inputs in [0, 1] (binary ones can make ∇r_+ − ∇r_− vanish exactly).
  const bits = () => Array.from({ length: 4 }, () => rng.range(0, 1));
  const B = 2;
  return { spec, params, batch: { x: Array.from({ length: B }, bits), pos: Array.from({ length: B }, bits), neg: Array.from({ length: B }, () => Array.from({ length: H }, bits)) } };
}

interface LimitTarget {
  readonly u: LossUnderTest;
  readonly kind: 'nce' | 'tri';
  readonly H: number;
  readonly r0: number;
}

export function limitSeries(t: LimitTarget, seed: number): LimitSeries[] {
  const { H, kind } = t;
  const rng = new Rng(seed);
  const rPos = [rng.range(0, 2)];
  const rNeg = [Array.from({ length: H }, () => rng.range(0, 2))];
  const wLim = kind === 'nce' ? 1 / (H + 1) : 1 / 2;
  const simpVal = rPos[0]! - rNeg[0]!.reduce((a, b) => a + b, 0) / H;
  const shiftConst = kind === 'nce' ? Math.log(H + 1) : Math.LN2;
  const valLim = kind === 'nce' ? (H / (H + 1)) * simpVal : 0.5 * (simpVal + t.r0);
  const net = limitNetwork(seed ^ 0x5bd1, H);
  const engine = (t.u.pipeline ?? CORRECT).engine;
  const simpGrad = engine(F64, net.spec, net.params, net.batch, parseLoss({ name: 'simp' })).grads.W.flat();
  const label = `${kind} H=${H}${kind === 'tri' ? ` r0=${t.r0}` : ''}`;
  const eB: [number, number][] = [];
  const eL: [number, number][] = [];
  const eG: [number, number][] = [];
  const l1 = (v: readonly number[]) => v.reduce((a, b) => a + Math.abs(b), 0);
  const gradFloor = 64 * Number.EPSILON * (1 + 2 * l1(simpGrad));
  for (const tau of TAUS) {
    const params: Params = kind === 'nce' ? { tau } : { tau, r0: t.r0 };
    const loss = pipelineLoss(t.u, params);
    if (!loss) return [];
    const v = loss.evaluate(F64, { rPos, rNeg, dim: 2, reduction: 'mean' });
    eB.push([tau, Math.max(Math.abs(v.betaPos[0]! - wLim * (kind === 'nce' ? H : 1)), ...v.betaNeg[0]!.map((b) => Math.abs(b + wLim)))]);
    eL.push([tau, Math.abs(v.value - tau * shiftConst - valLim)]);
    const g = engine(F64, net.spec, net.params, net.batch, loss).grads.W.flat();
    let s = 0;
    g.forEach((x, i) => (s += (x - wLim * (kind === 'nce' ? H : 1) * simpGrad[i]!) ** 2));
    eG.push([tau, Math.sqrt(s)]);
  }
  const rSum = rPos[0]! + rNeg[0]!.reduce((a, b) => a + b, 0);
  return [
    { name: `${label}: weights`, points: eB, floor: 64 * Number.EPSILON },
    { name: `${label}: gradient`, points: eG, floor: gradFloor },
    // L ≈ τ·log(H+1) at large τ: its rounding grows like ε·τ, so the floor does too.
    { name: `${label}: shifted loss`, points: eL, floor: (tau: number) => 16 * Number.EPSILON * (tau * shiftConst + rSum + Math.abs(t.r0) + 1) },
  ];
}

/** The large-τ limits as one custom check with a log-log plot in `plots`. */
export function limitsCheck(targets: readonly LimitTarget[], o: { id: string; variant: string }): CustomCheck {
  return {
    type: 'custom',
    id: o.id,
    claim: 'C6',
    title: record.title,
    variant: o.variant,
    expect: 'hold',
    arithmetic: 'float64',
    async run(options: RunOptions): Promise<Omit<CheckResult, 'ms'>> {
      const series: LimitSeries[] = [];
      targets.forEach((t, i) => series.push(...limitSeries(t, options.seed + 7919 * i)));
      const bad: string[] = [];
      let worst = { ratio: 0, error: 0, tolerance: SLOPE_TOL };
      const slopes: Record<string, number | string> = {};
      for (const s of series) {
        const floorAt = (tau: number) => (typeof s.floor === 'number' ? s.floor : s.floor(tau));
        const usable = s.points.filter(([tau, e]) => e > 100 * floorAt(tau));
        // Fit τ ≥ 2^FIT_FROM; when rounding hides the tail (nearly tied distances), fit the largest
        // usable τ (at least 4 points) instead; entirely at rounding level: exact.
        let tail = usable.filter(([tau]) => tau >= 2 ** FIT_FROM);
        if (tail.length < 4) tail = usable.slice(-Math.max(4, tail.length));
        if (tail.length < 4) {
          slopes[s.name] = 'exact (at rounding level)';
          continue;
        }
        const slope = logLogSlope(tail);
        const scaled = tail.map(([tau, e]) => tau * e).filter((x) => x > 0);
        const bound = Math.max(...scaled) / Math.min(...scaled);
        slopes[s.name] = Number(slope.toFixed(4));
        const dev = Math.abs(slope + 1);
        if (dev / SLOPE_TOL > worst.ratio) worst = { ratio: dev / SLOPE_TOL, error: dev, tolerance: SLOPE_TOL };
        if (!(dev <= SLOPE_TOL) || !(bound <= BOUND_RATIO)) bad.push(`${s.name}: slope ${fmt(slope)}, max/min of error·τ ${fmt(bound)}`);
      }
      // One plot per quantity (weights, gradient, shifted loss), each with a slope −1 reference line.
      const plots: Record<string, string> = {};
      for (const q of ['weights', 'gradient', 'shifted loss']) {
        const group = series.filter((s) => s.name.endsWith(`: ${q}`) && s.points.some(([tau, e]) => e > 100 * (typeof s.floor === 'number' ? s.floor : s.floor(tau))));
        if (group.length === 0) continue;
        const e0 = Math.max(...group.map((s) => s.points[0]![1]));
        const ref = { name: 'slope −1 (reference)', points: TAUS.map((tau) => [tau, e0 / tau] as [number, number]) };
        plots[`${slug(o.id, 100)}-${q.replace(' ', '-')}.svg`] = await linePlot({
          title: `C6: ${q}, error against τ (fit τ ≥ 2^${FIT_FROM}: slope −1 ± ${SLOPE_TOL})`,
          xLabel: 'τ',
          yLabel: `|error| of the ${q}`,
          logX: true,
          logY: true,
          series: [...group.map((s) => ({ name: s.name.slice(0, -(q.length + 2)), points: s.points })), ref],
        });
      }
      return {
        check: o.id,
        claim: 'C6',
        verdict: series.length === 0 ? 'inconclusive' : bad.length === 0 ? 'pass' : 'fail',
        expect: 'hold',
        arithmetic: 'float64',
        variant: o.variant,
        cases: series.length,
        worst,
        seed: options.seed,
        statistic: slopes,
        message:
          series.length === 0
            ? 'the pipeline has no version of these losses'
            : bad.length === 0
              ? `${series.length} series: log-log slope −1 ± ${SLOPE_TOL} for τ ≥ 2^${FIT_FROM} and error·τ bounded (max/min ≤ ${BOUND_RATIO})`
              : `not O(1/τ): ${bad.join('; ')}`,
        plots,
      };
    },
  };
}

/** The limits check for one loss family (nce or tri by name; others: none). */
export function limitsCheckFor(u: LossUnderTest): CustomCheck | null {
  const kind = u.family.name === 'nce' || u.family.name === 'tri' ? u.family.name : null;
  if (!kind || u.family.params.tau === undefined) return null;
  const Hs = kind === 'tri' ? [1] : [1, 2].filter((h) => h >= u.family.negatives[0] && h <= u.family.negatives[1]);
  return limitsCheck(
    Hs.map((H) => ({ u, kind, H, r0: u.family.params.r0 ?? 0 })),
    { id: `C6/float64/large-tau-limits${idSuffix(u)}`, variant: `${u.family.label}: errors O(1/τ) as τ → ∞` },
  );
}

// ---------------------------------------------------------------------------------------------
// The registry's checks.

const NCE = familyOf(parseLoss({ name: 'nce', tau: 1 }));
const TRI = familyOf(parseLoss({ name: 'tri', tau: 1, r0: 0 }));
const logTau = fc.double({ min: -2, max: 2, noNaN: true }).map((e) => 10 ** e);
const UNBALANCED = pluginFamily(BUILTIN_PLUGINS.unbalanced!, 'builtin:unbalanced');
const SIMP = pluginFamily(BUILTIN_PLUGINS.simp!, 'builtin:simp');

export const checks: readonly Check[] = [
  balanceCheck({ family: NCE, params: logTau.map((tau) => ({ tau })) }, { id: 'C6/float64/balance-nce' }),
  balanceCheck({ family: TRI, params: fc.record({ tau: fc.oneof(logTau, fc.constant(0)), r0: fc.double({ min: -2, max: 2, noNaN: true }) }) }, { id: 'C6/float64/balance-tri' }),
  balanceCheck({ family: PLUGIN_NCE, params: logTau.map((tau) => ({ tau })) }, { id: 'C6/float64/balance-nce-plugin' }),
  balanceCheck({ family: SIMP }, { id: 'C6/rational/balance-simp' }),
  balanceCheck({ family: UNBALANCED }, { id: 'C6/rational/unbalanced', expect: 'fail' }),
  statedCheck,
  weightsCheck({ family: NCE, params: fc.double({ min: -1, max: 1, noNaN: true }).map((e) => ({ tau: 10 ** e })) }, { id: 'C6/float64/weights-nce' }),
  weightsCheck({ family: TRI, params: fc.record({ tau: fc.double({ min: -1, max: 1, noNaN: true }).map((e) => 10 ** e), r0: fc.double({ min: -1, max: 1, noNaN: true }) }) }, { id: 'C6/float64/weights-tri' }),
  smallTauCheck({ family: NCE }, { id: 'C6/float32/small-tau-nce' }),
  smallTauCheck({ family: PLUGIN_NCE }, { id: 'C6/float32/small-tau-nce-plugin' }),
  smallTauCheck({ family: TRI }, { id: 'C6/float32/small-tau-tri' }),
  limitsCheck(
    [
      { u: { family: NCE }, kind: 'nce', H: 1, r0: 0 },
      { u: { family: NCE }, kind: 'nce', H: 2, r0: 0 },
      { u: { family: NCE }, kind: 'nce', H: 3, r0: 0 },
      { u: { family: TRI }, kind: 'tri', H: 1, r0: 0 },
      { u: { family: TRI }, kind: 'tri', H: 1, r0: 0.5 },
    ],
    { id: 'C6/float64/large-tau-limits', variant: 'nce (H = 1, 2, 3), tri (r0 = 0, 0.5): weights, gradients and shifted losses, τ = 1 … 2^16' },
  ),
];
