/**
 * `official_nce`, what the official HLTM script trains (docs/theory.md §1.4): a batch-level loss.
 * p, n are batch-mean MSEs of the positive and negative views: p = 2·Σ_b r_b+/(B·d),
 * n = 2·Σ_bk r_bk−/(B·H·d) (with reduction "sum" the B is dropped); loss = −σ((n − p)/τ).
 */
import { definePlugin } from '../plugin.js';

export default definePlugin({
  name: 'official_nce',
  kind: 'batch',
  description: '−e^{−p/τ}/(e^{−p/τ} + e^{−n/τ}) over batch-mean MSEs (no log, no τ prefactor)',
  params: { tau: 0.1 },
  validate: (p) => (!(p.tau > 0) ? `tau must be > 0, got ${p.tau}` : undefined),
  loss(ops, r, p) {
    const B = r.reduction === 'mean' ? r.pos.length : 1;
    const H = r.neg[0]!.length;
    const pm = ops.mul(2 / (B * r.dim), ops.sum(r.pos));
    const nm = ops.mul(2 / (B * H * r.dim), ops.sum(r.neg.flat()));
    return ops.neg(ops.sigmoid(ops.div(ops.sub(nm, pm), p.tau)));
  },
});
