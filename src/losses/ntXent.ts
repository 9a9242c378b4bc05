/**
 * NT-Xent as SSL libraries write it (SimCLR; docs/case-format.md "In-batch negatives"), a loss of the
 * cosine similarities s = ⟨u, u′⟩ of the normalised outputs u, not of the distances:
 *   per anchor   ℓ = −log( e^{s_+/τ} / (e^{s_+/τ} + Σ_k e^{s_k/τ}) ) = −s_+/τ + logsumexp(s_+/τ, s_k/τ)
 *   weights      γ_+ = ∂ℓ/∂s_+ = −(1 − p_+)/τ,  γ_k = ∂ℓ/∂s_k = p_k/τ   (p = the softmax)
 * so γ_+ = −Σ_k γ_k (balanced in the similarities, claim C6 per anchor). No factor τ in front: for
 * unit vectors s = 1 − r and ntxent = nce/τ on the same anchors. Only with in-batch negatives, every
 * view an anchor (symmetric); the batch loss is the mean (or sum) over the 2B anchors.
 *
 * The Loss interface carries distances; this loss sets `statistic: 'similarity'`, and whoever pairs
 * the outputs (network/inBatchGradient.ts) hands it s_+ in `rPos` and s_k in `rNeg` and reads the β
 * it returns as ∂L/∂s.
 */
import { ExactUnsupported } from '../numeric/arith.js';
import { InputError, requireFinite } from '../errors.js';
import type { Loss } from './loss.js';
import { reduceTuples } from './loss.js';
import { logSumExp } from './infoNce.js';

export function ntXentLoss(tau: number): Loss {
  requireFinite('loss.tau', tau);
  if (tau <= 0) throw new InputError('loss.tau', `must be > 0 for ntxent, got ${tau}`);
  return {
    name: 'ntxent',
    params: { tau },
    rational: false,
    perTuple: true,
    statistic: 'similarity',
    evaluate(A, batch) {
      if (A.exact) throw new ExactUnsupported('NT-Xent (exp/log)');
      return reduceTuples(A, batch, (sPos, sNeg) => {
        const sp = A.toNumber(sPos);
        const { lse, softmax } = logSumExp([sp / tau, ...sNeg.map((s) => A.toNumber(s) / tau)]);
        const betaNeg = softmax.slice(1).map((p) => A.from(p / tau));
        const betaPos = -softmax.slice(1).reduce((x, y) => x + y, 0) / tau;
        return { value: A.from(lse - sp / tau), betaPos: A.from(betaPos), betaNeg };
      });
    },
  };
}
