/**
 * `official_nce`, what the official HLTM script trains (docs/theory.md §1.4): a batch-level loss
 * −σ((n − p)/τ) of the batch-mean MSEs p, n of the positive and negative views (./batchMeans.ts).
 */
import { definePlugin } from '../plugin/define.js';
import { batchMeans } from './batchMeans.js';

export default definePlugin({
  name: 'official_nce',
  kind: 'batch',
  description: '−e^{−p/τ}/(e^{−p/τ} + e^{−n/τ}) over batch-mean MSEs (no log, no τ prefactor)',
  params: { tau: 0.1 },
  validate: (p) => (!(p.tau > 0) ? `tau must be > 0, got ${p.tau}` : undefined),
  loss(ops, r, p) {
    const { p: pm, n: nm } = batchMeans(ops, r);
    return ops.neg(ops.sigmoid(ops.div(ops.sub(nm, pm), p.tau)));
  },
});
