/**
 * C3 (expectation): the covariance-operator theorem. E[∇_{w_l} L_simp] = −2·OP_l·w_l for a cut l;
 * per node ν: −2·Σ_{ν'∈l} Cov(K̄_ν, K̄_ν')·w_ν' (sibling cross terms included). Without C1 (bias,
 * normalisation, non-homogeneous ψ) what survives is −2·Cov(K̄_ν, f̄).
 * Decided exactly by enumeration (rationals, float64 with a derived tolerance) on small trees, for
 * every augmentation, and by Monte Carlo with a confidence bound on larger ones (C3-monteCarlo.ts).
 */
import { EXACT, F64, type Arith } from '../../src/numeric/arith.js';
import type { Check, ClaimRecord, Measurement, PropertyCheck } from '../../src/runner/check.js';
import type { Activation } from '../../src/network/activation.js';
import { toArith } from '../../src/network/init.js';
import { connectionBound, magnitude } from '../../src/network/magnitude.js';
import { leafDistribution } from '../../src/hltm/exactDistribution.js';
import { conditionalMeans } from '../../src/theory/conditionalMeans.js';
import { crossCovariance, operatorTimes } from '../../src/theory/covarianceOperator.js';
import { negExpectedGradient } from '../../src/theory/expectedGradient.js';
import { tolerance } from '../../src/numeric/tolerance.js';
import { arbModel, describeModel, type Model, type ModelConstraints } from '../generators/model.js';
import { compareIn } from './compare.js';
import { monteCarloCheck, monteCarloPowerCheck } from './C3-monteCarlo.js';

export const record: ClaimRecord = {
  id: 'C3',
  title: 'The covariance-operator theorem',
  statement: 'E[∇_{w_l} L_simp] = −2·OP_l·w_l, OP_l = V_{x_0}[K̄_l(x_0)]; per node with sibling cross-covariances; −2·Cov(K̄_ν, f̄_L) without C1',
  section: 'THEORY.md §2 C3, §1.5',
  kind: 'expectation',
  holdsFor: ['tuples as in §1.1 with any augmentation (root, level(k), identity, none-shared, flip(q))', 'cuts of bias-free homogeneous networks (OP form)', 'any network (cross-covariance form)'],
  breaksWith: ['the OP form with bias, non-homogeneous ψ or normalisation', 'a node without its siblings’ cross terms', 'negatives forced to differ, batch-level losses (not tested here)'],
};

/** Expectation tolerance: scale = 4·K̄·M (Σ over configurations of p·K·δ, |δ| ≤ 2M; M = 1 with normalisation, |f| ≤ 1), n = chain + configurations. */
function expectationTolerance(m: Model, nConfigs: number) {
  return () => {
    const { spec, params } = m.net;
    let scale = 0;
    let ops = 0;
    for (let c = 0; c < Math.min(nConfigs, 64); c++) {
      const x = Array.from({ length: spec.arch.nInputs }, (_, j) => (c >> j) & 1);
      const mag = magnitude(spec, params, x);
      scale = Math.max(scale, 4 * connectionBound(spec, params, x) * (spec.normalize ? 1 : mag.scale));
      ops = Math.max(ops, mag.ops);
    }
    return tolerance('float64', 'expectation', ops + nConfigs, scale);
  };
}

type Form = 'cov' | 'cross-cov' | 'own-node-only';

function measure<T>(A: Arith<T>, m: Model, form: Form): Measurement {
  const { spec } = m.net;
  const params = toArith(A, m.net.params);
  const dist = leafDistribution(A, m.tree, m.aug);
  const cm = conditionalMeans(A, spec, params, dist);
  const neg = negExpectedGradient(A, spec, params, dist, cm);
  const two = A.from(2);
  const lhs: T[] = [];
  const rhs: T[] = [];
  if (form === 'cross-cov') {
    for (const b of spec.arch.blocks) {
      lhs.push(...neg.W[b.index]!);
      rhs.push(...crossCovariance(A, spec, cm, b.index).map((v) => A.mul(two, v)));
    }
  } else {
    for (const layer of spec.arch.layers) {
      for (const nu of layer.blocks) {
        const cut = form === 'cov' ? layer.blocks : [nu];
        lhs.push(...neg.W[nu]!);
        rhs.push(...operatorTimes(A, spec, cm, cut, params.W).get(nu)!.map((v) => A.mul(two, v)));
      }
    }
  }
  return compareIn(A, lhs, rhs, expectationTolerance(m, dist.nConfigs));
}

const HOMOGENEOUS: Activation[] = [{ kind: 'relu' }, { kind: 'leaky_relu', slope: 0.25 }, { kind: 'linear' }];
const ANY: Activation[] = [...HOMOGENEOUS, { kind: 'tanh' }, { kind: 'softplus' }];

interface Variant {
  readonly id: string;
  readonly variant: string;
  readonly expect: 'hold' | 'fail';
  readonly exact: boolean;
  readonly form: Form;
  readonly model: ModelConstraints;
  readonly runs: number;
}

const VARIANTS: Variant[] = [
  { id: 'C3/rational/op-form', variant: 'bias-free relu|leaky|linear, tree or MLP, every augmentation', expect: 'hold', exact: true, form: 'cov', model: { kind: 'any', activation: HOMOGENEOUS, tree: { maxLeaves: 5 } }, runs: 40 },
  { id: 'C3/float64/op-form', variant: 'bias-free homogeneous, float weights and polarities', expect: 'hold', exact: false, form: 'cov', model: { kind: 'any', activation: HOMOGENEOUS, values: 'float', tree: { maxLeaves: 6, polarity: { kind: 'any' }, rootPrior: 'any' } }, runs: 60 },
  { id: 'C3/rational/cross-cov-form', variant: 'with bias, relu|leaky|linear', expect: 'hold', exact: true, form: 'cross-cov', model: { kind: 'any', activation: HOMOGENEOUS, bias: true, tree: { maxLeaves: 5 } }, runs: 40 },
  { id: 'C3/float64/cross-cov-form', variant: 'any activation, bias, normalisation', expect: 'hold', exact: false, form: 'cross-cov', model: { kind: 'any', activation: ANY, bias: true, normalize: true, values: 'float', tree: { maxLeaves: 6 } }, runs: 60 },
  { id: 'C3/rational/op-form-bias', variant: 'OP form with bias', expect: 'fail', exact: true, form: 'cov', model: { bias: true, augmentation: { bases: ['root'] } }, runs: 100 },
  { id: 'C3/float64/op-form-tanh', variant: 'OP form with tanh', expect: 'fail', exact: false, form: 'cov', model: { activation: [{ kind: 'tanh' }], augmentation: { bases: ['root'] }, tree: { irregular: false } }, runs: 100 },
  { id: 'C3/float64/op-form-normalize', variant: 'OP form with output normalisation', expect: 'fail', exact: false, form: 'cov', model: { normalize: true, augmentation: { bases: ['root'] } }, runs: 100 },
  { id: 'C3/rational/node-without-siblings', variant: 'a node’s own covariance only (sibling cross terms dropped)', expect: 'fail', exact: true, form: 'own-node-only', model: { augmentation: { bases: ['root'] }, tree: { irregular: false } }, runs: 100 },
];

function makeCheck(v: Variant): PropertyCheck<Model> {
  return {
    type: 'property',
    id: v.id,
    claim: 'C3',
    title: record.title,
    variant: v.variant,
    expect: v.expect,
    arithmetic: v.exact ? 'rational' : 'float64',
    runs: { ci: v.runs, full: v.runs * 10 },
    arbitrary: () => arbModel(v.model),
    measure: (m) => (v.exact ? measure(EXACT, m, v.form) : measure(F64, m, v.form)),
    describe: describeModel,
  };
}

export const checks: readonly Check[] = [...VARIANTS.map(makeCheck), monteCarloCheck, monteCarloPowerCheck];
