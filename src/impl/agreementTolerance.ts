/**
 * Tolerances of agreement: an implementation computing in `dtype` against covcheck's float64
 * reference on the same case (docs/impl-protocol.md §4), from the reference's own magnitudes
 * (network/magnitude.ts) and the tolerance table (numeric/tolerance.ts, kind 'engine': a
 * lower-precision engine against the float64 reference, whose own error is negligible). The case's
 * numbers should first be rounded to `dtype` (Math.fround for float32), so that only the arithmetic
 * differs. Per sample s (anchor, positive, negatives):
 *
 *  - f (outputs): n = ops (the forward chain, network/magnitude.ts), scale = ḡ_L,s (path-sum
 *    bound of every partial sum); normalised outputs ×2/(‖g_L‖+ε). Max over samples.
 *  - grads (∂L/∂W, ∂L/∂b): the derivation of C2's float32 witness (properties/claims/C2/engines/tolerance.ts,
 *    gradientTolerance): n = gradientOps + S + 8 (magnitude.ts), scale = Σ_s K̄_s·(‖δ_s‖₁ + κ·Σ|β_s|·ō_s), with K̄_s the
 *    connection bound (with biases also the Jacobian bound), δ_s = ∂L/∂o_s, ō_s the output bound
 *    (÷(‖g_L‖+ε) after normalisation) and κ = 1 + 2·r_max/τ (1 without τ).
 *  - loss: first order in the outputs' rounding plus the loss stage's own rounding:
 *    |ΔL| ≤ Σ_s ‖δ_s‖₁·n·ε·ō_s + c·n·ε·T, so n = ops + n_out + H + 8 + B (forward chain, the
 *    distance's sum over the output, a tuple's loss over its H negatives — nce: −r/τ, the max, H + 1
 *    exps and sums, log, + m, ·τ, + r_+: H + 8 —, the reduction's sum over the B tuples) and
 *    scale = Σ_s ‖δ_s‖₁·ō_s + T.
 *    T (lossTermScale) bounds the magnitudes of the terms the loss's own formula adds, not the
 *    β-weighted statistics: a loss that cancels (nce with the positive far closer than every
 *    negative: τ·lse(−r/τ) ≈ −r_+, L ≈ 0 while β ≈ 0) still rounds relative to r_+ in a correct
 *    float32 implementation (PyTorch's cross-entropy computes lse − logit_+), so Σ|β|·r + |L| (the
 *    scale before issue 12's review) would have failed it.
 * In-batch negatives: the same over the 2B views (inBatchAgreementTolerance), a view's Σ|β| over
 * every pair it is in, H = 2B − 2, r replaced by |s| for a similarity loss (ntxent).
 */
import { F64 } from '../numeric/arith.js';
import { tolerance, type Precision, type Tolerance } from '../numeric/tolerance.js';
import type { NetworkSpec, Params } from '../network/architecture.js';
import { forward } from '../network/forward.js';
import { connectionBound, jacobianBounds, magnitude } from '../network/magnitude.js';
import type { Batch, BatchResult } from '../network/batchGradient.js';
import type { Loss, Reduction } from '../losses/loss.js';
import type { InBatchOutputGradient } from '../network/inBatchGradient.js';

export interface AgreementTolerances {
  readonly loss: Tolerance;
  readonly f: Tolerance;
  readonly grads: Tolerance;
}

const l1 = (v: readonly number[]) => v.reduce((a, x) => a + Math.abs(x), 0);

/**
 * T: the magnitudes of the terms a loss of docs/case-format.md adds, over the tuples (weight 1/B
 * for the mean): per tuple its statistics |r_+| + Σ_k |r_k| (or |s|), ×max(1, 1/τ) (the logits r/τ,
 * s/τ of nce, ntxent, official_nce; τ·lse(−r/τ) brings nce back to r), ×2 (official_*: P and N are
 * means of r with 2/(B·d) ≤ 2), plus tri's τ and |r₀| (softplus(u/τ)·τ, u = r_+ − r_− + r₀), plus |L|.
 */
function lossTermScale(loss: Loss, stats: readonly (readonly number[])[], value: number, mean: boolean): number {
  const tau = loss.params.tau;
  const kappa = tau !== undefined && tau > 0 ? Math.max(1, 1 / tau) : 1;
  const total = stats.reduce((a, row) => a + l1(row), 0);
  return (2 * kappa * total) / (mean ? Math.max(1, stats.length) : 1) + (tau ?? 0) + Math.abs(loss.params.r0 ?? 0) + Math.abs(value);
}

/**
 * What the tolerances read of a loss stage: per sample (or in-batch view) its δ = ∂L/∂o and Σ|β| of
 * the pairs it is in; the largest pair statistic (r, or |s| for a similarity), the H of an anchor,
 * and T (lossTermScale: the loss stage's own terms).
 */
interface StageSummary {
  readonly samples: readonly (readonly number[])[];
  readonly deltas: readonly (readonly number[])[];
  readonly betaAbs: readonly number[];
  readonly statMax: number;
  readonly H: number;
  /** Tuples (anchors) the reduction sums. */
  readonly tuples: number;
  readonly lossStage: number;
}

export function agreementTolerance(dtype: Precision, spec: NetworkSpec, params: Params<number>, batch: Batch<number>, loss: Loss, ref: BatchResult<number>, reduction: Reduction = 'mean'): AgreementTolerances {
  const H = batch.neg[0]?.length ?? 0;
  // Σ|β| touching each sample: an anchor meets its positive and its negatives, the others one β.
  const betaAbs = [...ref.betaPos.map((p, b) => Math.abs(p) + l1(ref.betaNeg[b]!)), ...ref.betaPos.map(Math.abs), ...ref.betaNeg.flat().map(Math.abs)];
  const r = (o: readonly number[], a: readonly number[]) => o.reduce((s, v, i) => s + (v - a[i]!) ** 2, 0) / 2;
  const rPos = ref.f.x.map((a, b) => r(ref.f.pos[b]!, a));
  const rNeg = ref.f.x.map((a, b) => ref.f.neg[b]!.map((o) => r(o, a)));
  const lossStage = lossTermScale(loss, rPos.map((p, b) => [p, ...rNeg[b]!]), ref.value, reduction === 'mean');
  return stageTolerance(dtype, spec, params, loss, {
    samples: [...batch.x, ...batch.pos, ...batch.neg.flat()],
    deltas: [...ref.dOut.x, ...ref.dOut.pos, ...ref.dOut.neg.flat()],
    betaAbs,
    statMax: Math.max(0, ...rPos, ...rNeg.flat()),
    H,
    tuples: batch.x.length,
    lossStage,
  });
}

/**
 * In-batch negatives (docs/case-format.md "In-batch negatives", network/inBatchGradient.ts): the
 * same derivation over the 2B views, each view's Σ|β| over every pair it is in (anchor, positive,
 * another anchor's negative), H = 2B − 2, the statistic r or |s| (ntxent: cosine similarity).
 */
export function inBatchAgreementTolerance(dtype: Precision, spec: NetworkSpec, params: Params<number>, views: readonly (readonly number[])[], loss: Loss, ref: InBatchOutputGradient<number>, reduction: Reduction = 'mean'): AgreementTolerances {
  const betaAbs = views.map(() => 0);
  ref.anchors.forEach((an, j) => {
    const pairs: [number, number][] = [[an.positive, ref.betaPos[j]!], ...an.negatives.map((o, k): [number, number] => [o, ref.betaNeg[j]![k]!])];
    for (const [o, beta] of pairs) {
      betaAbs[an.anchor]! += Math.abs(beta);
      betaAbs[o]! += Math.abs(beta);
    }
  });
  const lossStage = lossTermScale(loss, ref.stats.pos.map((p, j) => [p, ...ref.stats.neg[j]!]), ref.value, reduction === 'mean');
  const stats = [...ref.stats.pos, ...ref.stats.neg.flat()].map(Math.abs);
  return stageTolerance(dtype, spec, params, loss, { samples: views, deltas: ref.dOut, betaAbs, statMax: Math.max(0, ...stats), H: ref.anchors[0]?.negatives.length ?? 0, tuples: ref.anchors.length, lossStage });
}

function stageTolerance(dtype: Precision, spec: NetworkSpec, params: Params<number>, loss: Loss, st: StageSummary): AgreementTolerances {
  const tau = loss.params.tau;
  const kappa = tau === undefined || tau === 0 ? 1 : 1 + (2 * st.statMax) / tau;
  let ops = 0;
  let gradientOps = 0;
  let fTol: Tolerance = tolerance(dtype, 'engine', 1, 0);
  let gradScale = 0;
  let outScale = 0;
  st.samples.forEach((x, s) => {
    const t = forward(F64, spec, params, x);
    const m = magnitude(spec, params, x);
    ops = Math.max(ops, m.ops);
    gradientOps = Math.max(gradientOps, m.gradientOps);
    const norm = t.norm ?? 0;
    const obar = spec.normalize ? m.scale / (norm + spec.eps) : m.scale;
    const ft = tolerance(dtype, 'engine', m.ops, spec.normalize ? (2 * m.scale) / (norm + spec.eps) : m.scale);
    if (ft.tol > fTol.tol) fTol = { tol: ft.tol, derivation: ft.derivation + (spec.normalize ? ' (scale ×2/(‖g_L‖+ε): normalised outputs)' : '') };
    const kbar = connectionBound(spec, params, x, norm);
    const bound = spec.bias ? Math.max(kbar, ...jacobianBounds(spec, params, norm).flat()) : kbar;
    gradScale += bound * (l1(st.deltas[s]!) + kappa * st.betaAbs[s]! * obar);
    outScale += l1(st.deltas[s]!) * obar;
  });
  if (!Number.isFinite(gradScale) || !Number.isFinite(outScale)) {
    // A normalised all-zero output with eps 0 (0/0): no finite tolerance, so no agreement verdict.
    throw new Error('agreement tolerance: an output is normalised with ‖g_L‖ + eps = 0; the case cannot be judged');
  }
  return {
    loss: tolerance(dtype, 'engine', ops + spec.arch.nOut + st.H + 8 + st.tuples, outScale + st.lossStage),
    f: fTol,
    grads: tolerance(dtype, 'engine', gradientOps + st.samples.length + 8, gradScale),
  };
}
