/**
 * The per-case implementation checks (docs/impl.md), one grad answer and the requests they add:
 *   impl/agreement      against covcheck's float64 reference (losses of docs/case-format.md);
 *   impl/C2-derivative  ⟨grads, v⟩ against differences of its own loss, along a random direction v
 *                       (seeded) and along v = grads/‖grads‖;
 *   impl/C2-connection  grads against Σ_s K(s)·δ_s from its own outputs and β (in-batch: summed over pairs).
 * Shared by `verify --impl` (runImplChecks.ts) and `hunt --impl` (huntImpl.ts); each entry is one
 * measurement of one check on this case.
 */
import { Rng } from '../../numeric/random.js';
import type { ImplClient } from '../client.js';
import type { GradAnswer } from '../answers.js';
import type { ImplCase } from '../implCase.js';
import { agreement, hasReference } from './agreement.js';
import { derivativeOfOwnLoss, quantisedDirection } from './derivative.js';
import { connectionFormOfOwnOutputs } from './connectionForm.js';
import type { ImplMeasurement } from './measurement.js';

export type CaseCheckId = 'impl/agreement' | 'impl/C2-derivative' | 'impl/C2-connection';

export const CASE_CHECKS: readonly { readonly id: CaseCheckId; readonly claim: string }[] = [
  { id: 'impl/agreement', claim: 'agreement' },
  { id: 'impl/C2-derivative', claim: 'C2' },
  { id: 'impl/C2-connection', claim: 'C2' },
];

export interface CaseMeasurement {
  readonly id: CaseCheckId;
  readonly measurement: ImplMeasurement;
}

/** Runs the per-case checks on one case (already inside `supports` and rounded to the dtype). */
export async function caseChecks(impl: ImplClient, c: ImplCase, directionSeed: number, only?: readonly CaseCheckId[]): Promise<CaseMeasurement[]> {
  const want = (id: CaseCheckId) => only === undefined || only.includes(id);
  const a: GradAnswer = await impl.grad(c);
  const out: CaseMeasurement[] = [];
  const loss = String(c.loss.name);
  if (want('impl/agreement') && hasReference(loss)) out.push({ id: 'impl/agreement', measurement: agreement(c, a, impl.handshake.dtype) });
  if (want('impl/C2-derivative')) {
    const rng = new Rng(directionSeed);
    const nW = Object.values(c.weights).reduce((s, m) => s + m.length * (m[0]?.length ?? 0), 0);
    out.push({ id: 'impl/C2-derivative', measurement: await derivativeOfOwnLoss(impl, c, a, quantisedDirection(Array.from({ length: nW }, () => rng.normal())), 'a random direction v') });
    const gradDir = quantisedDirection(Object.keys(c.weights).flatMap((n) => a.grads[n]!.flat()));
    if (gradDir.some((x) => x !== 0)) out.push({ id: 'impl/C2-derivative', measurement: await derivativeOfOwnLoss(impl, c, a, gradDir, 'v = grads/‖grads‖') });
  }
  if (want('impl/C2-connection')) out.push({ id: 'impl/C2-connection', measurement: await connectionFormOfOwnOutputs(impl, c, a) });
  return out;
}
