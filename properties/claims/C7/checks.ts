/**
 * C7's registered checks: oracle weights (closed form, symmetric, the earlier form without H, non-symmetric),
 * nce and tri under identity augmentation, the covariance form of simp and of the unbalanced example,
 * and the τ and augmentation trends.
 */
import * as fc from 'fast-check';
import type { Check } from '../../../src/runner/check.js';
import { parseLoss } from '../../../src/losses/index.js';
import { familyOf, pluginFamily } from '../../../src/losses/plugin/index.js';
import { BUILTIN_PLUGINS } from '../../../src/losses/builtin/index.js';
import { augmentationTrendCheck } from './augmentationTrend.js';
import { covarianceFormCheck, identityCheck } from './lossResidue.js';
import { TINY } from './models.js';
import { oracleCheck } from './oracle.js';
import { tauTrendCheck } from './tauTrend.js';
import { detectionRuns } from '../detectionRuns.js';

const NCE = familyOf(parseLoss({ name: 'nce', tau: 0.5 }));
const TRI = familyOf(parseLoss({ name: 'tri', tau: 0.5, r0: 0.5 }));
const logTau = fc.double({ min: -1, max: 1, noNaN: true }).map((e) => 10 ** e);

export const checks: readonly Check[] = [
  oracleCheck('C7/rational/closed-form', 'closed-form', 'weights φ(x_0, x_0′_k): θ = E[ξ(C(x_0) − C(x_0′))], any augmentation, H = 1, 2', 'hold', { ...TINY, augmentation: { bases: ['root', 'level', 'identity'], maxLevel: 1, flips: [0, 0.25] } }, 30),
  oracleCheck('C7/rational/closed-form-without-H', 'closed-form-literal', 'the earlier statement θ = E[φ(C(x_0) − C(x_0′))] without the factor H, H = 2 (excluded: docs/theory.md C7 has ξ = H·φ)', 'fail', { ...TINY, augmentation: { bases: ['root'], flips: [0] }, tree: { maxLeaves: 4, maxDepth: 2, maxChildren: 2, irregular: false } }, detectionRuns('C7/rational/closed-form-without-H'), 2),
  oracleCheck('C7/rational/symmetric-weights', 'symmetric-zero', 'symmetric weights φ: θ = 0 exactly', 'hold', { ...TINY, augmentation: { bases: ['root', 'level', 'identity'], maxLevel: 1, flips: [0, 0.25] } }, 30),
  oracleCheck('C7/rational/non-symmetric-weights', 'non-symmetric-zero', 'non-symmetric φ with non-constant C (depth 2): θ ≠ 0', 'fail', { ...TINY, augmentation: { bases: ['root'], flips: [0] }, tree: { maxLeaves: 4, maxDepth: 2, maxChildren: 2, irregular: false } }, detectionRuns('C7/rational/non-symmetric-weights')),
  identityCheck({ family: NCE, params: logTau.map((tau) => ({ tau })) }, { id: 'C7/enumeration/identity-nce' }),
  identityCheck({ family: TRI, params: fc.record({ tau: logTau, r0: fc.double({ min: -1, max: 1, noNaN: true }) }) }, { id: 'C7/enumeration/identity-tri' }),
  covarianceFormCheck({ family: pluginFamily(BUILTIN_PLUGINS.simp!, 'builtin:simp') }, { id: 'C7/rational/covariance-form-simp', expect: 'hold' }),
  covarianceFormCheck({ family: pluginFamily(BUILTIN_PLUGINS.unbalanced!, 'builtin:unbalanced') }, { id: 'C7/rational/unbalanced', expect: 'fail' }),
  tauTrendCheck(
    [
      { u: { family: NCE }, H: 1, label: 'nce H=1' },
      { u: { family: NCE }, H: 2, label: 'nce H=2' },
      { u: { family: TRI }, H: 1, label: 'tri r0=0.5' },
    ],
    { id: 'C7/enumeration/tau-trend', variant: 'nce (H = 1, 2), tri: root augmentation, τ = 1 … 4096' },
  ),
  augmentationTrendCheck(
    [
      { u: { family: NCE }, H: 1, label: 'nce τ=0.5' },
      { u: { family: TRI }, H: 1, label: 'tri τ=0.5 r0=0.5' },
    ],
    { id: 'C7/enumeration/augmentation-trend', variant: 'nce, tri: identity+flip(q), q → 0; level(k), k = 0 … depth' },
  ),
];
