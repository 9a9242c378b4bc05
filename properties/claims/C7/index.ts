/**
 * Claim C7, the pairwise-weighted covariance operator and residue of balanced losses: its record and
 * checks, and the check factories over a loss under test that lossChecks and the mutation self-check use.
 */
export { record } from './record.js';
export { checks } from './checks.js';
export { identityCheck } from './lossResidue.js';
export { tauTrendCheckFor } from './tauTrend.js';
