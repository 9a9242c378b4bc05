/**
 * C5's checks, exact by enumeration: w_lᵀ OP_l w_l = tr V[f̄] for every cut, and not with a bias.
 */
import type { Check, Measurement } from '../../../src/runner/check.js';
import { operatorQuadratic, outputVarianceTrace } from '../../../src/theory/covarianceOperator.js';
import { exactEqual } from '../../../src/claims/compare.js';
import { arbModel, type Model } from '../../generators/model.js';
import { exactContext, operatorProperty, SMALL } from '../operatorModels.js';
import { record } from './record.js';
import { detectionRuns } from '../detectionRuns.js';

/** C5: w_lᵀ OP_l w_l = tr V[f̄] for every cut. */
function measureQuadratic(m: Model): Measurement {
  const { A, params, cm } = exactContext(m);
  const trace = outputVarianceTrace(A, cm);
  const q = m.net.spec.arch.layers.map((l) => operatorQuadratic(A, m.net.spec, cm, l.blocks, params.W));
  return exactEqual(A, q, q.map(() => trace));
}

export const checks: readonly Check[] = [
  operatorProperty('C5', 'C5/rational/quadratic-form', 'bias-free homogeneous, every cut', 'hold', () => arbModel(SMALL), measureQuadratic, record.title),
  operatorProperty('C5', 'C5/rational/quadratic-form-bias', 'bias', 'fail', () => arbModel({ ...SMALL, bias: true }), measureQuadratic, record.title, detectionRuns('C5/rational/quadratic-form-bias')),
];
