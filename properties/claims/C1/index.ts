/** Claim C1, Euler's identity: its record and checks (the predicate is src/claims/eulerIdentity.ts). */
export { record } from './record.js';
export { checks } from './checks.js';
export { arbEulerCase, type EulerCase, type EulerCaseConstraints, type CutChoice } from './generators.js';
