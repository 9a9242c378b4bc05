/**
 * Soft-triplet loss (docs/theory.md §1.4), H = 1:
 *   L_tri(τ, r_0) = τ·log(1 + exp((r_+ − r_− + r_0)/τ))   (computed as τ·softplus(u/τ), stable)
 *   β_+ = σ((r_+ − r_− + r_0)/τ) = −β_−                    (claim C6: balanced)
 * τ = 0 is the hinge max(0, r_+ − r_− + r_0) with β_+ = 1[r_+ − r_− + r_0 > 0].
 */
import { ExactUnsupported } from '../numeric/arith.js';
import { InputError, requireFinite } from '../errors.js';
import type { Loss } from './loss.js';
import { reduceTuples } from './loss.js';

export function softplus(u: number): number {
  return u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u));
}

export function sigmoid(u: number): number {
  return u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u));
}

export function tripletLoss(tau: number, r0: number): Loss {
  requireFinite('loss.tau', tau);
  requireFinite('loss.r0', r0);
  if (tau < 0) throw new InputError('loss.tau', `must be >= 0 (0 is the hinge), got ${tau}`);
  return {
    name: 'tri',
    params: { tau, r0 },
    rational: false,
    perTuple: true,
    evaluate(A, batch) {
      if (A.exact) throw new ExactUnsupported('the soft-triplet loss (exp/log)');
      return reduceTuples(A, batch, (rPos, rNeg) => {
        if (rNeg.length !== 1) throw new InputError('batch.x_neg', `tri takes H = 1 negative, got H = ${rNeg.length}`);
        const u = A.toNumber(rPos) - A.toNumber(rNeg[0]!) + r0;
        const value = tau === 0 ? Math.max(0, u) : tau * softplus(u / tau);
        const beta = tau === 0 ? (u > 0 ? 1 : 0) : sigmoid(u / tau);
        return { value: A.from(value), betaPos: A.from(beta), betaNeg: [A.from(-beta)] };
      });
    },
  };
}
