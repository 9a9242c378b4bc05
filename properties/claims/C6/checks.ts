/**
 * C6's registered checks: balance of nce, tri (and the plugin-format nce), simp exactly, the
 * unbalanced example failing; the stated weights; weights against finite differences; small τ; the
 * large-τ limits.
 */
import * as fc from 'fast-check';
import type { Check } from '../../../src/runner/check.js';
import { parseLoss } from '../../../src/losses/index.js';
import { familyOf, pluginFamily } from '../../../src/losses/plugin/index.js';
import { BUILTIN_PLUGINS } from '../../../src/losses/builtin/index.js';
import { balanceCheck } from './balance.js';
import { limitsCheck } from './limits.js';
import { smallTauCheck } from './smallTau.js';
import { PLUGIN_NCE, statedCheck } from './statedWeights.js';
import { weightsCheck } from './weights.js';

const NCE = familyOf(parseLoss({ name: 'nce', tau: 1 }));
const TRI = familyOf(parseLoss({ name: 'tri', tau: 1, r0: 0 }));
const logTau = fc.double({ min: -2, max: 2, noNaN: true }).map((e) => 10 ** e);
const UNBALANCED = pluginFamily(BUILTIN_PLUGINS.unbalanced!, 'builtin:unbalanced');
const SIMP = pluginFamily(BUILTIN_PLUGINS.simp!, 'builtin:simp');

export const checks: readonly Check[] = [
  balanceCheck({ family: NCE, params: logTau.map((tau) => ({ tau })) }, { id: 'C6/float64/balance-nce' }),
  balanceCheck({ family: TRI, params: fc.record({ tau: fc.oneof(logTau, fc.constant(0)), r0: fc.double({ min: -2, max: 2, noNaN: true }) }) }, { id: 'C6/float64/balance-tri' }),
  balanceCheck({ family: PLUGIN_NCE, params: logTau.map((tau) => ({ tau })) }, { id: 'C6/float64/balance-nce-plugin' }),
  balanceCheck({ family: SIMP }, { id: 'C6/rational/balance-simp' }),
  balanceCheck({ family: UNBALANCED }, { id: 'C6/rational/unbalanced', expect: 'fail' }),
  statedCheck,
  weightsCheck({ family: NCE, params: fc.double({ min: -1, max: 1, noNaN: true }).map((e) => ({ tau: 10 ** e })) }, { id: 'C6/float64/weights-nce' }),
  weightsCheck({ family: TRI, params: fc.record({ tau: fc.double({ min: -1, max: 1, noNaN: true }).map((e) => 10 ** e), r0: fc.double({ min: -1, max: 1, noNaN: true }) }) }, { id: 'C6/float64/weights-tri' }),
  smallTauCheck({ family: NCE }, { id: 'C6/float32/small-tau-nce' }),
  smallTauCheck({ family: PLUGIN_NCE }, { id: 'C6/float32/small-tau-nce-plugin' }),
  smallTauCheck({ family: TRI }, { id: 'C6/float32/small-tau-tri' }),
  limitsCheck(
    [
      { u: { family: NCE }, kind: 'nce', H: 1, r0: 0 },
      { u: { family: NCE }, kind: 'nce', H: 2, r0: 0 },
      { u: { family: NCE }, kind: 'nce', H: 3, r0: 0 },
      { u: { family: TRI }, kind: 'tri', H: 1, r0: 0 },
      { u: { family: TRI }, kind: 'tri', H: 1, r0: 0.5 },
    ],
    { id: 'C6/float64/large-tau-limits', variant: 'nce (H = 1, 2, 3), tri (r0 = 0, 0.5): weights, gradients and shifted losses, τ = 1 … 2^16' },
  ),
];
