/**
 * `official_subtract` = p − n over batch-mean MSEs (docs/theory.md §1.4), a batch-level rational loss.
 */
import { definePlugin } from '../plugin.js';

export default definePlugin({
  name: 'official_subtract',
  kind: 'batch',
  description: 'p − n over batch-mean MSEs',
  params: {},
  loss(ops, r) {
    const B = r.reduction === 'mean' ? r.pos.length : 1;
    const H = r.neg[0]!.length;
    return ops.sub(ops.mul(2 / (B * r.dim), ops.sum(r.pos)), ops.mul(2 / (B * H * r.dim), ops.sum(r.neg.flat())));
  },
});
