/** Claim C5, the operator's quadratic form is the output variance: its record and checks. */
export { record } from './record.js';
export { checks } from './checks.js';
