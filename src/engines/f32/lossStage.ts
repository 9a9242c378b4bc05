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
 * In-batch negatives (`inBatch`, H = 0: rows are the B anchors then the B positives): the views are
 * interleaved (view 2i = row i, view 2i+1 = row B + i) and the pairing, the loss and δ per view come
 * from network/inBatchGradient.ts (anchor i's negatives: the 2B − 2 views of the other rows).
 */
import type { Loss } from '../../losses/loss.js';
import { F64 } from '../../numeric/arith.js';
import { inBatchOutputGradient } from '../../network/inBatchGradient.js';
import { formOf, normalize as normalizeInto, normalizeVjp, type NormalizationFormName } from '../../network/normalization.js';

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
  /** The normalisation's divisor (default "plus"). */
  normalizeForm?: NormalizationFormName;
  /** In-batch negatives (H must be 0); symmetric: every view an anchor. */
  inBatch?: { readonly symmetric: boolean };
}): LossStage {
  const { loss, B, H, d, Gw, Vw, rootV, normalize, eps, inBatch } = opts;
  const form = formOf(opts);
  if (inBatch && H !== 0) throw new RangeError(`lossStage: in-batch negatives take H = 0 sampled negatives, got H = ${H}`);
  if (!inBatch && loss.statistic === 'similarity') throw new RangeError(`lossStage: ${loss.name} needs in-batch negatives`);
  const viewRow = (v: number) => (v % 2 === 0 ? v / 2 : B + (v - 1) / 2);
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
        if (normalize) norm[s] = normalizeInto(F64, eps, G, out, d, s * Gw, s * d, form);
        else for (let i = 0; i < d; i++) out[s * d + i] = G[s * Gw + i]!;
      }
      if (inBatch) {
        const views = Array.from({ length: 2 * B }, (_, v) => Array.from(out.subarray(viewRow(v) * d, (viewRow(v) + 1) * d)));
        const g = inBatchOutputGradient(F64, views, loss, inBatch.symmetric, 'mean');
        g.dOut.forEach((dv, v) => delta.set(dv, viewRow(v) * d));
        return backToPre(G, dV, g.value);
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
      return backToPre(G, dV, value);
    },
  };

  /** ∂L/∂g_L of every row from δ = ∂L/∂out (through the normalisation) into dV; returns the value. */
  function backToPre(G: Float32Array, dV: Float64Array, value: number): number {
    for (let s = 0; s < S; s++) {
      const dv = s * Vw + rootV;
      if (normalize) normalizeVjp(F64, eps, G, norm[s]!, delta, dV, d, s * Gw, s * d, dv, form);
      else for (let i = 0; i < d; i++) dV[dv + i] = delta[s * d + i]!;
    }
    return value;
  }
}
