/**
 * The claim registry: every claim record (THEORY.md §2) and every executable check, in a stable
 * order. `covcheck verify` and properties/claims.test.ts both read this list.
 */
import type { Check, ClaimRecord } from '../src/runner/check.js';
import * as C1 from './claims/C1.js';
import * as C2 from './claims/C2.js';
import * as C3 from './claims/C3.js';

interface ClaimModule {
  readonly record: ClaimRecord;
  readonly checks: readonly Check[];
}

// Each claim module lives in properties/claims/<id>.ts and exports { record, checks }.
const MODULES: readonly ClaimModule[] = [C1, C2, C3];

export const CLAIMS: readonly ClaimRecord[] = MODULES.map((m) => m.record);
export const CHECKS: readonly Check[] = MODULES.flatMap((m) => m.checks);
