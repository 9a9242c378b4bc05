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
 * with the implementation's f, β and δ in place of the reference's. Explicit negatives, no normalisation.
 */
import { F64 } from '../../numeric/arith.js';
import { parseCase } from '../../case/parseCase.js';
import { batchLoss, connectionGradient, type BatchResult } from '../../network/batchGradient.js';
import { agreementTolerance } from '../agreementTolerance.js';
import type { ImplClient } from '../client.js';
import type { GradAnswer } from '../answers.js';
import type { ImplCase } from '../implCase.js';
import type { ImplMeasurement } from './measurement.js';
import { hasReference } from './agreement.js';

const half = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / 2;
const diff = (a: readonly number[], b: readonly number[], w: number) => a.map((v, i) => w * (v - b[i]!));
const add = (a: number[], b: readonly number[]) => a.map((v, i) => v + b[i]!);

export async function connectionFormOfOwnOutputs(impl: ImplClient, c: ImplCase, answer: GradAnswer): Promise<ImplMeasurement> {
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
  let error = 0;
  p.spec.arch.blocks.forEach((b) => answer.grads[b.name]!.flat().forEach((g, i) => (error = Math.max(error, Math.abs(g - viaK[b.index]![i]!)))));
  return {
    ok: error <= tol.tol,
    error,
    tolerance: tol.tol,
    derivation: tol.derivation,
    note: `max |grads − Σ_s K(s)·δ_s| over every weight, δ from the implementation's own f and ${source}`,
  };
}
