/**
 * The loss of a batch with in-batch negatives and its parameter gradient, in any arithmetic
 * (docs/case-format.md "In-batch negatives", docs/theory.md §4).
 *
 * The 2B views u_v = f(view v) (network/inBatchPairs.ts) go through the network once each. Anchor a
 * with positive p and negatives n_1..n_H (H = 2B − 2) has the pair statistics
 *   distance losses:   r_+ = ½‖u_a − u_p‖²,  r_k = ½‖u_a − u_{n_k}‖²
 *   similarity (ntxent): s_+ = ⟨u_a, u_p⟩,   s_k = ⟨u_a, u_{n_k}⟩
 * the loss (losses/) gives β = ∂L/∂(statistic) per anchor, and every pair (a, o) with weight β adds
 *   distance:   ∂L/∂u_a += β (u_a − u_o),  ∂L/∂u_o −= β (u_a − u_o)
 *   similarity: ∂L/∂u_a += β u_o,          ∂L/∂u_o += β u_a
 * so a view collects terms from every pair it is in (anchor, positive, negative of other anchors).
 * ∇_w L = Σ_views backward(∂L/∂u_v). Claim C2 in-batch: the same gradient is
 *   Σ_anchors Σ_pairs β·(K_a − K_o)(u_a − u_o)   (distance)   or   β·(K_a u_o + K_o u_a)   (similarity),
 * a view's connection entering every pair it is in (`pairwiseConnectionGradient`).
 */
import type { Arith } from '../numeric/arith.js';
import type { Loss, Reduction } from '../losses/loss.js';
import type { NetworkSpec, Params } from './architecture.js';
import { accumulateGrads, type ParamGrads, zeroGrads } from './backward.js';
import { halfSquaredDistance } from './batchGradient.js';
import { connections, type Connection } from './connection.js';
import { forward, type Trace } from './forward.js';
import { inBatchAnchors, interleaveViews, type Anchor } from './inBatchPairs.js';

export interface InBatchRows<T> {
  readonly x: readonly (readonly T[])[];
  readonly pos: readonly (readonly T[])[];
}

export interface InBatchResult<T> {
  readonly value: T;
  readonly anchors: readonly Anchor[];
  /** Outputs the loss sees, per view (interleaved), and as the case format's x / x_pos. */
  readonly views: T[][];
  readonly f: { x: T[][]; pos: T[][] };
  /** The pair statistics per anchor: r (or s) of the positive, of each negative. */
  readonly stats: { pos: T[]; neg: T[][] };
  /** β_+ and β_k per anchor (∂L/∂r, or ∂L/∂s for a similarity loss). */
  readonly betaPos: T[];
  readonly betaNeg: T[][];
  /** ∂L/∂u_v per view. */
  readonly dOut: T[][];
  readonly traces: Trace<T>[];
  readonly grads: ParamGrads<T>;
}

const dot = <T>(A: Arith<T>, a: readonly T[], b: readonly T[]): T => a.reduce((s, v, i) => A.add(s, A.mul(v, b[i]!)), A.zero);

/** The loss stage alone: from the 2B views' outputs (view order) to the loss, β and ∂L/∂u per view. */
export interface InBatchOutputGradient<T> {
  readonly value: T;
  readonly anchors: readonly Anchor[];
  readonly stats: { pos: T[]; neg: T[][] };
  readonly betaPos: T[];
  readonly betaNeg: T[][];
  readonly dOut: T[][];
}

/**
 * The pairing and the loss on given outputs u_v (views interleaved, B = views/2), shared by the
 * float64/rational pass below and the training engines' loss stage (engines/f32/lossStage.ts).
 */
export function inBatchOutputGradient<T>(A: Arith<T>, views: readonly (readonly T[])[], loss: Loss, symmetric: boolean, reduction: Reduction = 'mean'): InBatchOutputGradient<T> {
  const similarity = loss.statistic === 'similarity';
  const anchors = inBatchAnchors(views.length / 2, symmetric || similarity);
  const stat = (a: number, o: number) => (similarity ? dot(A, views[a]!, views[o]!) : halfSquaredDistance(A, views[a]!, views[o]!));
  const rPos = anchors.map((an) => stat(an.anchor, an.positive));
  const rNeg = anchors.map((an) => an.negatives.map((o) => stat(an.anchor, o)));
  const { value, betaPos, betaNeg } = loss.evaluate(A, { rPos, rNeg, dim: views[0]?.length ?? 0, reduction });
  const dOut = views.map((u) => u.map(() => A.zero));
  const addPair = (a: number, o: number, beta: T) => {
    const ua = views[a]!;
    const uo = views[o]!;
    const da = dOut[a]!;
    const dO = dOut[o]!;
    for (let i = 0; i < ua.length; i++) {
      if (similarity) {
        da[i] = A.add(da[i]!, A.mul(beta, uo[i]!));
        dO[i] = A.add(dO[i]!, A.mul(beta, ua[i]!));
      } else {
        const d = A.mul(beta, A.sub(ua[i]!, uo[i]!));
        da[i] = A.add(da[i]!, d);
        dO[i] = A.sub(dO[i]!, d);
      }
    }
  };
  anchors.forEach((an, j) => {
    addPair(an.anchor, an.positive, betaPos[j]!);
    an.negatives.forEach((o, k) => addPair(an.anchor, o, betaNeg[j]![k]!));
  });
  return { value, anchors, stats: { pos: rPos, neg: rNeg }, betaPos, betaNeg, dOut };
}

export function inBatchLoss<T>(
  A: Arith<T>,
  spec: NetworkSpec,
  params: Params<T>,
  rows: InBatchRows<T>,
  loss: Loss,
  symmetric: boolean,
  reduction: Reduction = 'mean',
): InBatchResult<T> {
  const traces = interleaveViews(rows.x, rows.pos).map((x) => forward(A, spec, params, x));
  const views = traces.map((t) => [...t.out]);
  const o = inBatchOutputGradient(A, views, loss, symmetric, reduction);
  const grads = zeroGrads(A, spec);
  traces.forEach((t, v) => accumulateGrads(A, spec, params, t, o.dOut[v]!, grads));
  const f = { x: views.filter((_, v) => v % 2 === 0), pos: views.filter((_, v) => v % 2 === 1) };
  return { ...o, views, f, traces, grads };
}

/** C2 in-batch: the gradient as Σ_anchors Σ_pairs β·(ΔK)(Δu) (distance) or β·(K_a u_o + K_o u_a) (similarity). */
export function pairwiseConnectionGradient<T>(A: Arith<T>, spec: NetworkSpec, params: Params<T>, r: InBatchResult<T>, similarity: boolean): T[][] {
  const K = r.traces.map((t) => connections(A, spec, params, t));
  const acc = spec.arch.blocks.map((b) => new Array<T>(b.out * b.in).fill(A.zero));
  const addPair = (a: number, o: number, beta: T) => {
    const du = r.views[a]!.map((v, i) => A.sub(v, r.views[o]![i]!));
    K[a]!.forEach((ka: Connection<T>, nu) => {
      const ko = K[o]![nu]!;
      const g = acc[nu]!;
      for (let row = 0; row < ka.rows; row++) {
        let s = A.zero;
        for (let k = 0; k < ka.cols; k++) {
          const idx = row * ka.cols + k;
          s = similarity
            ? A.add(s, A.add(A.mul(ka.K[idx]!, r.views[o]![k]!), A.mul(ko.K[idx]!, r.views[a]![k]!)))
            : A.add(s, A.mul(A.sub(ka.K[idx]!, ko.K[idx]!), du[k]!));
        }
        g[row] = A.add(g[row]!, A.mul(beta, s));
      }
    });
  };
  r.anchors.forEach((an, j) => {
    addPair(an.anchor, an.positive, r.betaPos[j]!);
    an.negatives.forEach((o, k) => addPair(an.anchor, o, r.betaNeg[j]![k]!));
  });
  return acc;
}
