/**
 * The claim registry as the CLI sees it: plain data and functions, no import of `properties/`.
 * `properties/registry.ts` builds the one real Registry; the composition root (properties/cli.ts,
 * run by bin/covcheck.js) hands a loader for it to `main(argv, { registry })`, and only the
 * commands that run claims (verify, replay, compare) call the loader. So `covcheck eval`,
 * `covcheck train`, `--help` and `--version` never load a claim module (docs/theory.md §2).
 */
import type { Check, ClaimRecord } from './check.js';
import type { LossFamily } from '../losses/plugin/index.js';
import type { EngineName } from '../engines/engine.js';

export interface Registry {
  /** Claim records (docs/theory.md §2), ordered by id. */
  readonly claims: readonly ClaimRecord[];
  /** Every executable check, ordered by claim. */
  readonly checks: readonly Check[];
  /**
   * The loss-dependent checks (C2, C6, C7) for one loss family, through the correct gradient
   * pipeline. `runs` overrides each check's case count; `trends: false` leaves out the slow
   * large-τ limit and τ-trend checks. (`verify --loss`, `compare`.)
   */
  /**
   * Estimated cost of each check (CPU ms at CI scale): `verify --jobs N` starts the costlier checks
   * first. Wall time only, never a result; a check missing here gets a default.
   */
  readonly costs?: Readonly<Record<string, number>>;
  lossChecks(family: LossFamily, o?: { runs?: number; trends?: boolean }): Check[];
  /**
   * The checks of `verify --scale large` (C11, C12 at the size of `--preset large`, docs/gpu.md),
   * trained on `engine` (null: webgpu). Where that engine has no adapter they answer `skipped`
   * with the reason. Loaded only when asked for (it names the GPU engine).
   */
  largeChecks?(engine: EngineName | null): Promise<Check[]>;
}

/** Loads the registry (a dynamic import in the composition root). */
export type RegistryLoader = () => Promise<Registry>;

/** A selection of checks: claim ids (null: all) and a substring of the check id (null: any). */
export interface CheckFilter {
  readonly claims: readonly string[] | null;
  readonly check: string | null;
}

/** The checks a filter selects, in registry order (`verify --claims/--check`, the public API). */
export function selectChecks(checks: readonly Check[], o: CheckFilter): Check[] {
  return checks.filter((c) => (o.claims === null || o.claims.includes(c.claim)) && (o.check === null || c.id.includes(o.check)));
}
