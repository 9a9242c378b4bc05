/**
 * C10's exact check: the rank of every (small) cut's operator is at most n_L·(#x_0 − 1), and with
 * `none-shared` augmentation E[∇L_simp] = 0.
 */
import { rank } from '../../../src/numeric/linalg.js';
import type { Measurement, PropertyCheck } from '../../../src/runner/check.js';
import { paramCount } from '../../../src/network/architecture.js';
import { operatorMatrix } from '../../../src/theory/covarianceOperator.js';
import { negExpectedGradient } from '../../../src/theory/expectedGradient.js';
import { arbModel, type Model } from '../../generators/model.js';
import { exactContext, operatorProperty, SMALL } from '../operatorModels.js';
import { record } from './record.js';

/** C10: rank bound for every cut, and OP = 0, E∇ = 0 with none-shared. */
function measureRank(m: Model): Measurement {
  const { A, params, cm, dist } = exactContext(m);
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

export const rankCheck: PropertyCheck<Model> = operatorProperty('C10', 'C10/rational/rank', 'every augmentation incl. none-shared', 'hold', () => arbModel({ ...SMALL, augmentation: { flips: [0, 0.25] } }), measureRank, record.title);
