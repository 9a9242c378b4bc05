/**
 * InfoNCE (docs/theory.md §1.4) with H negatives and temperature τ > 0:
 *   L_nce = −τ·log( e^{−r_+/τ} / (e^{−r_+/τ} + Σ_k e^{−r_k−/τ}) ) = r_+ + τ·logsumexp(−r_+/τ, −r_k−/τ)
 *   β_k = −softmax_k,  β_+ = 1 − softmax_+ = −Σ_k β_k     (claim C6: balanced)
 * The softmax is computed with the max subtracted, so small τ neither overflows nor underflows.
 */
import { ExactUnsupported } from '../numeric/arith.js';
import { InputError, requireFinite } from '../errors.js';
import type { Loss } from './loss.js';
import { reduceTuples } from './loss.js';

/** log Σ e^{a_i} and the softmax of a, stably. */
export function logSumExp(a: readonly number[]): { lse: number; softmax: number[] } {
  const m = Math.max(...a);
  const e = a.map((v) => Math.exp(v - m));
  const s = e.reduce((x, y) => x + y, 0);
  return { lse: m + Math.log(s), softmax: e.map((v) => v / s) };
}

export function infoNceLoss(tau: number): Loss {
  requireFinite('loss.tau', tau);
  if (tau <= 0) throw new InputError('loss.tau', `must be > 0 for nce, got ${tau}`);
  return {
    name: 'nce',
    params: { tau },
    rational: false,
    perTuple: true,
    evaluate(A, batch) {
      if (A.exact) throw new ExactUnsupported('InfoNCE (exp/log)');
      return reduceTuples(A, batch, (rPos, rNeg) => {
        const rp = A.toNumber(rPos);
        const logits = [-rp / tau, ...rNeg.map((r) => -A.toNumber(r) / tau)];
        const { lse, softmax } = logSumExp(logits);
        const betaNeg = softmax.slice(1).map((p) => A.from(-p));
        const betaPos = softmax.slice(1).reduce((x, y) => x + y, 0);
        return { value: A.from(rp + tau * lse), betaPos: A.from(betaPos), betaNeg };
      });
    },
  };
}
