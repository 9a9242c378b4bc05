/**
 * Claim C2, the chain rule through distances: its record and checks (float64/rational, then the
 * float32 engines), and the factories other modules use (the predicates are src/claims/chainRule.ts).
 */
import type { Check } from '../../../src/runner/check.js';
import { checks as coreChecks } from './checks.js';
import { checks as engineChecks } from './engines/checks.js';

export { record } from './record.js';
export { engineChecks };
export const checks: readonly Check[] = [...coreChecks, ...engineChecks];
export { fdCheck } from './directional.js';
export { gradientTolerance } from './engines/tolerance.js';
export { LOSSES as ENGINE_LOSSES, roundParams } from './engines/cases.js';
