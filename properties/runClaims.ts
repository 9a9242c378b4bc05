/**
 * Running the registry's checks from code, as `covcheck verify` does: the same selection
 * (claim ids, a substring of the check id), the same per-check seeds (deriveSeed(seed, check id))
 * and so the same verdicts. Used by the public entry (`covcheck`) and `covcheck/vitest`.
 */
import type { Check, CheckResult, Scale, Verdict } from '../src/runner/check.js';
import { runCheck } from '../src/runner/run.js';
import { selectChecks } from '../src/runner/registry.js';
import { deriveSeed } from '../src/numeric/random.js';
import { CHECKS } from './registry.js';
import { FULL_SCALE_ONLY } from './claims/C12.js';
import { acceptedVerdict } from './acceptedVerdict.js';

export interface ClaimSelection {
  /** Claim ids to run (default: every claim). */
  readonly claims?: readonly string[];
  /** Only checks whose id contains this text (default: every check of the selected claims). */
  readonly check?: string;
  /** Base seed, as `covcheck verify --seed` (default 42). */
  readonly seed?: number;
  /** 'ci' (default) or 'full'. */
  readonly scale?: Scale;
  /** Cases per property check (default: each check's own count for the scale). */
  readonly numRuns?: number;
  /** The checks to choose from (default: the registry's). */
  readonly from?: readonly Check[];
}

/** The checks a selection names, in registry order; throws when it names none. */
export function selectedChecks(o: ClaimSelection = {}): Check[] {
  const claims = o.claims === undefined ? null : o.claims.map((c) => c.trim().toUpperCase());
  const checks = selectChecks(o.from ?? CHECKS, { claims, check: o.check ?? null });
  if (checks.length === 0) {
    throw new Error(`covcheck: no check selected (claims ${JSON.stringify(o.claims ?? 'all')}, check ${JSON.stringify(o.check ?? 'any')})`);
  }
  return checks;
}

/** The options `runCheck` gets for one check of a run with base seed `seed`. */
export function checkRunOptions(check: Check, o: Pick<ClaimSelection, 'seed' | 'scale' | 'numRuns'> = {}): Parameters<typeof runCheck>[1] {
  const seed = o.seed ?? 42;
  return { seed: deriveSeed(seed, check.id), baseSeed: seed, scale: o.scale ?? 'ci', ...(o.numRuns !== undefined ? { numRuns: o.numRuns } : {}) };
}

/** Runs the selected checks one after the other and returns their results. */
export async function runClaims(o: ClaimSelection = {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of selectedChecks(o)) results.push(await runCheck(check, checkRunOptions(check, o)));
  return results;
}

/**
 * The verdict that agrees with the theory, as a one-element list (properties/acceptedVerdict.ts,
 * the rule `npm test` applies too): the one the check declares, `pass` for a claim that holds,
 * `expected-fail` for an excluded variant, `known-fail` when registered; a check docs/theory.md
 * decides only at full scale (C12(b), the NT-Xent gain of C11) answers `skipped` at CI scale, never
 * `pass`. An expected-fail check that passes, or a holding one that fails, disagrees.
 */
export function expectedVerdicts(check: Check, scale: Scale): readonly Verdict[] {
  return [acceptedVerdict(check, { fullScaleOnly: scale === 'ci' && FULL_SCALE_ONLY.includes(check.id) })];
}
