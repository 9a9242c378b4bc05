/**
 * C2 on the implementation, second half (docs/theory.md §1.3–1.4, claims/chainRule.ts): its
 * gradient equals the connection form built from its own outputs f,
 *
 *     ∇_{W_ν} L = Σ_s K_ν(s)·δ_s,  δ_x = β_+(f_x − f_+) + Σ_k β_k(f_x − f_k),  δ_+ = −β_+(f_x − f_+),  δ_k = −β_k(f_x − f_k),
 *
 * with f the implementation's outputs, β = ∂loss/∂r its own loss weights (a `distances` request at
 * its own distances when supported and the loss is one of distances alone (not official_*, which
 * needs the output width), else covcheck's loss of docs/case-format.md at those
 * distances), and K_ν(s) covcheck's connections on the case's weights (network/connection.ts).
 * Tolerance: the agreement tolerance of the gradients for the dtype (impl/agreementTolerance.ts)
 * with the implementation's f, β and δ in place of the reference's. Explicit negatives, no normalisation;
 * in-batch negatives: inBatchConnectionForm below.
 */
import { F64 } from '../../numeric/arith.js';
import { parseCase, type ParsedCase } from '../../case/parseCase.js';
import type { Tolerance } from '../../numeric/tolerance.js';
import { batchLoss, connectionGradient, type BatchResult } from '../../network/batchGradient.js';
import { agreementTolerance, inBatchAgreementTolerance } from '../agreementTolerance.js';
import { inBatchLoss, pairwiseConnectionGradient } from '../../network/inBatchGradient.js';
import { interleaveViews } from '../../network/inBatchPairs.js';
import type { ImplClient } from '../client.js';
import type { GradAnswer } from '../answers.js';
import type { ImplCase } from '../implCase.js';
import type { ImplMeasurement } from './measurement.js';
import { hasReference } from './agreement.js';

const half = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / 2;
const diff = (a: readonly number[], b: readonly number[], w: number) => a.map((v, i) => w * (v - b[i]!));
const add = (a: number[], b: readonly number[]) => a.map((v, i) => v + b[i]!);

export async function connectionFormOfOwnOutputs(impl: ImplClient, c: ImplCase, answer: GradAnswer): Promise<ImplMeasurement> {
  if ((c.negatives ?? 'explicit') === 'in-batch') return inBatchConnectionForm(impl, c, answer);
  const lossName = String(c.loss.name);
  const known = hasReference(lossName);
  // official_nce / official_subtract depend on the output width d, which a distances request does not carry.
  const viaDistances = impl.handshake.supports.distances && !lossName.startsWith('official_');
  if (!known && !viaDistances) return { ok: true, skipped: true, error: 0, tolerance: 0, note: `loss ${lossName}: no distances support and no reference loss, so no β: skipped` };
  // The network of the case (its loss replaced by simp when covcheck does not know it: only K is used).
  const p = parseCase(known ? c : { ...c, loss: { name: 'simp' } });
  const ref = batchLoss(F64, p.spec, p.params, p.batch, p.loss, p.reduction);
  const fx = answer.f.x;
  const fp = answer.f.x_pos;
  const fn = (answer.f.x_neg ?? []) as number[][][];
  const rPos = fx.map((a, b) => half(a, fp[b]!));
  const rNeg = fx.map((a, b) => fn[b]!.map((o) => half(a, o)));
  let betaPos: number[];
  let betaNeg: number[][];
  let source: string;
  if (viaDistances) {
    const d = await impl.distances({ loss: c.loss, r_pos: rPos, r_neg: rNeg, reduction: (c.reduction as 'mean' | 'sum' | undefined) ?? 'mean' });
    betaPos = d.beta_pos;
    betaNeg = d.beta_neg;
    source = 'β from its distances answer';
  } else {
    const own = batchLoss(F64, p.spec, p.params, p.batch, p.loss, p.reduction);
    betaPos = own.betaPos;
    betaNeg = own.betaNeg;
    source = 'β of the case-format loss';
  }
  const dx = fx.map((a, b) => fn[b]!.reduce((acc, o, k) => add(acc, diff(a, o, betaNeg[b]![k]!)), diff(a, fp[b]!, betaPos[b]!)));
  const dp = fx.map((a, b) => diff(a, fp[b]!, -betaPos[b]!));
  const dn = fx.map((a, b) => fn[b]!.map((o, k) => diff(a, o, -betaNeg[b]![k]!)));
  const own: BatchResult<number> = { ...ref, value: answer.loss, f: { x: fx, pos: fp, neg: fn }, betaPos, betaNeg, dOut: { x: dx, pos: dp, neg: dn } };
  const viaK = connectionGradient(F64, p.spec, p.params, own);
  const tol = agreementTolerance(impl.handshake.dtype, p.spec, p.params, p.batch, p.loss, own).grads;
  return againstConnectionForm(p.spec, answer, viaK, tol, `max |grads − Σ_s K(s)·δ_s| over every weight, δ from the implementation's own f and ${source}`);
}

/** max |grads − viaK| over every weight, against the gradient tolerance. */
function againstConnectionForm(spec: ParsedCase['spec'], answer: GradAnswer, viaK: readonly (readonly number[])[], tol: Tolerance, note: string): ImplMeasurement {
  let error = 0;
  spec.arch.blocks.forEach((b) => answer.grads[b.name]!.flat().forEach((g, i) => (error = Math.max(error, Math.abs(g - viaK[b.index]![i]!)))));
  return { ok: error <= tol.tol, error, tolerance: tol.tol, derivation: tol.derivation, note };
}

/**
 * In-batch negatives (network/inBatchGradient.ts, pairwiseConnectionGradient): the gradient as
 * Σ_anchors Σ_pairs β·(K_a − K_o)(u_a − u_o) with u the implementation's own 2B views and β its own
 * (a distances request over the A anchors' r when supported and not official_*, else covcheck's
 * loss at those r). Distance losses without normalisation (ntxent: its β are of similarities of
 * normalised outputs, whose connection form is not this one: skipped with the reason).
 */
async function inBatchConnectionForm(impl: ImplClient, c: ImplCase, answer: GradAnswer): Promise<ImplMeasurement> {
  const lossName = String(c.loss.name);
  if (c.normalize === true || lossName === 'ntxent') return { ok: true, skipped: true, error: 0, tolerance: 0, note: 'in-batch with normalised outputs (ntxent): the connection form of distances does not apply: skipped' };
  const known = hasReference(lossName);
  const viaDistances = impl.handshake.supports.distances && !lossName.startsWith('official_');
  if (!known && !viaDistances) return { ok: true, skipped: true, error: 0, tolerance: 0, note: `loss ${lossName}: no distances support and no reference loss, so no β: skipped` };
  const p = parseCase(known ? c : { ...c, loss: { name: 'simp' } });
  const ref = inBatchLoss(F64, p.spec, p.params, p.batch, p.loss, p.symmetric, p.reduction);
  const views = interleaveViews(answer.f.x, answer.f.x_pos);
  const rPos = ref.anchors.map((an) => half(views[an.anchor]!, views[an.positive]!));
  const rNeg = ref.anchors.map((an) => an.negatives.map((o) => half(views[an.anchor]!, views[o]!)));
  const reduction = (c.reduction as 'mean' | 'sum' | undefined) ?? 'mean';
  const beta = viaDistances ? await impl.distances({ loss: c.loss, r_pos: rPos, r_neg: rNeg, reduction }) : null;
  const own = beta ? { pos: beta.beta_pos, neg: beta.beta_neg } : (() => {
    const v = p.loss.evaluate(F64, { rPos, rNeg, dim: p.spec.arch.nOut, reduction });
    return { pos: [...v.betaPos], neg: v.betaNeg.map((r) => [...r]) };
  })();
  const mine = { ...ref, views, betaPos: own.pos, betaNeg: own.neg };
  const viaK = pairwiseConnectionGradient(F64, p.spec, p.params, mine, false);
  const tol = inBatchAgreementTolerance(impl.handshake.dtype, p.spec, p.params, interleaveViews(p.batch.x, p.batch.pos), p.loss, { ...ref, betaPos: own.pos, betaNeg: own.neg, stats: { pos: rPos, neg: rNeg } }).grads;
  return againstConnectionForm(p.spec, answer, viaK, tol, `in-batch: max |grads − Σ_anchors Σ_pairs β·ΔK·Δu| over every weight, u the implementation's own views and ${beta ? 'β from its distances answer' : "β of covcheck's loss at its distances"}`);
}
