/**
 * InfoNCE L_nce(τ) = −τ·log(e^{−r_+/τ} / (e^{−r_+/τ} + Σ_k e^{−r_k−/τ})) (docs/theory.md §1.4),
 * written as r_+ + τ·logSumExp(−r_+/τ, −r_1−/τ, …): the log-sum-exp keeps it finite at small τ.
 */
import { definePlugin } from '../plugin/define.js';

export default definePlugin({
  name: 'nce',
  description: 'r_+ + τ·logsumexp(−r_+/τ, −r_k−/τ) (balanced, claim C6)',
  params: { tau: 1 },
  validate: (p) => (!(p.tau > 0) ? `tau must be > 0, got ${p.tau}` : undefined),
  loss(ops, r, p) {
    const logits = [r.pos, ...r.neg].map((d) => ops.div(ops.neg(d), p.tau));
    return ops.add(r.pos, ops.mul(p.tau, ops.logSumExp(logits)));
  },
});
