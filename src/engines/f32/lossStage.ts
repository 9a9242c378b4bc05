/**
 * The loss stage of the f32 engine: from the raw outputs g_L of all S = B(2+H) rows to the loss
 * value and ∂L/∂g_L of every row (docs/theory.md §1.4; the same formulas as network/batchGradient.ts).
 *
 *   out = g/(‖g‖+ε) (normalisation) or g;   r_b+ = ½‖o_b − o_b+‖²,  r_bk− = ½‖o_b − o_bk−‖²
 *   β from the loss (losses/*: every loss of the core, 'mean' reduction), then
 *   δ(x_b) = β_b+(o_b − o_b+) + Σ_k β_bk(o_b − o_bk),  δ(x_b+) = −β_b+(o_b − o_b+),  δ(x_bk) = −β_bk(o_b − o_bk)
 *   ∂L/∂g = δ/(n+ε) − g·(g·δ)/(n(n+ε)²)   (normalisation, network/normalization.ts; 0 at g = 0)
 * Row s's raw output is G[s·Gw + 0..d) (the root comes first in G); ∂L/∂g_L goes to dV[s·Vw + rootV ..].
 * Float64 throughout (B·(2+H)·d values: negligible next to the network).
 */
import type { Loss } from '../../losses/loss.js';
import { F64 } from '../../numeric/arith.js';
import { normalize as normalizeInto, normalizeVjp } from '../../network/normalization.js';

export interface LossStage {
  /** Loss value; fills dV's root slots. */
  run(G: Float32Array, dV: Float64Array): number;
  /** Normalised outputs of the last run, [S × d]. */
  readonly out: Float64Array;
}

export function lossStage(opts: {
  loss: Loss;
  B: number;
  H: number;
  d: number;
  Gw: number;
  Vw: number;
  rootV: number;
  normalize: boolean;
  eps: number;
}): LossStage {
  const { loss, B, H, d, Gw, Vw, rootV, normalize, eps } = opts;
  const S = B * (2 + H);
  const out = new Float64Array(S * d);
  const norm = new Float64Array(S);
  const delta = new Float64Array(S * d);
  const rPos = new Array<number>(B);
  const rNeg = Array.from({ length: B }, () => new Array<number>(H));
  const half = (a: number, b: number): number => {
    let s = 0;
    for (let i = 0; i < d; i++) {
      const t = out[a * d + i]! - out[b * d + i]!;
      s += t * t;
    }
    return s / 2;
  };
  return {
    out,
    run(G, dV) {
      for (let s = 0; s < S; s++) {
        if (normalize) norm[s] = normalizeInto(F64, eps, G, out, d, s * Gw, s * d);
        else for (let i = 0; i < d; i++) out[s * d + i] = G[s * Gw + i]!;
      }
      for (let b = 0; b < B; b++) {
        rPos[b] = half(b, B + b);
        for (let h = 0; h < H; h++) rNeg[b]![h] = half(b, 2 * B + b * H + h);
      }
      const { value, betaPos, betaNeg } = loss.evaluate(F64, { rPos, rNeg, dim: d, reduction: 'mean' });
      delta.fill(0);
      for (let b = 0; b < B; b++) {
        const bp = betaPos[b]!;
        const p = B + b;
        for (let i = 0; i < d; i++) {
          const t = bp * (out[b * d + i]! - out[p * d + i]!);
          delta[b * d + i] = delta[b * d + i]! + t;
          delta[p * d + i] = -t;
        }
        for (let h = 0; h < H; h++) {
          const bn = betaNeg[b]![h]!;
          const q = 2 * B + b * H + h;
          for (let i = 0; i < d; i++) {
            const t = bn * (out[b * d + i]! - out[q * d + i]!);
            delta[b * d + i] = delta[b * d + i]! + t;
            delta[q * d + i] = -t;
          }
        }
      }
      for (let s = 0; s < S; s++) {
        const dv = s * Vw + rootV;
        if (normalize) normalizeVjp(F64, eps, G, norm[s]!, delta, dV, d, s * Gw, s * d, dv);
        else for (let i = 0; i < d; i++) dV[dv + i] = delta[s * d + i]!;
      }
      return value;
    },
  };
}
