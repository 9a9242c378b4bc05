/**
 * Claim C2 with in-batch negatives (docs/theory.md §4): the backward pass of an in-batch batch
 * (network/inBatchGradient.ts) against (a) Σ_views K(v)·∂L/∂u_v and (b) the pairwise connection form
 * Σ_anchors Σ_pairs β·(K_a − K_o)(u_a − u_o) (similarity losses: β·(K_a u_o + K_o u_a)), in which a
 * view's connection enters every pair it belongs to. Rationals: ===. float64: tol = c·n·ε·scale with
 * scale = Σ_pairs |β|·(K̄_a·‖·‖₁ + K̄_o·‖·‖₁) (every partial sum of both sides is below it; K̄ the
 * connection bound of network/magnitude.ts, with biases also the Jacobian bound) and n = the longest
 * network chain + the number of pair terms.
 */
import type { Arith } from '../numeric/arith.js';
import { tolerance } from '../numeric/tolerance.js';
import type { Measurement } from '../runner/check.js';
import type { Loss, Reduction } from '../losses/loss.js';
import type { NetworkSpec, Params } from '../network/architecture.js';
import { connectionGradientOf } from '../network/batchGradient.js';
import { inBatchLoss, pairwiseConnectionGradient, type InBatchResult, type InBatchRows } from '../network/inBatchGradient.js';
import { connectionBound, jacobianBounds, magnitude } from '../network/magnitude.js';
import { firstMismatch, withinTolerance } from './compare.js';

export interface InBatchCase<T> {
  readonly spec: NetworkSpec;
  readonly params: Params<T>;
  readonly rows: InBatchRows<T>;
  readonly loss: Loss;
  readonly symmetric: boolean;
  readonly reduction: Reduction;
}

/** Backward pass = per-view connection form = pairwise connection form. */
export function inBatchConnectionForm<T>(A: Arith<T>, c: InBatchCase<T>): Measurement {
  const r = inBatchLoss(A, c.spec, c.params, c.rows, c.loss, c.symmetric, c.reduction);
  const similarity = c.loss.statistic === 'similarity';
  const perView = connectionGradientOf(A, c.spec, c.params, r.traces, r.dOut).flat();
  const pairwise = pairwiseConnectionGradient(A, c.spec, c.params, r, similarity).flat();
  const backward = r.grads.W.flat();
  if (A.exact) {
    return (
      firstMismatch(A, perView, backward, (i) => `Σ_v K_v·∂L/∂u_v [${i}] ≠ backward pass`) ??
      firstMismatch(A, pairwise, backward, (i) => `Σ_pairs β·ΔK·Δu [${i}] ≠ backward pass`) ?? { ok: true, error: 0, tolerance: 0, derivation: 'rational arithmetic: exact equality' }
    );
  }
  const { scale, ops } = inBatchGradientScale(c as unknown as InBatchCase<number>, r as unknown as InBatchResult<number>);
  const tol = tolerance('float64', 'identity', ops, scale);
  const a = withinTolerance(backward as unknown as number[], perView as unknown as number[], tol);
  if (!a.ok) return { ...a, note: 'per-view connection form' };
  const b = withinTolerance(backward as unknown as number[], pairwise as unknown as number[], tol);
  return b.ok ? (b.error >= a.error ? b : a) : { ...b, note: 'pairwise connection form' };
}

/**
 * The scale and operation count of an in-batch gradient's rounding: scale = Σ_pairs |β|·(K̄_a‖Δu‖₁ +
 * K̄_o‖Δu‖₁) (similarity: |β|·(K̄_a‖u_o‖₁ + K̄_o‖u_a‖₁)), n = the longest gradient chain (magnitude's
 * gradientOps) + the pair terms.
 */
export function inBatchGradientScale(c: InBatchCase<number>, r: InBatchResult<number>): { scale: number; ops: number } {
  const similarity = c.loss.statistic === 'similarity';
  const l1 = (v: readonly number[]) => v.reduce((s, x) => s + Math.abs(x), 0);
  const inputs = r.traces.map((t) => t.x);
  const kbar = r.traces.map((t, v) => {
    const norm = t.norm ?? 0;
    const k = connectionBound(c.spec, c.params, inputs[v]!, norm);
    return c.spec.bias ? Math.max(k, ...jacobianBounds(c.spec, c.params, norm).flat()) : k;
  });
  let scale = 0;
  let terms = 0;
  const pair = (a: number, o: number, beta: number) => {
    terms++;
    const ua = r.views[a]!;
    const uo = r.views[o]!;
    scale += Math.abs(beta) * (similarity ? kbar[a]! * l1(uo) + kbar[o]! * l1(ua) : (kbar[a]! + kbar[o]!) * l1(ua.map((x, i) => x - uo[i]!)));
  };
  r.anchors.forEach((an, j) => {
    pair(an.anchor, an.positive, r.betaPos[j]!);
    an.negatives.forEach((o, k) => pair(an.anchor, o, r.betaNeg[j]![k]!));
  });
  return { scale, ops: Math.max(...inputs.map((x) => magnitude(c.spec, c.params, x).gradientOps)) + terms };
}
