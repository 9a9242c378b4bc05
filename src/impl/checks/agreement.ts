/**
 * Agreement (docs/impl.md, issue 9 §2): the implementation's loss, outputs f and gradients against
 * covcheck's float64 reference (case/evaluateCase.ts, network/batchGradient.ts) on the same case,
 * within the tolerance derived for the announced dtype (impl/agreementTolerance.ts). Only for the
 * losses of docs/case-format.md (losses/index.ts LOSS_NAMES); a user's own loss name has no reference.
 * Explicit or in-batch negatives (network/inBatchGradient.ts; f then holds x and x_pos only).
 */
import { F64 } from '../../numeric/arith.js';
import { parseCase } from '../../case/parseCase.js';
import { batchLoss } from '../../network/batchGradient.js';
import { LOSS_NAMES } from '../../losses/index.js';
import { agreementTolerance, inBatchAgreementTolerance } from '../agreementTolerance.js';
import { inBatchLoss } from '../../network/inBatchGradient.js';
import { interleaveViews } from '../../network/inBatchPairs.js';
import type { GradAnswer } from '../answers.js';
import type { ImplCase } from '../implCase.js';
import type { ImplDtype } from '../handshake.js';
import type { ImplMeasurement } from './measurement.js';

/** Whether covcheck has a float64 reference for this loss name. */
export function hasReference(loss: string): boolean {
  return (LOSS_NAMES as readonly string[]).includes(loss);
}

/** The case rounded to float32 where the implementation computes in float32 (only the arithmetic differs). */
export function roundCase(c: ImplCase, dtype: ImplDtype): ImplCase {
  if (dtype === 'float64') return c;
  return JSON.parse(JSON.stringify(c), (_k, v: unknown) => (typeof v === 'number' ? Math.fround(v) : v)) as ImplCase;
}

const maxAbsDiff = (a: readonly number[], b: readonly number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/** The float64 reference of a case and its agreement tolerances, explicit or in-batch negatives. */
function reference(c: ImplCase, dtype: ImplDtype) {
  const p = parseCase(c);
  if (p.negatives === 'in-batch') {
    const r = inBatchLoss(F64, p.spec, p.params, p.batch, p.loss, p.symmetric, p.reduction);
    return { p, value: r.value, f: [...r.f.x.flat(), ...r.f.pos.flat()], grads: r.grads.W.flat(), tol: inBatchAgreementTolerance(dtype, p.spec, p.params, interleaveViews(p.batch.x, p.batch.pos), p.loss, r, p.reduction) };
  }
  const ref = batchLoss(F64, p.spec, p.params, p.batch, p.loss, p.reduction);
  return { p, value: ref.value, f: [...ref.f.x.flat(), ...ref.f.pos.flat(), ...ref.f.neg.flat(2)], grads: ref.grads.W.flat(), tol: agreementTolerance(dtype, p.spec, p.params, p.batch, p.loss, ref, p.reduction) };
}

export function agreement(c: ImplCase, answer: GradAnswer, dtype: ImplDtype): ImplMeasurement {
  const { p, value, f, grads, tol } = reference(c, dtype);
  const lossErr = Math.abs(answer.loss - value);
  const negF = answer.f.x_neg === undefined ? [] : (answer.f.x_neg as unknown[]).flat(2) as number[];
  const fErr = maxAbsDiff([...answer.f.x.flat(), ...answer.f.x_pos.flat(), ...negF], f);
  const mine = p.spec.arch.blocks.flatMap((b) => answer.grads[b.name]!.flat());
  const gErr = maxAbsDiff(mine, grads);
  const parts = [
    { what: 'loss', error: lossErr, tol: tol.loss },
    { what: 'f', error: fErr, tol: tol.f },
    { what: 'grads', error: gErr, tol: tol.grads },
  ];
  const worst = parts.reduce((w, q) => (q.error / q.tol.tol > w.error / w.tol.tol ? q : w));
  return {
    ok: parts.every((q) => q.error <= q.tol.tol),
    error: worst.error,
    tolerance: worst.tol.tol,
    derivation: `${worst.what}: ${worst.tol.derivation}`,
    note: `|Δloss| ${lossErr.toExponential(2)}, max|Δf| ${fErr.toExponential(2)}, max|Δgrad| ${gErr.toExponential(2)} against the float64 reference (loss ${value}${p.negatives === 'in-batch' ? ', in-batch negatives' : ''})`,
  };
}
