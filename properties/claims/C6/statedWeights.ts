/**
 * C6's stated weights of the built-ins, three ways: β of the built-in nce/tri, the softmax/sigmoid
 * written out (β_k = −e^{−r_k/τ}/Z, β_− = −σ((r_+ − r_− + r_0)/τ)), and the dual-number derivatives of
 * the plugin-format examples (src/losses/builtin), with equal values.
 */
import * as fc from 'fast-check';
import { arbLogUniform, arbUniform } from '../../generators/reals.js';

import { F64 } from '../../../src/numeric/arith.js';
import { tolerance } from '../../../src/numeric/tolerance.js';
import type { PropertyCheck } from '../../../src/runner/check.js';
import { fmt } from '../../../src/runner/run.js';
import { parseLoss } from '../../../src/losses/index.js';
import { pluginFamily } from '../../../src/losses/plugin/index.js';
import { BUILTIN_PLUGINS } from '../../../src/losses/builtin/index.js';
import { record } from './record.js';

/** Distances spread over [0, 20] (fc.double put 90% of them below 1e-6). */
const DISTANCE = arbUniform({ min: 0, max: 20 });

interface StatedCase {
  readonly loss: 'nce' | 'tri';
  readonly tau: number;
  readonly r0: number;
  readonly rPos: number;
  readonly rNeg: number[];
}

function statedWeights(c: StatedCase): number[] {
  if (c.loss === 'tri') {
    const u = (c.rPos - c.rNeg[0]! + c.r0) / c.tau;
    const s = u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u));
    return [s, -s];
  }
  // β_k = −e^{−r_k/τ}/Z as a softmax over the logits −r/τ (max subtracted: no underflow).
  const logits = [c.rPos, ...c.rNeg].map((r) => -r / c.tau);
  const m = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - m));
  const Z = e.reduce((a, b) => a + b, 0);
  const bk = e.slice(1).map((v) => -v / Z);
  return [-bk.reduce((a, b) => a + b, 0), ...bk];
}

export const PLUGIN_NCE = pluginFamily(BUILTIN_PLUGINS.nce!, 'builtin:nce');
const PLUGIN_TRI = pluginFamily(BUILTIN_PLUGINS.tri!, 'builtin:tri');

export const statedCheck: PropertyCheck<StatedCase> = {
  type: 'property',
  id: 'C6/float64/stated-weights',
  claim: 'C6',
  title: record.title,
  variant: 'built-in nce, tri: β equal the stated softmax/sigmoid weights and the dual-number derivatives of the plugin-format examples',
  expect: 'hold',
  arithmetic: 'float64',
  runs: { ci: 100, full: 1000 },
  arbitrary: () =>
    fc.oneof(
      fc.record({
        loss: fc.constant('nce' as const),
        tau: arbLogUniform({ min: 1e-3, max: 1e2 }),
        r0: fc.constant(0),
        rPos: DISTANCE,
        rNeg: fc.array(DISTANCE, { minLength: 1, maxLength: 4 }),
      }),
      fc.record({
        loss: fc.constant('tri' as const),
        tau: arbLogUniform({ min: 1e-3, max: 1e2 }),
        r0: arbUniform({ min: -2, max: 2, shrinkTo: 0 }),
        rPos: DISTANCE,
        rNeg: fc.array(DISTANCE, { minLength: 1, maxLength: 1 }),
      }),
    ),
  measure: (c) => {
    const spec = c.loss === 'nce' ? { name: 'nce', tau: c.tau } : { name: 'tri', tau: c.tau, r0: c.r0 };
    const builtin = parseLoss(spec);
    const plugin = (c.loss === 'nce' ? PLUGIN_NCE : PLUGIN_TRI).make(c.loss === 'nce' ? { tau: c.tau } : { tau: c.tau, r0: c.r0 });
    const batch = { rPos: [c.rPos], rNeg: [c.rNeg], dim: 2, reduction: 'mean' as const };
    const a = builtin.evaluate(F64, batch);
    const b = plugin.evaluate(F64, batch);
    const want = statedWeights(c);
    const got = [a.betaPos[0]!, ...a.betaNeg[0]!];
    const dual = [b.betaPos[0]!, ...b.betaNeg[0]!];
    let err = 0;
    want.forEach((w, i) => (err = Math.max(err, Math.abs(w - got[i]!), Math.abs(w - dual[i]!))));
    const valueErr = Math.abs(a.value - b.value);
    const t = tolerance('float64', 'identity', 8 * (want.length + 1), 1);
    const tv = tolerance('float64', 'identity', 8 * (want.length + 1), Math.abs(a.value) + Math.abs(c.rPos) + c.rNeg.reduce((p, q) => p + Math.abs(q), 0) + Math.abs(c.r0));
    const ok = err <= t.tol && valueErr <= tv.tol && want.every(Number.isFinite);
    return {
      ok,
      error: err / t.tol >= valueErr / tv.tol ? err : valueErr,
      tolerance: err / t.tol >= valueErr / tv.tol ? t.tol : tv.tol,
      derivation: t.derivation,
      note: `stated ${want.map(fmt).join(', ')}; built-in ${got.map(fmt).join(', ')}; dual ${dual.map(fmt).join(', ')}; values ${a.value} vs ${b.value}`,
    };
  },
  describe: (c) => c,
};
