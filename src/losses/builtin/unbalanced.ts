/**
 * r_+ − 2·mean_k r_k−: an unbalanced loss (β_+ = 1 ≠ −Σ_k β_k = 2). The theory excludes it: claims
 * C6 (balance) and C7 (covariance form) are `expected-fail` for it. Rational.
 */
import { definePlugin } from '../plugin/define.js';

export default definePlugin({
  name: 'unbalanced',
  description: 'r_+ − 2·mean_k r_k− (not balanced: excluded by C6, C7)',
  params: { c: 2 },
  loss(ops, r, p) {
    return ops.sub(r.pos, ops.mul(p.c, ops.mean(r.neg)));
  },
});
