/**
 * In-batch negatives (SimCLR's pairing; docs/theory.md §4): checks of C2, C3, C6, C7 and C11 for batches
 * whose anchors take the other rows' views as negatives. No claim record of its own: each check
 * belongs to its claim (the registry sorts them under it).
 */
import type { Check } from '../../../src/runner/check.js';
import { balancePerAnchor, connectionFormFloat, connectionFormRational } from './chainRule.js';
import { c3InBatch, c7InBatchIdentity, c7InBatchTauTrend } from './expectation.js';
import { ntXentEmergence } from './emergence.js';

export const records = [] as const;
export const checks: readonly Check[] = [connectionFormRational, connectionFormFloat, c3InBatch, balancePerAnchor, c7InBatchIdentity, c7InBatchTauTrend, ...ntXentEmergence];
