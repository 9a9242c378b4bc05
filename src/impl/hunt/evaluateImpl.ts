/**
 * One case judged through the implementation for `hunt --impl` (huntImpl.ts, shrinkImpl.ts): the
 * worst measurement of the per-case checks (impl/checks/caseChecks.ts) as a score error/tolerance,
 * and the conversion of in-batch cases (no x_neg) to and from the shape src/hunt/caseMoves.ts moves.
 */
import { deriveSeed } from '../../numeric/random.js';
import type { NestedCaseJson } from '../../case/schema.js';
import type { ImplClient } from '../client.js';
import type { ImplCase } from '../implCase.js';
import { caseChecks, type CaseCheckId } from '../checks/caseChecks.js';
import type { ImplMeasurement } from '../checks/measurement.js';

/** One evaluated case: its worst measurement and which check it belongs to. */
export interface ImplEvaluated {
  readonly case: ImplCase;
  readonly check: CaseCheckId;
  readonly measurement: ImplMeasurement;
  /** error/tolerance of that measurement (0 when skipped). */
  readonly score: number;
}

/** Evaluates a case: the worst measurement over the checks (of `check` only, when given). */
export async function evaluateThroughImpl(impl: ImplClient, c: ImplCase, seed: number, checks?: readonly CaseCheckId[]): Promise<ImplEvaluated | null> {
  const ms = await caseChecks(impl, c, deriveSeed(seed, 'impl-hunt-direction'), checks);
  let worst: ImplEvaluated | null = null;
  for (const m of ms) {
    const score = m.measurement.skipped ? 0 : m.measurement.tolerance > 0 ? m.measurement.error / m.measurement.tolerance : m.measurement.ok ? 0 : Number.POSITIVE_INFINITY;
    if (worst === null || score > worst.score) worst = { case: c, check: m.id, measurement: m.measurement, score };
  }
  return worst;
}

/** In-batch cases carry no x_neg; the moves of src/hunt/caseMoves.ts read one (empty rows). */
export const asMovable = (c: ImplCase): NestedCaseJson => ({ ...c, batch: { ...c.batch, x_neg: (c.batch.x_neg ?? c.batch.x.map(() => [])) as number[][][] } }) as unknown as NestedCaseJson;
export const fromMovable = (m: NestedCaseJson, like: ImplCase): ImplCase => {
  if ((like.negatives ?? 'explicit') === 'explicit') return m as unknown as ImplCase;
  const { x_neg: _drop, ...batch } = m.batch;
  return { ...(m as unknown as ImplCase), batch } as ImplCase;
};

