/** Claim C4, the operator is PSD and weight norms never decrease: its record and checks. */
export { record } from './record.js';
export { checks } from './checks.js';
