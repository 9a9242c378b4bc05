/**
 * The losses the official HLTM script trains (docs/theory.md §1.4), batch-level:
 *   p = batch-mean MSE of (f(x), f(x_+)) = (1/(B·d)) Σ_b ‖f(x_b) − f(x_b+)‖² = (2/(B·d)) Σ_b r_b+
 *   n = the same for the negatives, averaged over k too          = (2/(B·H·d)) Σ_bk r_bk−
 *   official_nce      = −e^{−p/τ} / (e^{−p/τ} + e^{−n/τ}) = −σ((n − p)/τ)   (no log, no τ prefactor)
 *   official_subtract = p − n
 * With reduction 'sum' the batch mean over b becomes a sum (B is dropped from the denominators).
 */
import { ExactUnsupported } from '../numeric/arith.js';
import { InputError, requireFinite } from '../errors.js';
import type { Arith } from '../numeric/arith.js';
import type { DistanceBatch, Loss, LossValue } from './loss.js';
import { sigmoid } from './triplet.js';

/** p, n and their weights ∂p/∂r_b+, ∂n/∂r_bk−. */
function meanSquares<T>(A: Arith<T>, batch: DistanceBatch<T>): { p: T; n: T; dp: T; dn: T } {
  const B = batch.rPos.length;
  const H = batch.rNeg[0]?.length ?? 1;
  const Bf = batch.reduction === 'mean' ? B : 1;
  const dp = A.div(A.from(2), A.from(Bf * batch.dim));
  const dn = A.div(A.from(2), A.from(Bf * H * batch.dim));
  let sp = A.zero;
  let sn = A.zero;
  for (let b = 0; b < B; b++) {
    sp = A.add(sp, batch.rPos[b]!);
    for (const r of batch.rNeg[b]!) sn = A.add(sn, r);
  }
  return { p: A.mul(dp, sp), n: A.mul(dn, sn), dp, dn };
}

function spread<T>(A: Arith<T>, batch: DistanceBatch<T>, value: T, dLdp: T, dLdn: T, dp: T, dn: T): LossValue<T> {
  return {
    value,
    betaPos: batch.rPos.map(() => A.mul(dLdp, dp)),
    betaNeg: batch.rNeg.map((row) => row.map(() => A.mul(dLdn, dn))),
  };
}

export const officialSubtractLoss: Loss = {
  name: 'official_subtract',
  params: {},
  rational: true,
  perTuple: false,
  evaluate(A, batch) {
    const { p, n, dp, dn } = meanSquares(A, batch);
    return spread(A, batch, A.sub(p, n), A.one, A.neg(A.one), dp, dn);
  },
};

export function officialNceLoss(tau: number): Loss {
  requireFinite('loss.tau', tau);
  if (tau <= 0) throw new InputError('loss.tau', `must be > 0 for official_nce, got ${tau}`);
  return {
    name: 'official_nce',
    params: { tau },
    rational: false,
    perTuple: false,
    evaluate(A, batch) {
      if (A.exact) throw new ExactUnsupported('official_nce (exp)');
      const { p, n, dp, dn } = meanSquares(A, batch);
      const u = (A.toNumber(n) - A.toNumber(p)) / tau;
      const s = sigmoid(u);
      // ∂(−σ(u))/∂p = σ(u)σ(−u)/τ; σ(−u) rather than 1 − σ(u), which cancels when σ(u) ≈ 1.
      const slope = (s * sigmoid(-u)) / tau;
      return spread(A, batch, A.from(-s), A.from(slope), A.from(-slope), dp, dn);
    },
  };
}
