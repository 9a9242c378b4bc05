/**
 * Claim C3, the covariance-operator theorem: its record and checks (enumeration, Monte Carlo), and the
 * pipeline check the mutation self-check uses (the predicate is src/claims/covarianceOperatorTheorem.ts).
 */
import type { Check } from '../../../src/runner/check.js';
import { checks as enumerationChecks } from './enumeration.js';
import { monteCarloCheck, monteCarloPowerCheck } from './monteCarlo.js';

export { record } from './record.js';
export { c3PipelineCheck } from './tupleEnumeration.js';
export const checks: readonly Check[] = [...enumerationChecks, monteCarloCheck, monteCarloPowerCheck];
