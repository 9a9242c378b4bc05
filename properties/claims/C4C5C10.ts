/**
 * Claims that follow from the operator's form, decided exactly by enumeration:
 *  C4  OP_l ⪰ 0, so under the expected L_simp step (all layers at once) ‖W_l‖_F never decreases;
 *      a single node of a tree layer can shrink (expected-fail).
 *  C5  w_lᵀ OP_l w_l = tr V_{x_0}[E(f_L | x_0)], the same for every cut (C1 networks); bias breaks it.
 *  C10 rank OP_l ≤ n_L·(#values of x_0 − 1); with `none-shared` OP_l = 0 and E[∇L_simp] = 0.
 */
import * as fc from 'fast-check';
import { EXACT, type Arith } from '../../src/numeric/arith.js';
import { positiveSemidefinite, rank } from '../../src/numeric/linalg.js';
import type { Check, ClaimRecord, Measurement, PropertyCheck } from '../../src/runner/check.js';
import type { Activation } from '../../src/network/activation.js';
import { toArith } from '../../src/network/init.js';
import { paramCount } from '../../src/network/architecture.js';
import { leafDistribution } from '../../src/hltm/exactDistribution.js';
import { conditionalMeans } from '../../src/theory/conditionalMeans.js';
import { operatorMatrix, operatorQuadratic, outputVarianceTrace } from '../../src/theory/covarianceOperator.js';
import { negExpectedGradient } from '../../src/theory/expectedGradient.js';
import { arbModel, describeModel, type Model, type ModelConstraints } from '../generators/model.js';
import { exactEqual } from './compare.js';
import { spectrumCheck } from './C10-spectrum.js';

const HOMOGENEOUS: Activation[] = [{ kind: 'relu' }, { kind: 'leaky_relu', slope: 0.25 }, { kind: 'linear' }];

export const C4: ClaimRecord = {
  id: 'C4',
  title: 'The operator is PSD: weight norms never decrease under the expected L_simp step',
  statement: 'OP_l ⪰ 0; under W ← W − η·E[∇L_simp] (all layers at once, any η ≥ 0) ‖W_l‖_F never decreases',
  section: 'THEORY.md §2 C4',
  kind: 'exact',
  holdsFor: ['layers and cuts, as C3'],
  breaksWith: ['as C3', 'a single node of a tree layer (its norm can shrink)'],
};
export const C5: ClaimRecord = {
  id: 'C5',
  title: 'The operator’s quadratic form is the output variance, the same in every layer',
  statement: 'w_lᵀ OP_l w_l = tr V_{x_0}[E(f_L(x) | x_0)] for every cut l',
  section: 'THEORY.md §2 C5',
  kind: 'exact',
  holdsFor: ['as C1'],
  breaksWith: ['as C1 (bias, normalisation, non-homogeneous ψ)'],
};
export const C10: ClaimRecord = {
  id: 'C10',
  title: 'The operator’s rank is bounded by the information that survives augmentation',
  statement: 'rank OP_l ≤ n_L·(#values of x_0 with positive probability − 1); with none-shared augmentation OP_l = 0 and E[∇L_simp] = 0',
  section: 'THEORY.md §2 C10',
  kind: 'exact',
  holdsFor: ['as C3'],
  breaksWith: ['—'],
};

interface Ctx<T> {
  readonly A: Arith<T>;
  readonly m: Model;
  readonly params: ReturnType<typeof toArith<T>>;
  readonly cm: ReturnType<typeof conditionalMeans<T>>;
  readonly dist: ReturnType<typeof leafDistribution<T>>;
}

function context<T>(A: Arith<T>, m: Model): Ctx<T> {
  const params = toArith(A, m.net.params);
  const dist = leafDistribution(A, m.tree, m.aug);
  return { A, m, params, dist, cm: conditionalMeans(A, m.net.spec, params, dist) };
}

const sumSquares = <T>(A: Arith<T>, v: readonly T[]): T => v.reduce((s, x) => A.add(s, A.mul(x, x)), A.zero);

/** C4: every cut's operator is PSD (explicit matrix, exact LDLᵀ). */
function measurePsd(m: Model): Measurement {
  const c = context(EXACT, m);
  for (const layer of m.net.spec.arch.layers) {
    const r = positiveSemidefinite(EXACT, operatorMatrix(EXACT, m.net.spec, c.cm, layer.blocks));
    if (!r.psd) return { ok: false, error: 1, tolerance: 0, note: `${layer.name}: ${r.witness}` };
  }
  return { ok: true, error: 0, tolerance: 0 };
}

/** C4: ‖w_S − η E∇_S‖² ≥ ‖w_S‖² for S = each cut (or each single node), stepping with the exact expected gradient. */
function measureNormGrowth(m: Model & { readonly eta: number }, unit: 'cut' | 'node'): Measurement {
  const { A, params, cm, dist } = context(EXACT, m);
  const neg = negExpectedGradient(A, m.net.spec, params, dist, cm);
  const eta = A.from(m.eta);
  const sets = unit === 'cut' ? m.net.spec.arch.layers.map((l) => l.blocks) : m.net.spec.arch.blocks.map((b) => [b.index]);
  for (const set of sets) {
    const before = set.flatMap((b) => params.W[b]!);
    const after = set.flatMap((b) => params.W[b]!.map((w, i) => A.add(w, A.mul(eta, neg.W[b]![i]!))));
    const change = A.sub(sumSquares(A, after), sumSquares(A, before));
    if (A.sign(change) < 0) return { ok: false, error: -A.toNumber(change), tolerance: 0, note: `‖W‖² decreases by ${-A.toNumber(change)} on {${set.map((b) => m.net.spec.arch.blocks[b]!.name).join(', ')}}` };
  }
  return { ok: true, error: 0, tolerance: 0, derivation: 'rational arithmetic: exact sign of ‖W′‖² − ‖W‖²' };
}

/** C5: w_lᵀ OP_l w_l = tr V[f̄] for every cut. */
function measureQuadratic(m: Model): Measurement {
  const { A, params, cm } = context(EXACT, m);
  const trace = outputVarianceTrace(A, cm);
  const q = m.net.spec.arch.layers.map((l) => operatorQuadratic(A, m.net.spec, cm, l.blocks, params.W));
  return exactEqual(A, q, q.map(() => trace));
}

/** C10: rank bound for every cut, and OP = 0, E∇ = 0 with none-shared. */
function measureRank(m: Model): Measurement {
  const { A, params, cm, dist } = context(EXACT, m);
  const bound = m.net.spec.arch.nOut * (dist.x0.length - 1);
  for (const layer of m.net.spec.arch.layers) {
    const d = paramCount(m.net.spec.arch, layer.blocks);
    if (d > 48) continue; // explicit matrix only for small cuts
    const r = rank(A, operatorMatrix(A, m.net.spec, cm, layer.blocks));
    if (r > bound) return { ok: false, error: r - bound, tolerance: 0, note: `${layer.name}: rank ${r} > ${bound}` };
  }
  if (m.aug.base.kind === 'none-shared') {
    const neg = negExpectedGradient(A, m.net.spec, params, dist, cm);
    const nonzero = neg.W.flat().find((v) => A.sign(v) !== 0);
    if (nonzero !== undefined) return { ok: false, error: Math.abs(A.toNumber(nonzero)), tolerance: 0, note: 'E[∇L_simp] ≠ 0 with none-shared' };
  }
  return { ok: true, error: 0, tolerance: 0 };
}

function property<V extends Model>(claim: 'C4' | 'C5' | 'C10', id: string, variant: string, expect: 'hold' | 'fail', arb: () => fc.Arbitrary<V>, measure: (v: V) => Measurement, title: string, runs = 40): PropertyCheck<V> {
  return { type: 'property', id, claim, title, variant, expect, arithmetic: 'rational', runs: { ci: runs, full: runs * 10 }, arbitrary: arb, measure, describe: (v) => ({ ...describeModel(v), ...('eta' in v ? { eta: (v as { eta: number }).eta } : {}) }) };
}

const small: ModelConstraints = { kind: 'any', activation: HOMOGENEOUS, tree: { maxLeaves: 5 } };
const withEta = (c: ModelConstraints) => arbModel(c).chain((m) => fc.constantFrom(0.125, 0.5, 2, 8).map((eta) => ({ ...m, eta })));

export const records: readonly ClaimRecord[] = [C4, C5, C10];

export const checks: readonly Check[] = [
  property('C4', 'C4/rational/psd', 'bias-free homogeneous, every augmentation', 'hold', () => arbModel(small), measurePsd, C4.title),
  property('C4', 'C4/rational/norm-growth', 'cuts, exact expected L_simp step, η ∈ {1/8, 1/2, 2, 8}', 'hold', () => withEta(small), (m) => measureNormGrowth(m, 'cut'), C4.title),
  property('C4', 'C4/rational/single-node-norm', 'a single node of a tree layer', 'fail', () => withEta({ ...small, kind: 'tree', tree: { irregular: false, maxLeaves: 6 }, maxHid: 2, augmentation: { bases: ['root'] } }), (m) => measureNormGrowth(m, 'node'), C4.title, 200),
  property('C5', 'C5/rational/quadratic-form', 'bias-free homogeneous, every cut', 'hold', () => arbModel(small), measureQuadratic, C5.title),
  property('C5', 'C5/rational/quadratic-form-bias', 'bias', 'fail', () => arbModel({ ...small, bias: true }), measureQuadratic, C5.title),
  property('C10', 'C10/rational/rank', 'every augmentation incl. none-shared', 'hold', () => arbModel({ ...small, augmentation: { flips: [0, 0.25] } }), measureRank, C10.title),
  spectrumCheck,
];
