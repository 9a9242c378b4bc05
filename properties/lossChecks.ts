/**
 * The loss-dependent checks of one loss: what `covcheck compare`, `verify --loss FILE` and the mutation
 * self-check run for a loss family (a built-in or a plugin), each a factory of its claim:
 *   C2  the batch gradient against finite differences of the batch loss, plain and with output
 *       normalisation (properties/claims/C2/directional.ts);
 *   C6  balance, weights against finite differences, small τ (when the loss has τ), the large-τ
 *       limits (nce and tri, with trends);
 *   C7  θ = 0 under identity augmentation (per-tuple losses), the 1/τ trend (with trends).
 */
import type { Check } from '../src/runner/check.js';
import type { LossFamily } from '../src/losses/plugin/index.js';
import { CORRECT, type Pipeline } from '../src/mutants/catalogue.js';
import { fdCheck } from './claims/C2/index.js';
import { balanceCheck, limitsCheckFor, smallTauCheck, weightsCheck } from './claims/C6/index.js';
import { identityCheck, tauTrendCheckFor } from './claims/C7/index.js';
import type { LossUnderTest } from './lossUnderTest.js';

export interface LossCheckOptions {
  /** Runs per property check (default: each check's own). */
  readonly runs?: number;
  /** Include the asymptotic trend checks (large-τ limits, 1/τ trend); default true. */
  readonly trends?: boolean;
  /** The pipeline whose version of the loss is checked (default the correct one; mutants). */
  readonly pipeline?: Pipeline;
}

/** The checks `compare` and `verify --loss` run for a loss (families of built-ins or plugins). */
export function lossChecks(family: LossFamily, o: LossCheckOptions = {}): Check[] {
  const u: LossUnderTest = { family, pipeline: o.pipeline ?? CORRECT };
  const out: Check[] = [
    fdCheck(u, { normalize: false, ...(o.runs ? { runs: o.runs } : {}) }),
    fdCheck(u, { normalize: true, ...(o.runs ? { runs: o.runs } : {}) }),
    balanceCheck(u, o.runs ? { runs: o.runs } : {}),
    weightsCheck(u, o.runs ? { runs: o.runs } : {}),
  ];
  if (family.params.tau !== undefined) out.push(smallTauCheck(u, o.runs ? { runs: o.runs } : {}));
  if (family.perTuple) out.push(identityCheck(u, o.runs ? { runs: Math.max(5, Math.round(o.runs / 2)) } : {}));
  if (o.trends !== false) {
    const lim = limitsCheckFor(u);
    if (lim) out.push(lim);
    const trend = tauTrendCheckFor(u);
    if (trend) out.push(trend);
  }
  return out;
}
