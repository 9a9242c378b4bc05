/**
 * The claim registry: every claim record (docs/theory.md §2) and every executable check, in a stable
 * order, and the loss-dependent checks for any loss. `covcheck verify` (through `registry`, handed
 * to the CLI by properties/cli.ts) and properties/claims.test.ts both read this list.
 */
import type { Check, ClaimRecord } from '../src/runner/check.js';
import type { Registry } from '../src/runner/registry.js';
import * as C1 from './claims/C1/index.js';
import * as C2 from './claims/C2/index.js';
import * as C3 from './claims/C3/index.js';
import * as C4 from './claims/C4/index.js';
import * as C5 from './claims/C5/index.js';
import * as C6 from './claims/C6/index.js';
import * as C7 from './claims/C7/index.js';
import * as C8 from './claims/C8.js';
import * as C9 from './claims/C9.js';
import * as C10 from './claims/C10/index.js';
import * as C11 from './claims/C11.js';
import * as C12 from './claims/C12.js';
import * as mutants from './mutants/index.js';
import * as inBatch from './claims/inBatch/index.js';
import { lossChecks } from './lossChecks.js';
import { CHECK_COSTS } from './checkCosts.js';

/** A claim module exports `record` (one claim) or `records` (several), and `checks`. */
type ClaimModule = { readonly checks: readonly Check[] } & ({ readonly record: ClaimRecord } | { readonly records: readonly ClaimRecord[] });

const MODULES: readonly ClaimModule[] = [C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, inBatch];

const byId = (a: ClaimRecord, b: ClaimRecord) => Number(a.id.slice(1)) - Number(b.id.slice(1));

export const CLAIMS: readonly ClaimRecord[] = MODULES.flatMap((m) => ('record' in m ? [m.record] : m.records)).sort(byId);
export const CHECKS: readonly Check[] = [...MODULES.flatMap((m) => m.checks), ...mutants.checks]
  .sort((a, b) => Number(a.claim.slice(1)) - Number(b.claim.slice(1)));

/** The registry the CLI and the public API serve (src/runner/registry.ts). */
export const registry: Registry = {
  claims: CLAIMS,
  checks: CHECKS,
  lossChecks,
  costs: CHECK_COSTS,
  largeChecks: async (engine) => (await import('./claims/largeScale.js')).largeScaleChecks({ engine }),
};
