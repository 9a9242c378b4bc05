/**
 * L_simp = r_+ − (1/H) Σ_k r_k−  (docs/theory.md §1.4; H = 1: r_+ − r_−).
 * β_+ = 1, β_k = −1/H: balanced (β_+ = −Σβ_k). Rational, so it runs in exact arithmetic.
 * Its expected gradient is the covariance operator (claim C3): E[∇_{w_l} L_simp] = −2·OP_l·w_l.
 */
import type { Loss } from './loss.js';
import { reduceTuples } from './loss.js';

export const simpleLoss: Loss = {
  name: 'simp',
  params: {},
  rational: true,
  perTuple: true,
  evaluate(A, batch) {
    return reduceTuples(A, batch, (rPos, rNeg) => {
      const invH = A.div(A.one, A.from(rNeg.length));
      let mean = A.zero;
      for (const r of rNeg) mean = A.add(mean, r);
      return { value: A.sub(rPos, A.mul(invH, mean)), betaPos: A.one, betaNeg: rNeg.map(() => A.neg(invH)) };
    });
  },
};
