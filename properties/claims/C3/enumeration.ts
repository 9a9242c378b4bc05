/**
 * C3 by exact enumeration of the leaf law on small models: the OP form (cuts of bias-free homogeneous
 * networks), the cross-covariance form (any network), and the variants that break the OP form, all
 * through src/claims/covarianceOperatorTheorem.ts.
 */
import { EXACT, F64 } from '../../../src/numeric/arith.js';
import type { PropertyCheck } from '../../../src/runner/check.js';
import type { Activation } from '../../../src/network/activation.js';
import { leafDistribution } from '../../../src/hltm/exactDistribution.js';
import { covarianceOperatorForm, type OperatorForm } from '../../../src/claims/covarianceOperatorTheorem.js';
import { arbModel, describeModel, type Model, type ModelConstraints } from '../../generators/model.js';
import { record } from './record.js';
import { detectionRuns } from '../detectionRuns.js';

const HOMOGENEOUS: Activation[] = [{ kind: 'relu' }, { kind: 'leaky_relu', slope: 0.25 }, { kind: 'linear' }];
const ANY: Activation[] = [...HOMOGENEOUS, { kind: 'tanh' }, { kind: 'softplus' }];

/** Float cases: polarities and root prior over the interior (and near the edges), not dyadic. */
const FLOAT_TREE = { maxLeaves: 6, polarity: { kind: 'any' }, rootPrior: 'any' } as const;
/** 'none-shared' (E[∇L] = 0 by construction) in 1 of 50 float cases, not 1 of 4 (test/generators.test.ts: ≥ 90% nonzero). */
const FLOAT_AUGMENTATION = { noneSharedShare: 0.02 } as const;

interface Variant {
  readonly id: string;
  readonly variant: string;
  readonly expect: 'hold' | 'fail';
  readonly exact: boolean;
  readonly form: OperatorForm;
  readonly model: ModelConstraints;
  readonly runs: number;
}

const VARIANTS: Variant[] = [
  { id: 'C3/rational/op-form', variant: 'bias-free relu|leaky|linear, tree or MLP, every augmentation', expect: 'hold', exact: true, form: 'cov', model: { kind: 'any', activation: HOMOGENEOUS, tree: { maxLeaves: 5 } }, runs: 40 },
  { id: 'C3/float64/op-form', variant: 'bias-free homogeneous, float weights and polarities', expect: 'hold', exact: false, form: 'cov', model: { kind: 'any', activation: HOMOGENEOUS, values: 'float', tree: FLOAT_TREE, augmentation: FLOAT_AUGMENTATION }, runs: 60 },
  { id: 'C3/rational/cross-cov-form', variant: 'with bias, relu|leaky|linear', expect: 'hold', exact: true, form: 'cross-cov', model: { kind: 'any', activation: HOMOGENEOUS, bias: true, tree: { maxLeaves: 5 } }, runs: 40 },
  { id: 'C3/float64/cross-cov-form', variant: 'any activation, bias, normalisation', expect: 'hold', exact: false, form: 'cross-cov', model: { kind: 'any', activation: ANY, bias: true, normalize: true, values: 'float', tree: FLOAT_TREE, augmentation: FLOAT_AUGMENTATION }, runs: 60 },
  { id: 'C3/rational/op-form-bias', variant: 'OP form with bias', expect: 'fail', exact: true, form: 'cov', model: { bias: true, augmentation: { bases: ['root'] } }, runs: 100 },
  { id: 'C3/float64/op-form-tanh', variant: 'OP form with tanh', expect: 'fail', exact: false, form: 'cov', model: { activation: [{ kind: 'tanh' }], augmentation: { bases: ['root'] }, tree: { irregular: false } }, runs: 100 },
  { id: 'C3/float64/op-form-normalize', variant: 'OP form with output normalisation', expect: 'fail', exact: false, form: 'cov', model: { normalize: true, augmentation: { bases: ['root'] } }, runs: 100 },
  { id: 'C3/rational/node-without-siblings', variant: 'a node’s own covariance only (sibling cross terms dropped)', expect: 'fail', exact: true, form: 'own-node-only', model: { augmentation: { bases: ['root'] }, tree: { irregular: false } }, runs: detectionRuns('C3/rational/node-without-siblings') },
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
    measure: (m) =>
      v.exact
        ? covarianceOperatorForm(EXACT, m.net.spec, m.net.params, leafDistribution(EXACT, m.tree, m.aug), v.form)
        : covarianceOperatorForm(F64, m.net.spec, m.net.params, leafDistribution(F64, m.tree, m.aug), v.form),
    describe: describeModel,
  };
}

export const checks: readonly PropertyCheck<Model>[] = VARIANTS.map(makeCheck);
