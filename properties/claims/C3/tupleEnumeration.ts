/**
 * C3 under a pipeline (src/mutants/catalogue.ts): E[∇L_simp] by joint enumeration of the tuple law
 * (x, x_+, x_1−, x_2−) with the pipeline's law and its version of L_simp (theory/expectedLossGradient.ts)
 * must equal −2·OP·w, exactly in rationals. The mutation self-check runs it against every mutant.
 */
import * as fc from 'fast-check';
import { EXACT } from '../../../src/numeric/arith.js';
import type { Measurement, PropertyCheck } from '../../../src/runner/check.js';
import type { Activation } from '../../../src/network/activation.js';
import { toArith } from '../../../src/network/init.js';
import { simpleLoss } from '../../../src/losses/index.js';
import { leafDistribution } from '../../../src/hltm/exactDistribution.js';
import { conditionalMeans } from '../../../src/theory/conditionalMeans.js';
import { operatorTimes } from '../../../src/theory/covarianceOperator.js';
import { expectedLossGradient } from '../../../src/theory/expectedLossGradient.js';
import { pairwiseModel } from '../../../src/theory/pairwiseModel.js';
import type { Pipeline } from '../../../src/mutants/catalogue.js';
import { arbModel, describeModel, type Model } from '../../generators/model.js';
import { firstMismatch } from '../../../src/claims/compare.js';
import { record } from './record.js';

interface TupleCase {
  readonly model: Model;
}

const HOMOGENEOUS: Activation[] = [{ kind: 'relu' }, { kind: 'leaky_relu', slope: 0.25 }, { kind: 'linear' }];
const H = 2;

function measureTuples(p: Pipeline, c: TupleCase): Measurement {
  const A = EXACT;
  const loss = p.wrapLoss(simpleLoss);
  if (!loss) return { ok: true, error: 0, tolerance: 0, note: 'the pipeline has no version of L_simp' };
  const { spec } = c.model.net;
  const params = toArith(A, c.model.net.params);
  const dist = leafDistribution(A, c.model.tree, c.model.aug);
  const cm = conditionalMeans(A, spec, params, dist);
  for (const layer of spec.arch.layers) {
    const M = pairwiseModel(A, spec, params, dist, layer.blocks);
    const e = expectedLossGradient(M, loss, H, p.law);
    const op = operatorTimes(A, spec, cm, layer.blocks, params.W);
    const want = layer.blocks.flatMap((nu) => op.get(nu)!.map((v) => A.mul(A.from(-2), v)));
    const bad = firstMismatch(A, e.grad, want, (i) => `layer ${layer.name}: E[∇L_simp][${i}] = ${A.toNumber(e.grad[i]!)} by enumeration of the tuple law, −2·OP·w gives ${A.toNumber(want[i]!)}`);
    if (bad) return bad;
  }
  return { ok: true, error: 0, tolerance: 0, derivation: 'rational arithmetic: exact equality' };
}

/** C3 by joint enumeration of tuples (H = 2) under a pipeline's law and its version of L_simp. */
export function c3PipelineCheck(p: Pipeline, o: { runs?: number } = {}): PropertyCheck<TupleCase> {
  return {
    type: 'property',
    id: `C3/rational/tuple-enumeration${p.id === 'correct' ? '' : `[mutant ${p.id}]`}`,
    claim: 'C3',
    title: record.title,
    variant: `E[∇L_simp] over the joint law of (x, x_+, x_1−, x_2−) = −2·OP·w${p.id === 'correct' ? '' : ` (pipeline: ${p.id})`}`,
    expect: 'hold',
    arithmetic: 'rational',
    runs: { ci: o.runs ?? 15, full: (o.runs ?? 15) * 10 },
    arbitrary: () =>
      fc.record({
        model: arbModel({ kind: 'tree', activation: HOMOGENEOUS, maxHid: 2, maxOut: 2, tree: { maxLeaves: 3, maxDepth: 2, maxChildren: 2 }, augmentation: { bases: ['root', 'level'], maxLevel: 1, flips: [0, 0.25] } }),
      }),
    measure: (c) => measureTuples(p, c),
    describe: (c) => describeModel(c.model),
  };
}
