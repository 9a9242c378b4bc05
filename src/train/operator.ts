/**
 * A cheap estimate of the covariance operator of every layer cut during training (docs/theory.md §1.5).
 *
 * For a binary x_0 = z_0 (the paper's `root` augmentation) OP_l = p_0(1−p_0)·ΔK̄_l ΔK̄_lᵀ with
 * ΔK̄_l = K̄_l(1) − K̄_l(0), a (d_l × n_L) matrix (d_l weights of the cut, n_L outputs). We estimate
 * K̄_l(z) by the mean of K_l(x) over the evaluation samples with z_0 = z (K_l from the Jacobians
 * J_ν = ∂out/∂g_ν of the output the loss sees, normalisation (network/normalization.ts) and biases included: §1.3) and p_0 by
 * the fraction of z_0 = 1. From the n_L × n_L Gram Γ = ΔK̄_lᵀΔK̄_l (never the d_l × d_l operator):
 *   ‖OP_l‖₂ = p(1−p)·λ_max(Γ),   tr OP_l = p(1−p)·tr Γ,   w_lᵀ OP_l w_l = p(1−p)·‖ΔK̄_lᵀ w_l‖²
 * (the last equals tr V[f̄] when C1 holds: claim C5). For other augmentations this is the operator
 * of the z_0-conditional means (a coarser object than OP_l). Sampling noise biases the norms up by
 * about tr Cov(K)/n per class: a diagnostic, not a test statistic. Cost per sample: one forward
 * and one n_L-column backward, ~100k float64 multiply-adds for the official network.
 */
import type { EvalSet } from '../engines/unitSums.js';
import { blockActivation, type NetworkSpec, type Params } from '../network/architecture.js';
import { activateDerivative } from '../network/activation.js';
import { forward } from '../network/forward.js';
import { formOf, normalizeVjp, outputNorm } from '../network/normalization.js';
import { F64 } from '../numeric/arith.js';

export interface LayerOperator {
  readonly layer: string;
  /** ‖OP_l‖₂ (spectral norm). */
  readonly norm: number;
  readonly trace: number;
  /** w_lᵀ OP_l w_l. */
  readonly quad: number;
}

/**
 * ΔK̄_ν = mean_{z_0=1} K_ν − mean_{z_0=0} K_ν (rows of W_ν × nOut, row-major like connection.ts)
 * for every block, over the first `samples` evaluation samples; zeros when a class is empty.
 */
export function deltaKbar(spec: NetworkSpec, p: Params<number>, set: EvalSet, samples: number): { acc: Float64Array[]; n: number; n1: number } {
  const { arch } = spec;
  const tree = arch.tree!;
  const nOut = arch.nOut;
  const n = Math.min(samples, set.n);
  const L = tree.leaves.length;
  const nI = tree.internal.length;
  const rootK = tree.internal.indexOf(0);
  let n1 = 0;
  for (let s = 0; s < n; s++) n1 += set.z[s * nI + rootK]!;
  const n0 = n - n1;
  const acc = arch.blocks.map((b) => new Float64Array(b.out * b.in * nOut));
  if (n1 === 0 || n0 === 0) return { acc, n, n1 };
  const J: Float64Array[] = arch.blocks.map((b) => new Float64Array(nOut * b.out));
  for (let s = 0; s < n; s++) {
    const x = Array.from(set.x.subarray(s * L, (s + 1) * L));
    const t = forward(F64, spec, p, x);
    jacobians(spec, p, t.g, t.raw, J);
    const c = set.z[s * nI + rootK] ? 1 / n1 : -1 / n0;
    for (const b of arch.blocks) {
      const a = acc[b.index]!;
      const Jb = J[b.index]!;
      const input = t.inputs[b.index]!;
      for (let i = 0; i < b.out; i++) {
        for (let j = 0; j < b.in; j++) {
          const v = c * input[j]!;
          if (v === 0) continue;
          const r = (i * b.in + j) * nOut;
          for (let k = 0; k < nOut; k++) a[r + k] = a[r + k]! + Jb[k * b.out + i]! * v;
        }
      }
    }
  }
  return { acc, n, n1 };
}

/** The operator estimate of every layer cut on the first `samples` samples of the evaluation set. */
export function operatorEstimate(spec: NetworkSpec, p: Params<number>, set: EvalSet, samples: number): LayerOperator[] {
  const { arch } = spec;
  const nOut = arch.nOut;
  const { acc, n, n1 } = deltaKbar(spec, p, set, samples);
  const n0 = n - n1;
  const pq = n > 0 ? (n1 / n) * (n0 / n) : 0;
  return arch.layers.map((l) => {
    const gram = new Float64Array(nOut * nOut);
    const u = new Float64Array(nOut);
    for (const blk of l.blocks) {
      const M = acc[blk]!;
      const w = p.W[blk]!;
      const rows = M.length / nOut;
      for (let r = 0; r < rows; r++) {
        for (let a = 0; a < nOut; a++) {
          const ma = M[r * nOut + a]!;
          if (ma === 0) continue;
          u[a] = u[a]! + ma * w[r]!;
          for (let b = 0; b < nOut; b++) gram[a * nOut + b] = gram[a * nOut + b]! + ma * M[r * nOut + b]!;
        }
      }
    }
    let tr = 0;
    for (let a = 0; a < nOut; a++) tr += gram[a * nOut + a]!;
    let q = 0;
    for (let a = 0; a < nOut; a++) q += u[a]! * u[a]!;
    return { layer: l.name, norm: pq * lambdaMax(gram, nOut), trace: pq * tr, quad: pq * q };
  });
}

/** J_ν = ∂out/∂g_ν (nOut × out_ν, row-major) for every block, given the forward pass. */
function jacobians(spec: NetworkSpec, p: Params<number>, g: readonly (readonly number[])[], raw: readonly number[], J: Float64Array[]): void {
  const { arch } = spec;
  const nOut = arch.nOut;
  const Jo = J[arch.output]!;
  Jo.fill(0);
  if (spec.normalize) {
    // ∂out/∂g_L is symmetric: its row a is the vector-Jacobian product of the unit vector e_a.
    const norm = outputNorm(F64, raw);
    const unit = new Float64Array(nOut);
    for (let a = 0; a < nOut; a++) {
      unit[a] = 1;
      normalizeVjp(F64, spec.eps, raw, norm, unit, Jo, nOut, 0, 0, a * nOut, formOf(spec));
      unit[a] = 0;
    }
  } else for (let a = 0; a < nOut; a++) Jo[a * nOut + a] = 1;
  for (let k = arch.blocks.length - 1; k >= 0; k--) {
    if (k === arch.output) continue;
    const b = arch.blocks[k]!;
    const Jb = J[k]!;
    Jb.fill(0);
    for (const c of b.consumers) {
      const cb = arch.blocks[c.block]!;
      const W = p.W[c.block]!;
      const Jc = J[c.block]!;
      for (let a = 0; a < nOut; a++) {
        for (let i = 0; i < cb.out; i++) {
          const jv = Jc[a * cb.out + i]!;
          if (jv === 0) continue;
          const row = i * cb.in + c.offset;
          for (let u = 0; u < b.out; u++) Jb[a * b.out + u] = Jb[a * b.out + u]! + jv * W[row + u]!;
        }
      }
    }
    const gk = g[k]!;
    for (let u = 0; u < b.out; u++) {
      const d = activateDerivative(F64, blockActivation(spec, k), gk[u]!);
      for (let a = 0; a < nOut; a++) Jb[a * b.out + u] = Jb[a * b.out + u]! * d;
    }
  }
}

/** Largest eigenvalue of a symmetric PSD n × n matrix (power iteration from the all-ones vector). */
export function lambdaMax(A: Float64Array, n: number): number {
  let v = new Float64Array(n).fill(1 / Math.sqrt(n));
  let lambda = 0;
  for (let it = 0; it < 500; it++) {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[i] = w[i]! + A[i * n + j]! * v[j]!;
    let norm = 0;
    for (let i = 0; i < n; i++) norm += w[i]! * w[i]!;
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    for (let i = 0; i < n; i++) w[i] = w[i]! / norm;
    const prev = lambda;
    lambda = norm;
    v = w;
    if (Math.abs(lambda - prev) <= 1e-12 * lambda) break;
  }
  return lambda;
}
