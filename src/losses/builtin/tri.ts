/**
 * The soft-triplet loss L_tri(τ, r_0) = τ·log(1 + exp((r_+ − r_− + r_0)/τ)) (docs/theory.md §1.4), H = 1,
 * written with the stable softplus; τ = 0 is the hinge max(0, r_+ − r_− + r_0).
 */
import { definePlugin } from '../plugin/define.js';

export default definePlugin({
  name: 'tri',
  description: 'τ·softplus((r_+ − r_− + r_0)/τ) (balanced, claim C6)',
  params: { tau: 1, r0: 0 },
  negatives: 1,
  validate: (p) => (p.tau < 0 ? `tau must be >= 0, got ${p.tau}` : undefined),
  loss(ops, r, p) {
    const u = ops.add(ops.sub(r.pos, r.neg[0]!), p.r0);
    // max(0, u): at u = 0 the derivative is 0's, as the hand-written tri (β = 1[u > 0]) and ReLU'(0) = 0.
    return p.tau === 0 ? ops.max(0, u) : ops.mul(p.tau, ops.softplus(ops.div(u, p.tau)));
  },
});
