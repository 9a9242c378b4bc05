/**
 * src/theory against oracles that share no code with it (issue 12 item 5, docs/mutation.md): every
 * quantity is recomputed here by direct enumeration over the leaf configurations, or checked as the
 * derivative of an expectation by central differences of that expectation (exact rationals where the
 * expectation is a polynomial in the moved weight, float64 Richardson otherwise).
 */
import { describe, expect, it } from 'vitest';
import { EXACT, F64, type Arith } from '../src/numeric/arith.js';
import { Rational } from '../src/numeric/rational.js';
import { Rng } from '../src/numeric/random.js';
import { compareDerivative, richardsonDerivative } from '../src/numeric/finiteDifference.js';
import { buildTree, completeTree } from '../src/hltm/tree.js';
import { leafDistribution, type LeafDistribution } from '../src/hltm/exactDistribution.js';
import { parseAugmentation } from '../src/hltm/augmentation.js';
import { treeArchitecture, type NetworkSpec, type Params } from '../src/network/architecture.js';
import { initParams, toArith } from '../src/network/init.js';
import { forward } from '../src/network/forward.js';
import { connections } from '../src/network/connection.js';
import { parseLoss } from '../src/losses/index.js';
import type { Loss } from '../src/losses/loss.js';
import { conditionalMeans, expectation } from '../src/theory/conditionalMeans.js';
import { crossCovariance, operatorMatrix, operatorQuadratic, operatorTimes, outputVarianceTrace } from '../src/theory/covarianceOperator.js';
import { expectedSimpleGradient, expectedSimpleGradientFrom, sameDepthBlocks } from '../src/theory/expectedGradient.js';
import { expectedLossGradient, oracleExpectedGradient } from '../src/theory/expectedLossGradient.js';
import { inBatchExpectedGradient, MAX_IN_BATCH_ENUMERATION } from '../src/theory/inBatchExpectedGradient.js';
import { monteCarloMean, viewGivenRoot } from '../src/theory/monteCarlo.js';
import { axpy, conditionalTables, distance, modelMagnitudes, pairGradient, pairwiseModel, THEORY_LAW, type PairwiseModel, type TupleLaw } from '../src/theory/pairwiseModel.js';
import { expectWithin, withinBound } from './support/within.js';
import { norm2, pairwiseOperatorTimes, residue, residueClosedForm, residueRatio, withinCovariance } from '../src/theory/pairwiseOperator.js';

const tree = completeTree(2, 2, (n) => (n.length % 2 ? 0.75 : -0.5), 0.625);
const specOf = (bias: boolean): NetworkSpec => ({ arch: treeArchitecture(tree, 2, 2), activation: { kind: 'relu' }, bias, normalize: false, eps: 1e-4 });
const NOBIAS = specOf(false);
const BIAS = specOf(true);
// Smaller trees where the oracle enumerates tuples or batches: 3 leaves (blocks at two depths), 2 leaves.
const tree3 = buildTree([[0, 0], 0], (n) => (n.length % 2 ? 0.75 : -0.5), 0.625);
const BIAS3: NetworkSpec = { ...BIAS, arch: treeArchitecture(tree3, 2, 2) };
const tree2 = completeTree(1, 2, (n) => (n === 's0' ? 0.75 : -0.5), 0.625);
const BIAS2: NetworkSpec = { ...BIAS, arch: treeArchitecture(tree2, 2, 2) };
const p64 = (spec: NetworkSpec, seed = 5) => initParams(spec, new Rng(seed), { scheme: 'pytorch' });
/** Dyadic weights (few binary digits): exact rational sums stay short. */
const dyadic = (spec: NetworkSpec, seed: number) => initParams(spec, new Rng(seed), { scheme: 'dyadic', bits: 3 });
const eq = (a: readonly Rational[], b: readonly Rational[]) => a.length === b.length && a.every((v, i) => v.equals(b[i]!));
const R = (s: string) => Rational.parse(s);

/** Parameters with one entry moved by t (W or b of a block). */
function moved<T>(A: Arith<T>, P: Params<T>, which: 'W' | 'b', block: number, r: number, t: T): Params<T> {
  const W = P.W.map((w, nu) => (which === 'W' && nu === block ? w.map((v, k) => (k === r ? A.add(v, t) : v)) : [...w]));
  const b = P.b ? P.b.map((w, nu) => (which === 'b' && nu === block ? w.map((v, k) => (k === r ? A.add(v, t) : v)) : [...w])) : null;
  return { W, b };
}

/** Exact central difference (f(t+h) − f(t−h))/2h: the derivative itself for a quadratic in t. */
function exactSlope(f: (t: Rational) => Rational, h = R('1/1073741824')): Rational {
  return f(h).sub(f(h.neg())).div(h.mul(R('2')));
}

/** Brute-force tables: f(c), K_ν(c), marginal m(c). */
function tables<T>(A: Arith<T>, spec: NetworkSpec, P: Params<T>, dist: LeafDistribution<T>) {
  const f: T[][] = [];
  const K: T[][][] = [];
  const m: T[] = [];
  dist.configs.forEach((cfg, c) => {
    const tr = forward(A, spec, P, Array.from(cfg, (v) => A.from(v)));
    f.push([...tr.out]);
    K.push(connections(A, spec, P, tr).map((k) => k.K));
    m.push(dist.x0.reduce((s, x, i) => A.add(s, A.mul(x.prob, dist.cond[i]![c]!)), A.zero));
  });
  return { f, K, m };
}

/** E[L_simp] = E ½‖f − f₊‖² − E ½‖f − f₋‖² by enumeration of (x_0, c, c₊) and c₋ ~ m. */
function simpExpectedLoss<T>(A: Arith<T>, spec: NetworkSpec, P: Params<T>, dist: LeafDistribution<T>): T {
  const { f, m } = tables(A, spec, P, dist);
  const half = (a: readonly T[], b: readonly T[]) => A.div(a.reduce((s, v, k) => A.add(s, A.mul(A.sub(v, b[k]!), A.sub(v, b[k]!))), A.zero), A.from(2));
  let s = A.zero;
  const C = dist.configs.length;
  dist.x0.forEach((x, i) => {
    for (let c = 0; c < C; c++) {
      const pc = A.mul(x.prob, dist.cond[i]![c]!);
      if (A.sign(pc) === 0) continue;
      for (let c2 = 0; c2 < C; c2++) {
        s = A.add(s, A.mul(A.mul(pc, dist.cond[i]![c2]!), half(f[c]!, f[c2]!)));
        s = A.sub(s, A.mul(A.mul(pc, m[c2]!), half(f[c]!, f[c2]!)));
      }
    }
  });
  return s;
}

// Fast checks first: Stryker stops a mutant's run at the first failing test.
describe('conditional means and the covariance operator, against direct enumeration', () => {
  const A = EXACT;
  const dist = leafDistribution(A, tree, parseAugmentation('level(1)+flip(0.25)'));
  const P = toArith(A, p64(BIAS));
  const T = tables(A, BIAS, P, dist);
  const cm = conditionalMeans(A, BIAS, P, dist);
  const n0 = dist.x0.length;
  const C = dist.configs.length;
  const Kbar = (i: number, nu: number) => {
    const out = T.K[0]![nu]!.map(() => A.zero);
    for (let c = 0; c < C; c++) T.K[c]![nu]!.forEach((v, r) => (out[r] = A.add(out[r]!, A.mul(dist.cond[i]![c]!, v))));
    return out;
  };
  const fbar = (i: number) => {
    const out = T.f[0]!.map(() => A.zero);
    for (let c = 0; c < C; c++) T.f[c]!.forEach((v, k) => (out[k] = A.add(out[k]!, A.mul(dist.cond[i]![c]!, v))));
    return out;
  };
  const mean = (rows: Rational[][]) => rows[0]!.map((_, r) => rows.reduce((s, row, i) => s.add(dist.x0[i]!.prob.mul(row[r]!)), Rational.ZERO));
  const nOut = BIAS.arch.nOut;

  it('K̄, f̄, p, the marginal and E‖f‖² are the conditional sums', () => {
    expect(n0).toBeGreaterThan(2);
    expect(cm.nConfigs).toBe(C);
    expect(cm.traces).toHaveLength(C);
    expect(eq(cm.marginal, T.m)).toBe(true);
    expect(eq(cm.p, dist.x0.map((x) => x.prob))).toBe(true);
    for (let i = 0; i < n0; i++) {
      expect(eq(cm.fbar[i]!, fbar(i))).toBe(true);
      for (const b of BIAS.arch.blocks) expect(eq(cm.Kbar[i]![b.index]!, Kbar(i, b.index))).toBe(true);
    }
    const msn = T.f.reduce((s, f, c) => s.add(T.m[c]!.mul(f.reduce((q, v) => q.add(v.mul(v)), Rational.ZERO))), Rational.ZERO);
    expect(cm.meanSquaredNorm.equals(msn)).toBe(true);
    expect(cm.meanSquaredNorm.sign()).toBe(1);
    expect(cm.traces[C - 1]!.x.every((v) => v.equals(Rational.ONE))).toBe(true);
    expect(eq(expectation(A, cm.p, cm.fbar), mean(cm.fbar))).toBe(true);
  });

  it('only the requested blocks get K̄; none requested gives f̄ alone', () => {
    const one = conditionalMeans(A, BIAS, P, dist, [1]);
    expect(one.blocks).toEqual([1]);
    expect(one.Kbar[0]![0]).toEqual([]);
    expect(eq(one.Kbar[1]![1]!, Kbar(1, 1))).toBe(true);
    const none = conditionalMeans(A, BIAS, P, dist, []);
    expect(none.Kbar[0]!.every((k) => k.length === 0)).toBe(true);
    expect(eq(none.fbar[2]!, fbar(2))).toBe(true);
  });

  // The explicit covariance matrix Σ_i p_i (K̄(i) − EK̄)(K̄(i) − EK̄)ᵀ over a cut, written independently.
  const cut = BIAS.arch.layers[1]!.blocks;
  const stacked = Array.from({ length: n0 }, (_, i) => cut.flatMap((nu) => Kbar(i, nu)));
  const sMean = mean(stacked);
  const centred = stacked.map((row) => row.map((v, r) => v.sub(sMean[r]!)));
  const d = stacked[0]!.length / nOut;
  const cov = Array.from({ length: d }, (_, a) =>
    Array.from({ length: d }, (_, b) => centred.reduce((s, row, i) => {
      let q = Rational.ZERO;
      for (let k = 0; k < nOut; k++) q = q.add(row[a * nOut + k]!.mul(row[b * nOut + k]!));
      return s.add(dist.x0[i]!.prob.mul(q));
    }, Rational.ZERO)),
  );
  // A vector over the cut with zeros in it (the skipped entries) and distinct values elsewhere.
  const w = cut.map((nu) => P.W[nu]!.map((_, r) => (r % 3 === 1 ? A.zero : A.from((r + 2 * nu - 3) / 4))));
  const wFlat = w.flat();

  it('operatorMatrix is the covariance matrix; operatorTimes is its product; the quadratic form is wᵀOPw', () => {
    expect(cut.length).toBe(2);
    const M = operatorMatrix(A, BIAS, cm, cut);
    expect(M).toHaveLength(d);
    expect(M.every((row, a) => eq(row, cov[a]!))).toBe(true);
    const Mw = cov.map((row) => row.reduce((s, v, b) => s.add(v.mul(wFlat[b]!)), Rational.ZERO));
    const full: Rational[][] = P.W.map(() => []);
    cut.forEach((nu, k) => (full[nu] = w[k]!));
    const got = operatorTimes(A, BIAS, cm, cut, full);
    expect([...got.keys()]).toEqual([...cut]);
    expect(eq(cut.flatMap((nu) => got.get(nu)!), Mw)).toBe(true);
    const quad = wFlat.reduce((s, v, a) => s.add(v.mul(Mw[a]!)), Rational.ZERO);
    expect(operatorQuadratic(A, BIAS, cm, cut, full).equals(quad)).toBe(true);
    expect(quad.sign()).toBe(1);
  });

  it('Cov(K̄_ν, f̄) and tr V[f̄] are the centred sums', () => {
    const F = Array.from({ length: n0 }, (_, i) => fbar(i));
    const fMean = mean(F);
    let tr = Rational.ZERO;
    F.forEach((f, i) => f.forEach((v, k) => (tr = tr.add(dist.x0[i]!.prob.mul(v.sub(fMean[k]!).mul(v.sub(fMean[k]!)))))));
    expect(outputVarianceTrace(A, cm).equals(tr)).toBe(true);
    for (const b of BIAS.arch.blocks) {
      const Kb = Array.from({ length: n0 }, (_, i) => Kbar(i, b.index));
      const Km = mean(Kb);
      const want = Array.from({ length: b.out * b.in }, (_, r) =>
        Kb.reduce((s, K, i) => {
          let q = Rational.ZERO;
          for (let k = 0; k < nOut; k++) q = q.add(K[r * nOut + k]!.sub(Km[r * nOut + k]!).mul(F[i]![k]!.sub(fMean[k]!)));
          return s.add(dist.x0[i]!.prob.mul(q));
        }, Rational.ZERO),
      );
      expect(eq(crossCovariance(A, BIAS, cm, b.index), want)).toBe(true);
    }
  });
});

describe('the pairwise model tables and the pairwise operator, against direct sums', () => {
  const A = EXACT;
  const dist = leafDistribution(A, tree, parseAugmentation('level(1)+flip(0.25)'));
  const P = toArith(A, dyadic(BIAS, 7));
  const cut = BIAS.arch.layers[1]!.blocks;
  const M = pairwiseModel(A, BIAS, P, dist, cut);
  const T = tables(A, BIAS, P, dist);
  const nOut = 2;
  const d = M.d;
  const cond = (i: number, c: number) => dist.cond[i]![c]!;
  const Kc = (c: number) => cut.flatMap((nu) => T.K[c]![nu]!);
  const n0 = M.p.length;

  it('support, f, K, w, d, the marginal and the magnitudes', () => {
    expect(M.support).toEqual(T.m.map((m, c) => (m.sign() > 0 ? c : -1)).filter((c) => c >= 0));
    expect(eq(M.marginal as Rational[], T.m)).toBe(true);
    expect(M.cut).toBe(cut);
    expect(d).toBe(cut.reduce((s, nu) => s + P.W[nu]!.length, 0));
    expect(eq(M.w as Rational[], cut.flatMap((nu) => P.W[nu]!))).toBe(true);
    for (const c of M.support) {
      expect(eq(M.f[c] as Rational[], T.f[c]!)).toBe(true);
      expect(eq(M.K[c] as Rational[], Kc(c))).toBe(true);
    }
    const mags = modelMagnitudes(M);
    expect(mags.K).toBe(Math.max(...M.support.flatMap((c) => Kc(c).map((v) => Math.abs(v.toNumber())))));
    expect(mags.f).toBe(Math.max(...M.support.flatMap((c) => T.f[c]!.map((v) => Math.abs(v.toNumber())))));
  });

  it('a model with configurations outside the support leaves them empty', () => {
    const sharp = completeTree(2, 2, () => 1, 0.625);
    const spec = { ...NOBIAS, arch: treeArchitecture(sharp, 2, 2) };
    const Ms = pairwiseModel(A, spec, toArith(A, p64(spec)), leafDistribution(A, sharp, parseAugmentation('root')), spec.arch.layers[0]!.blocks);
    expect(Ms.support).toEqual([0, 15]);
    expect(Ms.f[3]).toEqual([]);
    expect(Ms.K[3]).toEqual([]);
    expect(Ms.marginal[3]!.sign()).toBe(0);
  });

  it('D(a,b) is the slope of ½‖f(a) − f(b)‖² in the cut weights; distance is that half squared norm', () => {
    // General-position weights (dyadic ones can put a pre-activation exactly on a ReLU kink).
    const Pg = toArith(A, p64(BIAS, 7));
    const Mg = pairwiseModel(A, BIAS, Pg, dist, cut);
    const Tg = tables(A, BIAS, Pg, dist);
    const [a, b] = [Mg.support[3]!, Mg.support[Mg.support.length - 2]!];
    const D = pairGradient(Mg, a, b);
    expect(pairGradient(Mg, a, a).every((v) => v.sign() === 0)).toBe(true);
    const half = (fa: readonly Rational[], fb: readonly Rational[]) => fa.reduce((s, v, k) => s.add(v.sub(fb[k]!).mul(v.sub(fb[k]!))), Rational.ZERO).div(R('2'));
    expect(distance(Mg, a, b).equals(half(Tg.f[a]!, Tg.f[b]!))).toBe(true);
    expect(distance(Mg, a, b).equals(distance(Mg, a, b))).toBe(true);
    expect(distance(Mg, b, a).equals(half(Tg.f[b]!, Tg.f[a]!))).toBe(true);
    let r = 0;
    let nonzero = 0;
    for (const nu of cut) {
      for (let k = 0; k < Pg.W[nu]!.length; k++, r++) {
        const slope = exactSlope((t) => {
          const Pm = moved(A, Pg, 'W', nu, k, t);
          const fa = forward(A, BIAS, Pm, Array.from(dist.configs[a]!, (v) => A.from(v))).out;
          const fb = forward(A, BIAS, Pm, Array.from(dist.configs[b]!, (v) => A.from(v))).out;
          return half(fa, fb);
        });
        expect(D[r]!.equals(slope), `D[${r}]`).toBe(true);
        if (slope.sign() !== 0) nonzero++;
      }
    }
    expect(nonzero).toBeGreaterThan(1);
  });

  it('axpy adds a·x, skipping nothing that matters', () => {
    const acc = [R('1'), R('2'), R('3')];
    axpy(A, acc, R('1/2'), [R('2'), R('0'), R('-4')]);
    expect(acc.map(String)).toEqual(['2', '2', '1']);
    axpy(A, acc, R('0'), [R('5'), R('5'), R('5')]);
    expect(acc.map(String)).toEqual(['2', '2', '1']);
  });

  const Kbar = (i: number) => {
    const out = new Array<Rational>(d * nOut).fill(Rational.ZERO);
    for (const c of M.support) Kc(c).forEach((v, r) => (out[r] = out[r]!.add(cond(i, c).mul(v))));
    return out;
  };
  const fbar = (i: number) => [0, 1].map((k) => M.support.reduce((s, c) => s.add(cond(i, c).mul(T.f[c]![k]!)), Rational.ZERO));
  const Kf = (c: number) => Array.from({ length: d }, (_, r) => [0, 1].reduce((s, k) => s.add(Kc(c)[r * nOut + k]!.mul(T.f[c]![k]!)), Rational.ZERO));

  it('conditionalTables and the within-x_0 covariance C(i) = E[Kf | i] − K̄(i) f̄(i)', () => {
    const t = conditionalTables(M);
    const within = withinCovariance(M);
    let nonzero = 0;
    for (let i = 0; i < n0; i++) {
      expect(eq(t.Kbar[i]!, Kbar(i))).toBe(true);
      expect(eq(t.fbar[i]!, fbar(i))).toBe(true);
      const kf = Array.from({ length: d }, (_, r) => M.support.reduce((s, c) => s.add(cond(i, c).mul(Kf(c)[r]!)), Rational.ZERO));
      expect(eq(t.KfBar[i]!, kf)).toBe(true);
      const want = kf.map((v, r) => v.sub(Kbar(i)[r * nOut]!.mul(fbar(i)[0]!)).sub(Kbar(i)[r * nOut + 1]!.mul(fbar(i)[1]!)));
      expect(eq(within[i]!, want)).toBe(true);
      if (want.some((v) => v.sign() !== 0)) nonzero++;
    }
    expect(nonzero).toBeGreaterThan(0);
  });

  // An asymmetric ξ with a zero entry, and a vector v with zeros.
  const xi = Array.from({ length: n0 }, (_, i) => Array.from({ length: n0 }, (_, j) => (i === 0 && j === 1 ? Rational.ZERO : A.from(((3 * i + 5 * j) % 7) / 4 + 0.5))));
  const v = Array.from({ length: d }, (_, r) => (r % 4 === 2 ? Rational.ZERO : A.from((r - 3) / 8)));
  const explicitOp = (vec: readonly Rational[]) => {
    const out = new Array<Rational>(d).fill(Rational.ZERO);
    for (let i = 0; i < n0; i++) for (let j = 0; j < n0; j++) {
      const dK = Kbar(i).map((x, r) => x.sub(Kbar(j)[r]!));
      const u = [0, 1].map((k) => vec.reduce((s, x, r) => s.add(dK[r * nOut + k]!.mul(x)), Rational.ZERO));
      const wgt = M.p[i]!.mul(M.p[j]!).mul(xi[i]![j]!).div(R('2'));
      for (let r = 0; r < d; r++) out[r] = out[r]!.add(wgt.mul(dK[r * nOut]!.mul(u[0]!).add(dK[r * nOut + 1]!.mul(u[1]!))));
    }
    return out;
  };

  it('OP^ξ v = ½ Σ p_i p_j ξ_ij ΔK̄ ΔK̄ᵀ v (given v, and w by default); θ = E∇L + 2·OP^ξ w', () => {
    const got = pairwiseOperatorTimes(M, xi, v);
    expect(eq(got, explicitOp(v))).toBe(true);
    expect(got.some((x) => x.sign() !== 0)).toBe(true);
    const opw = explicitOp(M.w);
    expect(eq(pairwiseOperatorTimes(M, xi), opw)).toBe(true);
    const grad = Array.from({ length: d }, (_, r) => A.from(r / 16 - 0.25));
    const res = residue(M, { grad, xi });
    expect(eq(res.opTimesW, opw)).toBe(true);
    expect(eq(res.theta, grad.map((g, r) => g.add(R('2').mul(opw[r]!))))).toBe(true);
  });

  it('θ closed form E[ξ(C(i) − C(j))]; norms and the residue ratio, also when OP^ξ w vanishes', () => {
    const C = withinCovariance(M);
    const want = new Array<Rational>(d).fill(Rational.ZERO);
    for (let i = 0; i < n0; i++) for (let j = 0; j < n0; j++) {
      const wgt = M.p[i]!.mul(M.p[j]!).mul(xi[i]![j]!);
      C[i]!.forEach((x, r) => (want[r] = want[r]!.add(wgt.mul(x.sub(C[j]![r]!)))));
    }
    expect(eq(residueClosedForm(M, xi), want)).toBe(true);
    expect(norm2(F64, [3, -4])).toBe(5);
    expect(norm2(A, [R('-3'), R('4'), R('0')])).toBe(5);
    const grad = Array.from({ length: d }, (_, r) => A.from(r === 1 ? 3 : r === 2 ? -4 : 0));
    const zeroXi = xi.map((row) => row.map(() => Rational.ZERO));
    expect(residueRatio(M, { grad, xi: zeroXi })).toEqual({ ratio: Number.POSITIVE_INFINITY, theta: 5, op: 0 });
    expect(residueRatio(M, { grad: grad.map(() => Rational.ZERO), xi: zeroXi })).toEqual({ ratio: 0, theta: 0, op: 0 });
    const rr = residueRatio(M, { grad, xi });
    const op = explicitOp(M.w).map((x) => R('2').mul(x));
    const th = grad.map((g, r) => g.add(op[r]!));
    // Exact: the same rationals go through the same norm2, so the floats are equal.
    expect(rr.op).toBe(norm2(A, explicitOp(M.w)));
    expect(rr.theta).toBe(norm2(A, th));
    expect(rr.ratio).toBe(rr.theta / rr.op);
  });
});

describe('monteCarloMean, against the exact conditional means and variances', () => {
  const spec = NOBIAS;
  const q = p64(spec, 3);
  const dist = leafDistribution(F64, tree, parseAugmentation('root'));
  const T = tables(F64, spec, q, dist);
  const C = dist.configs.length;

  it('views given the root have the law P(x | z_0 = v)', () => {
    const rng = new Rng(1);
    const counts = new Array<number>(C).fill(0);
    const n = 4000;
    for (let s = 0; s < n; s++) counts[viewGivenRoot(tree, 1, rng).reduce((a, bit, j) => a + (bit << j), 0)]!++;
    const i = dist.x0.findIndex((x) => x.key === '1');
    // Each frequency within 5 binomial standard errors (false-failure rate < 1e-5 per entry), plus the
    // rounding of k/n − p (2 operations on numbers ≤ 1: the table's bound) for p = 0 or 1, where sd = 0.
    const rounding = withinBound(1, { ops: 2 }).tol;
    counts.forEach((k, c) => {
      const pc = dist.cond[i]![c]!;
      expect(Math.abs(k / n - pc)).toBeLessThanOrEqual(5 * Math.sqrt((pc * (1 - pc)) / n) + rounding);
    });
  });

  it('estimates lie within 5 standard errors of K̄(v), f̄(v); the errors match the exact spread', () => {
    for (const v of [0, 1] as const) {
      const i = dist.x0.findIndex((x) => x.key === String(v));
      const m = 3000;
      const mc = monteCarloMean(tree, spec, q, v, m, new Rng(20 + v));
      expect(mc.samples).toBe(m);
      const check = (est: number[], se: number[], vals: (c: number) => number[]) =>
        est.forEach((x, r) => {
          let mean = 0;
          let sq = 0;
          let top = 0;
          for (let c = 0; c < C; c++) {
            mean += dist.cond[i]![c]! * vals(c)[r]!;
            sq += dist.cond[i]![c]! * vals(c)[r]! ** 2;
            if (dist.cond[i]![c]! > 0) top = Math.max(top, Math.abs(vals(c)[r]!));
          }
          // Rounding, from the table: the exact mean is C weighted terms; Welford's running mean takes
          // 3 operations per sample on numbers ≤ max|x| (its update d/s and the sum: scale 2·max|x|).
          const meanRounding = withinBound(mean, { kind: 'expectation', ops: C + 3 * m, scale: 2 * top }).tol;
          // σ² = E[x²] − E[x]² cancels: below its rounding (C + 3 operations on terms ≤ 2·E[x²]) it is 0.
          const varRounding = withinBound(sq, { kind: 'expectation', ops: C + 3, scale: 2 * sq }).tol;
          const sd = Math.sqrt(Math.max(0, sq - mean * mean));
          expect(Math.abs(x - mean)).toBeLessThanOrEqual(5 * sd / Math.sqrt(m) + meanRounding);
          // The sample standard error within 20% of σ/√m (its relative sd is √(1/2m) ≈ 1.3%, more with kurtosis).
          if (sd * sd > varRounding) expect(Math.abs(se[r]! * Math.sqrt(m) / sd - 1)).toBeLessThan(0.2);
          // σ = 0: Welford's sum of squares holds only rounding, ≤ 4m operations on terms ≤ (2·max|x|)².
          else expect(se[r]! ** 2 * m * (m - 1)).toBeLessThanOrEqual(withinBound(0, { kind: 'expectation', ops: 4 * m, scale: m * (2 * top) ** 2 }).tol);
        });
      check(mc.fbar, mc.fbarSe, (c) => T.f[c]!);
      for (const b of spec.arch.blocks) check(mc.Kbar[b.index]!, mc.KbarSe[b.index]!, (c) => T.K[c]![b.index]!);
    }
    // Replaying the same draws: the means and standard errors equal a two-pass computation.
    const m = 50;
    const mc = monteCarloMean(tree, spec, q, 1, m, new Rng(4));
    const rng = new Rng(4);
    const rowsF: number[][] = [];
    const rowsK: number[][] = [];
    for (let s = 0; s < m; s++) {
      const tr = forward(F64, spec, q, viewGivenRoot(tree, 1, rng));
      rowsF.push([...tr.out]);
      rowsK.push(connections(F64, spec, q, tr)[0]!.K);
    }
    // Welford (3 operations a sample for the mean, 4 more for the sum of squares) against two passes
    // (m + 1, then 3m + 2): the table's bound with n = 7m + 4, scale 2·max|x| for the mean and
    // Σ(|x| + |x̄|)²/(m(m − 1)) for se², the square of the standard error (se itself is a root of a
    // possibly cancelling sum).
    const twoPass = (rows: number[][], est: number[], se: number[]) => rows[0]!.forEach((_, r) => {
      const mean = rows.reduce((a, row) => a + row[r]!, 0) / m;
      const v = rows.reduce((a, row) => a + (row[r]! - mean) ** 2, 0) / (m - 1);
      const top = rows.reduce((a, row) => Math.max(a, Math.abs(row[r]!)), 0);
      expectWithin(est[r]!, mean, { ops: 7 * m + 4, scale: 2 * top, what: `mean ${r}` });
      const sq = rows.reduce((a, row) => a + (Math.abs(row[r]!) + Math.abs(mean)) ** 2, 0) / (m * (m - 1));
      expectWithin(se[r]! ** 2, v / m, { ops: 7 * m + 4, scale: sq, what: `se² ${r}` });
    });
    twoPass(rowsF, mc.fbar, mc.fbarSe);
    twoPass(rowsK, mc.Kbar[0]!, mc.KbarSe[0]!);
    expect(mc.fbarSe.some((x) => x > 1e-3)).toBe(true);
    const one = monteCarloMean(tree, spec, q, 1, 1, new Rng(2));
    expect(one.fbarSe.every((x) => Number.isNaN(x))).toBe(true);
    expect(one.samples).toBe(1);
  });
});
describe('the expected gradient of L_simp (C3), against differences of the enumerated E[L]', () => {
  const A = EXACT;
  const dist = leafDistribution(A, tree, parseAugmentation('root'));

  const SEED = 3;
  for (const spec of [NOBIAS, BIAS]) {
    it(`−E[∇L] is minus the slope of E[L] in every weight and bias (bias ${spec.bias})`, () => {
      const P = toArith(A, dyadic(spec, SEED));
      const e = expectedSimpleGradientFrom(A, spec, P, dist);
      expect(e.nConfigs).toBe(16);
      expect(e.expectedLoss.equals(simpExpectedLoss(A, spec, P, dist))).toBe(true);
      expect(e.expectedLoss.sign()).toBe(-1);
      let nonzero = 0;
      for (const b of spec.arch.blocks) {
        for (let r = 0; r < b.out * b.in; r++) {
          const slope = exactSlope((t) => simpExpectedLoss(A, spec, moved(A, P, 'W', b.index, r, t), dist));
          expect(e.negExpectedGrad[b.index]![r]!.equals(slope.neg()), `W${b.index}[${r}]`).toBe(true);
          if (slope.sign() !== 0) nonzero++;
        }
        if (spec.bias) {
          for (let r = 0; r < b.out; r++) {
            const slope = exactSlope((t) => simpExpectedLoss(A, spec, moved(A, P, 'b', b.index, r, t), dist));
            expect(e.negExpectedGradBias![b.index]![r]!.equals(slope.neg()), `b${b.index}[${r}]`).toBe(true);
            if (slope.sign() !== 0) nonzero++;
          }
        } else expect(e.negExpectedGradBias).toBeNull();
      }
      expect(nonzero).toBeGreaterThan(4);
      // The cross-covariance form is −E[∇L] always; without bias C1 holds and the covariance form is too.
      const flat = (x: Rational[][]) => x.flat();
      expect(eq(flat(e.crossCovForm), flat(e.negExpectedGrad))).toBe(true);
      if (!spec.bias) expect(eq(flat(e.covForm), flat(e.negExpectedGrad))).toBe(true);
    });
  }

  it('sameDepthBlocks gives the layer of a block; the float64 entry point uses the root augmentation', () => {
    for (const layer of NOBIAS.arch.layers) for (const nu of layer.blocks) expect(sameDepthBlocks(NOBIAS, nu)).toEqual([...layer.blocks]);
    const q = p64(NOBIAS, 3);
    const a = expectedSimpleGradient(tree, NOBIAS, q);
    const b = expectedSimpleGradientFrom(F64, NOBIAS, q, leafDistribution(F64, tree, parseAugmentation('root')));
    expect(a).toEqual(b);
    expect(a.expectedLoss).toBeLessThan(0);
  });
});

/**
 * The chain of roundings of one loss term on `distances` distances: each distance ½‖f − f′‖² (3 per
 * output unit and a halving) and the loss's exp, sum, divide and product per distance (as
 * FINITE_DIFFERENCE_CHAIN counts a loss weight), with the product of the tuple's probabilities (one more
 * per distance). The enumerations' sums add one per term on top (the count of terms).
 */
const lossChain = (M: PairwiseModel<number>, distances: number) => distances * (3 * M.nOut + 1 + 4 + 1);

/**
 * E[L] over a tuple law with H negatives, written as a plain enumeration (value only), and the scale of
 * its rounding: Σ prob·(1 + |L| + Σ distances) (a loss value rounds relative to its distances and itself).
 */
function tupleExpectedLoss(M: PairwiseModel<number>, loss: Loss, H: number, law: TupleLaw): { value: number; scale: number } {
  const { p, cond, support, marginal } = M;
  const half = (a: number, b: number) => M.f[a]!.reduce((s, v, k) => s + (v - M.f[b]![k]!) ** 2, 0) / 2;
  let total = 0;
  let scale = 0;
  p.forEach((pi, i) => {
    for (const c of support) {
      for (const cp of law.positive === 'shares-anchor' ? [c] : support) {
        const w = pi * cond[i]![c]! * (law.positive === 'shares-anchor' ? 1 : cond[i]![cp]!);
        if (w === 0) continue;
        const free = law.selfNegative ? H - 1 : H;
        const rec = (negs: number[], prob: number) => {
          if (negs.length === free) {
            const all = law.selfNegative ? [cp, ...negs] : negs;
            const r = [half(c, cp), ...all.map((n) => half(c, n))];
            const lv = loss.evaluate(F64, { rPos: [r[0]!], rNeg: [r.slice(1)], dim: M.nOut, reduction: 'sum' });
            total += prob * lv.value;
            scale += prob * (1 + Math.abs(lv.value) + r.reduce((a, x) => a + x, 0));
            return;
          }
          for (const n of support) rec([...negs, n], prob * marginal[n]!);
        };
        rec([], w);
      }
    }
  });
  return { value: total, scale };
}

/** ξ(i, j) = (H/|indep|)·Σ_k E[−β_k | x_0 = i, x_0'_k = j] by plain enumeration (float64), and Σ|terms|. */
function bruteXi(M: PairwiseModel<number>, loss: Loss, H: number, law: TupleLaw): { xi: number[][]; scale: number[][] } {
  const { p, cond, support, marginal } = M;
  const half = (a: number, b: number) => M.f[a]!.reduce((s, v, k) => s + (v - M.f[b]![k]!) ** 2, 0) / 2;
  const indep = Array.from({ length: H }, (_, k) => k).filter((k) => !(law.selfNegative && k === 0));
  const scale = p.map(() => p.map(() => 0));
  const xi = p.map((_, i) =>
    p.map((__, j) => {
      let s = 0;
      let abs = 0;
      for (const k of indep) {
        for (const c of support) {
          for (const cp of law.positive === 'shares-anchor' ? [c] : support) {
            const w = cond[i]![c]! * (law.positive === 'shares-anchor' ? 1 : cond[i]![cp]!);
            if (w === 0) continue;
            const rec = (negs: number[], prob: number) => {
              if (negs.length === H) {
                const lv = loss.evaluate(F64, { rPos: [half(c, cp)], rNeg: [negs.map((n) => half(c, n))], dim: M.nOut, reduction: 'sum' });
                s -= prob * lv.betaNeg[0]![k]!;
                abs += Math.abs(prob * lv.betaNeg[0]![k]!);
                return;
              }
              const t = negs.length;
              if (law.selfNegative && t === 0) return rec([cp], prob);
              for (const n of support) rec([...negs, n], prob * (t === k ? cond[j]![n]! : marginal[n]!));
            };
            rec([], w);
          }
        }
      }
      scale[i]![j] = (H / indep.length) * abs;
      return (H / indep.length) * s;
    }),
  );
  return { xi, scale };
}

describe('inBatchExpectedGradient, against differences of the enumerated batch loss', () => {
  const dist = leafDistribution(F64, tree2, parseAugmentation('root'));
  const q = p64(BIAS2, 7);
  const cut = [0];

  /** E over batches of the mean over anchors of the loss, and ξ, by a plain enumeration. */
  function batchExpectation(M: PairwiseModel<number>, loss: Loss, B: number, symmetric: boolean) {
    const half = (a: number, b: number) => M.f[a]!.reduce((s, v, k) => s + (v - M.f[b]![k]!) ** 2, 0) / 2;
    const rows: { i: number; c: number; cp: number; w: number }[] = [];
    M.p.forEach((pi, i) => M.support.forEach((c) => M.support.forEach((cp) => {
      const w = pi * M.cond[i]![c]! * M.cond[i]![cp]!;
      if (w > 0) rows.push({ i, c, cp, w });
    })));
    const n0 = M.p.length;
    const num = Array.from({ length: n0 }, () => new Array<number>(n0).fill(0));
    const abs = Array.from({ length: n0 }, () => new Array<number>(n0).fill(0));
    const den = Array.from({ length: n0 }, () => new Array<number>(n0).fill(0));
    let value = 0;
    let count = 0;
    const rec = (chosen: typeof rows) => {
      if (chosen.length < B) {
        for (const r of rows) rec([...chosen, r]);
        return;
      }
      count++;
      const prob = chosen.reduce((s, r) => s * r.w, 1);
      const anchors: [number, number, number][] = []; // [anchor view, positive view, row]
      chosen.forEach((r, t) => anchors.push([r.c, r.cp, t]));
      if (symmetric) chosen.forEach((r, t) => anchors.push([r.cp, r.c, t]));
      for (const [a, pos, t] of anchors) {
        const negRows = chosen.map((r, u) => [r, u] as const).filter(([, u]) => u !== t);
        const negs = negRows.flatMap(([r]) => [r.c, r.cp]);
        const lv = loss.evaluate(F64, { rPos: [half(a, pos)], rNeg: [negs.map((n) => half(a, n))], dim: 2, reduction: 'sum' });
        value += (prob * lv.value) / anchors.length;
        negRows.forEach(([r], s) => [0, 1].forEach((h) => {
          num[chosen[t]!.i]![r.i]! -= prob * lv.betaNeg[0]![2 * s + h]!;
          abs[chosen[t]!.i]![r.i]! += Math.abs(prob * lv.betaNeg[0]![2 * s + h]!);
          den[chosen[t]!.i]![r.i]! += prob;
        }));
      }
    };
    rec([]);
    const H = 2 * B - 2;
    const per = (m: number[][]) => m.map((row, i) => row.map((x, j) => (den[i]![j]! === 0 ? 0 : (H * x) / den[i]![j]!)));
    return { value, count, xi: per(num), xiScale: per(abs) };
  }

  for (const symmetric of [false, true]) {
    it(`B = 2, symmetric ${symmetric}: E[∇L] is the slope of E[L]; ξ and the batch count agree`, () => {
      const loss = parseLoss({ name: 'nce', tau: 0.5 });
      const M = pairwiseModel(F64, BIAS2, q, dist, cut);
      const e = inBatchExpectedGradient(M, loss, { B: 2, symmetric });
      const brute = batchExpectation(M, loss, 2, symmetric);
      expect(e.batches).toBe(brute.count);
      // Two enumerations of the same sums over batches (the table's 'expectation' bound, n = the batches
      // plus the loss's chain on its 2B − 1 distances, scale Σ|terms| of the plain enumeration).
      e.xi.forEach((row, i) => row.forEach((x, j) => expectWithin(x, brute.xi[i]![j]!, { kind: 'expectation', ops: brute.count + lossChain(M, 2 * 2 - 1), scale: brute.xiScale[i]![j]!, what: `ξ(${i},${j})` })));
      expect(e.xi.flat().some((x) => x > 0.1)).toBe(true);
      let r = 0;
      let nonzero = 0;
      for (const nu of cut) {
        for (let k = 0; k < q.W[nu]!.length; k++, r++) {
          const dd = richardsonDerivative((t) => batchExpectation(pairwiseModel(F64, BIAS2, moved(F64, q, 'W', nu, k, t), dist, cut), loss, 2, symmetric).value, { h: 1e-3, value: brute.value });
          if (!dd.smooth) continue;
          expect(compareDerivative(e.grad[r]!, dd, { source: 'gradient', scale: 1, scaleText: '1' }).ok, `w${r}: ${e.grad[r]} vs ${dd.estimate}`).toBe(true);
          if (Math.abs(dd.estimate) > 1e-6) nonzero++;
        }
      }
      expect(nonzero).toBeGreaterThan(2);
    });
  }

  it('the default is B = 2 without symmetry; similarity and batch losses, and too many batches, are refused', () => {
    const M = pairwiseModel(F64, BIAS2, q, dist, cut);
    const loss = parseLoss({ name: 'simp' });
    expect(inBatchExpectedGradient(M, loss)).toEqual(inBatchExpectedGradient(M, loss, { B: 2, symmetric: false }));
    expect(() => inBatchExpectedGradient(M, parseLoss({ name: 'official_nce', tau: 0.5 }))).toThrow(/inBatchExpectedGradient: official_nce is not a tuple loss of the distances/);
    const sim: Loss = { ...loss, name: 'cos', statistic: 'similarity' };
    expect(() => inBatchExpectedGradient(M, sim)).toThrow(/cos is not a tuple loss/);
    const rows = M.p.reduce((s, _, i) => s + M.support.filter((c) => M.cond[i]![c]! > 0).length ** 2, 0);
    const B = Math.ceil(Math.log(MAX_IN_BATCH_ENUMERATION + 1) / Math.log(rows));
    expect(rows ** B).toBeGreaterThan(MAX_IN_BATCH_ENUMERATION);
    expect(() => inBatchExpectedGradient(M, loss, { B })).toThrow(new RegExp(`${rows}\\^${B} batches exceed ${MAX_IN_BATCH_ENUMERATION}`));
  });
});

describe('expectedLossGradient (C7), against differences of E[L] and a plain enumeration of ξ', () => {
  const dist = leafDistribution(F64, tree3, parseAugmentation('level(1)+flip(0.25)'));
  const q = p64(BIAS3, 9);
  const cut = [0, 1];
  const laws: [string, TupleLaw, number][] = [
    ['theory H=2', THEORY_LAW, 2],
    ['theory H=1', THEORY_LAW, 1],
    ['shares-anchor', { positive: 'shares-anchor', selfNegative: false }, 1],
    ['self negative', { positive: 'independent', selfNegative: true }, 2],
  ];
  for (const [name, law, H] of laws) {
    it(`${name}: E[∇_{w_l}L] is the slope of E[L], ξ the conditional mean of −Hβ, E[L] and the counts agree`, () => {
      const loss = parseLoss({ name: 'nce', tau: 0.5 });
      const M = pairwiseModel(F64, BIAS3, q, dist, cut);
      const e = expectedLossGradient(M, loss, H, law);
      const L0 = tupleExpectedLoss(M, loss, H, law);
      expectWithin(e.value, L0.value, { kind: 'expectation', ops: e.tuples + lossChain(M, H + 1), scale: L0.scale, what: 'E[L]' });
      const S = M.support.length;
      const pairs = law.positive === 'shares-anchor' ? S : M.support.flatMap((c) => M.support.filter((cp) => M.p.some((_, i) => M.cond[i]![c]! * M.cond[i]![cp]! > 0))).length;
      expect(e.tuples).toBe(pairs * S ** (law.selfNegative ? H - 1 : H));
      let r = 0;
      let nonzero = 0;
      for (const nu of cut) {
        for (let k = 0; k < q.W[nu]!.length; k++, r++) {
          const f = (t: number) => tupleExpectedLoss(pairwiseModel(F64, BIAS3, moved(F64, q, 'W', nu, k, t), dist, cut), loss, H, law).value;
          const dd = richardsonDerivative(f, { h: 1e-3, value: L0.value });
          if (!dd.smooth) continue;
          const cmp = compareDerivative(e.grad[r]!, dd, { source: 'gradient', scale: 1, scaleText: '1' });
          expect(cmp.ok, `${name} w${r}: ${e.grad[r]} vs ${dd.estimate} (${cmp.derivation})`).toBe(true);
          if (Math.abs(dd.estimate) > 1e-6) nonzero++;
        }
      }
      expect(r).toBe(M.d);
      expect(nonzero).toBeGreaterThan(2);
      const xi = bruteXi(M, loss, H, law);
      const indepCount = law.selfNegative ? H - 1 : H;
      if (indepCount === 0) expect(e.xi.flat().every((v) => v === 0)).toBe(true);
      e.xi.forEach((row, i) => row.forEach((v, j) => expectWithin(v, xi.xi[i]![j]!, { kind: 'expectation', ops: e.tuples + lossChain(M, H + 1), scale: xi.scale[i]![j]!, what: `ξ(${i},${j})` })));
      expect(e.xi.flat().some((v) => v > 0.1)).toBe(true);
    });
  }

  it('pairs of zero weight are left out (a deterministic tree); a self negative with H = 1 runs exactly', () => {
    const sharp = completeTree(1, 2, () => 1, 0.625);
    const spec = { ...BIAS2, arch: treeArchitecture(sharp, 2, 2) };
    const Ms = pairwiseModel(F64, spec, p64(spec, 7), leafDistribution(F64, sharp, parseAugmentation('root')), [0]);
    expect(Ms.support).toEqual([0, 3]);
    const e = expectedLossGradient(Ms, parseLoss({ name: 'nce', tau: 0.5 }), 1);
    expect(e.tuples).toBe(2 * 2); // pairs (0,0), (3,3) only, times 2 negatives
    expect(e.xi.flat().every((v) => Number.isFinite(v))).toBe(true);
    const ib = inBatchExpectedGradient(Ms, parseLoss({ name: 'simp' }));
    expect(ib.batches).toBe(2 * 2); // rows (x_0, c, c) only: 2 rows, B = 2
    const A = EXACT;
    const Me = pairwiseModel(A, BIAS3, toArith(A, dyadic(BIAS3, 9)), leafDistribution(A, tree3, parseAugmentation('root')), [0]);
    const self = expectedLossGradient(Me, parseLoss({ name: 'simp' }), 1, { positive: 'independent', selfNegative: true });
    expect(self.xi.flat().every((v) => v.sign() === 0)).toBe(true);
  });

  it('the β scale is the largest |β₊| + Σ|β_k|; bad laws and batch losses are refused', () => {
    const M = pairwiseModel(F64, BIAS3, q, dist, cut);
    expect(expectedLossGradient(M, parseLoss({ name: 'simp' }), 2).betaScale).toBe(2);
    const tri = parseLoss({ name: 'tri', tau: 0.5, r0: 0.25 });
    const e = expectedLossGradient(M, tri, 1);
    let max = 0;
    for (const c of M.support) for (const cp of M.support) for (const n of M.support) {
      const lv = tri.evaluate(F64, { rPos: [distance(M, c, cp)], rNeg: [[distance(M, c, n)]], dim: 2, reduction: 'sum' });
      if (M.p.some((_, i) => M.cond[i]![c]! * M.cond[i]![cp]! > 0)) max = Math.max(max, Math.abs(lv.betaPos[0]!) + Math.abs(lv.betaNeg[0]![0]!));
    }
    expect(e.betaScale).toBe(max);
    expect(max).toBeGreaterThan(0);
    expect(() => expectedLossGradient(M, parseLoss({ name: 'official_nce', tau: 0.5 }), 1)).toThrow(/expectedLossGradient: official_nce is a batch-level loss/);
    expect(() => expectedLossGradient(M, parseLoss({ name: 'simp' }), 0, { positive: 'independent', selfNegative: true })).toThrow(/a self negative needs H >= 1/);
    expect(expectedLossGradient(M, parseLoss({ name: 'simp' }), 1, { positive: 'independent', selfNegative: true }).xi.flat().every((v) => v === 0)).toBe(true);
  });

  it('oracleExpectedGradient is the slope of E[Σ_k φ(x_0, x_0′_k)(r₊ − r_k)]', () => {
    const M = pairwiseModel(F64, BIAS3, q, dist, cut);
    const n0 = M.p.length;
    const phi = Array.from({ length: n0 }, (_, i) => Array.from({ length: n0 }, (_, j) => (i === 1 && j === 2 ? 0 : ((3 * i + 5 * j) % 7) / 8 + 0.1)));
    const H = 2;
    const value = (Mm: PairwiseModel<number>) => {
      const half = (a: number, b: number) => Mm.f[a]!.reduce((s, v, k) => s + (v - Mm.f[b]![k]!) ** 2, 0) / 2;
      let s = 0;
      Mm.p.forEach((pi, i) => Mm.p.forEach((pj, j) => {
        for (const c of Mm.support) for (const cp of Mm.support) for (const n of Mm.support) {
          s += H * pi * pj * phi[i]![j]! * Mm.cond[i]![c]! * Mm.cond[i]![cp]! * Mm.cond[j]![n]! * (half(c, cp) - half(c, n));
        }
      }));
      return s;
    };
    const g = oracleExpectedGradient(M, phi, H);
    let r = 0;
    for (const nu of cut) {
      for (let k = 0; k < q.W[nu]!.length; k++, r++) {
        const dd = richardsonDerivative((t) => value(pairwiseModel(F64, BIAS3, moved(F64, q, 'W', nu, k, t), dist, cut)), { h: 1e-3, value: value(M) });
        if (!dd.smooth) continue;
        expect(compareDerivative(g[r]!, dd, { source: 'gradient', scale: 1, scaleText: '1' }).ok, `w${r}`).toBe(true);
      }
    }
    expect(norm2(F64, g)).toBeGreaterThan(1e-3);
  });
});

