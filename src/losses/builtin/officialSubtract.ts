/**
 * `official_subtract` = p − n over the batch-mean MSEs (docs/theory.md §1.4, ./batchMeans.ts), a
 * batch-level rational loss.
 */
import { definePlugin } from '../plugin/define.js';
import { batchMeans } from './batchMeans.js';

export default definePlugin({
  name: 'official_subtract',
  kind: 'batch',
  description: 'p − n over batch-mean MSEs',
  params: {},
  loss(ops, r) {
    const { p, n } = batchMeans(ops, r);
    return ops.sub(p, n);
  },
});
