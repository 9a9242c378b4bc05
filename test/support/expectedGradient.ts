/** Whether a model's E[∇L_simp] (float64, exact enumeration of the leaf law) has a nonzero entry (issue 12 generator statistics). */
import { F64 } from '../../src/numeric/arith.js';
import { leafDistribution } from '../../src/hltm/exactDistribution.js';
import { conditionalMeans } from '../../src/theory/conditionalMeans.js';
import { negExpectedGradient } from '../../src/theory/expectedGradient.js';
import type { Model } from '../../properties/generators/model.js';

export function expectedGradientNonzero(m: Model): boolean {
  const dist = leafDistribution(F64, m.tree, m.aug);
  const g = negExpectedGradient(F64, m.net.spec, m.net.params, dist, conditionalMeans(F64, m.net.spec, m.net.params, dist));
  return g.W.some((w) => w.some((v) => v !== 0));
}
