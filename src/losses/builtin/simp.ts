/**
 * L_simp = r_+ − mean_k r_k− (docs/theory.md §1.4) as a loss plugin. Rational: it runs in exact arithmetic.
 * Copy this file to start a plugin of your own (docs/plugins.md); the import is optional.
 */
import { definePlugin } from '../plugin/define.js';

export default definePlugin({
  name: 'simp',
  description: 'r_+ − mean_k r_k− (balanced; its expected gradient is −2·OP·w, claim C3)',
  params: {},
  loss(ops, r) {
    return ops.sub(r.pos, ops.mean(r.neg));
  },
});
