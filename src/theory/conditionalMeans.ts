/**
 * Conditional means over augmentations, by exact enumeration (docs/theory.md §1.5):
 *
 *   K̄_ν(x_0) = E[K_ν(x) | x_0] = Σ_c P(c | x_0) K_ν(c)      ((out·in) × nOut, flat row-major)
 *   f̄(x_0)   = E[f_L(x) | x_0]
 *
 * over the leaf configurations c (2^leaves) and the values x_0 of the part that survives the
 * augmentation, with probabilities p(x_0). Runs in any arithmetic (rationals: exact).
 */
import type { Arith } from '../numeric/arith.js';
import type { NetworkSpec, Params } from '../network/architecture.js';
import { connections } from '../network/connection.js';
import { forward, type Trace } from '../network/forward.js';

/** What the HLTM's exact distribution provides (src/hltm/exactDistribution.ts). */
export interface ConditionalLeafDistribution<T> {
  readonly x0: readonly { readonly prob: T }[];
  readonly configs: readonly Uint8Array[];
  /** cond[i][c] = P(leaves = configs[c] | x_0 = value i). */
  readonly cond: readonly (readonly T[])[];
}

export interface ConditionalMeans<T> {
  /** p(x_0 = i). */
  readonly p: readonly T[];
  /** K̄[i][ν]: flat (out_ν·in_ν) × nOut; only for the requested blocks (others empty). */
  readonly Kbar: T[][][];
  /** f̄[i]. */
  readonly fbar: T[][];
  /** E[‖f‖²] over the marginal (for losses). */
  readonly meanSquaredNorm: T;
  readonly blocks: readonly number[];
  readonly nConfigs: number;
  /** Per-configuration traces and marginal probabilities (reused by the expected gradient). */
  readonly traces: Trace<T>[];
  readonly marginal: T[];
}

export function conditionalMeans<T>(
  A: Arith<T>,
  spec: NetworkSpec,
  params: Params<T>,
  dist: ConditionalLeafDistribution<T>,
  blocks: readonly number[] = spec.arch.blocks.map((b) => b.index),
): ConditionalMeans<T> {
  const n = dist.x0.length;
  const nOut = spec.arch.nOut;
  const Kbar: T[][][] = Array.from({ length: n }, () =>
    spec.arch.blocks.map((b) => (blocks.includes(b.index) ? new Array<T>(b.out * b.in * nOut).fill(A.zero) : [])),
  );
  const fbar: T[][] = Array.from({ length: n }, () => new Array<T>(nOut).fill(A.zero));
  const marginal: T[] = [];
  const traces: Trace<T>[] = [];
  let meanSquaredNorm = A.zero;
  dist.configs.forEach((config, c) => {
    let m = A.zero;
    for (let i = 0; i < n; i++) m = A.add(m, A.mul(dist.x0[i]!.prob, dist.cond[i]![c]!));
    marginal.push(m);
    const x = Array.from(config, (v) => (v ? A.one : A.zero));
    const trace = forward(A, spec, params, x);
    traces.push(trace);
    if (A.sign(m) === 0) return;
    let sq = A.zero;
    for (const v of trace.out) sq = A.add(sq, A.mul(v, v));
    meanSquaredNorm = A.add(meanSquaredNorm, A.mul(m, sq));
    const Ks = blocks.length > 0 ? connections(A, spec, params, trace, blocks) : [];
    for (let i = 0; i < n; i++) {
      const w = dist.cond[i]![c]!;
      if (A.sign(w) === 0) continue;
      const fi = fbar[i]!;
      trace.out.forEach((v, k) => (fi[k] = A.add(fi[k]!, A.mul(w, v))));
      for (const K of Ks) {
        const acc = Kbar[i]![K.block]!;
        for (let r = 0; r < K.K.length; r++) acc[r] = A.add(acc[r]!, A.mul(w, K.K[r]!));
      }
    }
  });
  return { p: dist.x0.map((v) => v.prob), Kbar, fbar, meanSquaredNorm, blocks, nConfigs: dist.configs.length, traces, marginal };
}

/** E_{x_0}[v(x_0)] for a family of flat vectors v[i]. */
export function expectation<T>(A: Arith<T>, p: readonly T[], v: readonly (readonly T[])[]): T[] {
  const out = new Array<T>(v[0]!.length).fill(A.zero);
  v.forEach((row, i) => row.forEach((x, r) => (out[r] = A.add(out[r]!, A.mul(p[i]!, x)))));
  return out;
}
