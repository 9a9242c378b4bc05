/**
 * Claim C6, balance of L_tri and L_nce and their large-τ limits: its record and checks, and the check
 * factories over a loss under test that lossChecks and the mutation self-check use (the balance
 * predicate is src/claims/lossBalance.ts).
 */
export { record } from './record.js';
export { checks } from './checks.js';
export { balanceCheck } from './balance.js';
export { weightsCheck } from './weights.js';
export { smallTauCheck } from './smallTau.js';
export { limitsCheckFor } from './limits.js';
