/**
 * A loss under test: a loss family (a built-in or a plugin, src/losses/plugin.ts), the parameters
 * drawn for it and the pipeline whose version of the loss is checked (src/mutants/catalogue.ts; the
 * correct one by default). The loss-parameterised checks of C2, C6 and C7 take one, so
 * `covcheck compare`, `verify --loss FILE` and the mutation self-check run the same predicates on any
 * loss (properties/lossChecks.ts).
 */
import type * as fc from 'fast-check';
import type { Measurement } from '../src/runner/check.js';
import type { Loss } from '../src/losses/loss.js';
import type { LossFamily, Params } from '../src/losses/plugin/index.js';
import { CORRECT, type Pipeline } from '../src/mutants/catalogue.js';

export interface LossUnderTest {
  readonly family: LossFamily;
  /** Parameter draws (default: the family's own parameters). */
  readonly params?: fc.Arbitrary<Params>;
  /** The pipeline whose version of the loss is checked (mutants); default CORRECT. */
  readonly pipeline?: Pipeline;
}

/** The loss a pipeline uses for a family at some parameters (null: the pipeline has none). */
export function pipelineLoss(u: LossUnderTest, params: Params): Loss | null {
  return (u.pipeline ?? CORRECT).wrapLoss(u.family.make(params));
}

/** The id suffix of a loss-parameterised check: "[nce(tau=0.5)]", "[nce(tau=0.5) | mutant detached-negative]". */
export const idSuffix = (u: LossUnderTest) => `[${u.family.label}${u.pipeline && u.pipeline.id !== 'correct' ? ` | mutant ${u.pipeline.id}` : ''}]`;

/** The negatives per tuple a family allows, capped at maxH: [max(1, lo), max(that, min(maxH, hi))]. */
export function negativesRange(family: LossFamily, maxH: number): [number, number] {
  const lo = Math.max(1, family.negatives[0]);
  return [lo, Math.max(lo, Math.min(maxH, family.negatives[1]))];
}

/** The measurement of a pipeline without a version of the loss (nothing to check). */
export const NOT_APPLICABLE: Measurement = { ok: true, error: 0, tolerance: 0, note: 'the pipeline has no version of this loss' };
