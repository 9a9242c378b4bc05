/**
 * Jacobians and connections (docs/theory.md §1.3).
 *
 *   J_ν(x) = ∂out/∂g_ν ∈ R^{nOut × out_ν}   (by reverse mode with δ = e_k for each output k)
 *   K_ν(x) ∈ R^{(out_ν·in_ν) × nOut},  K_ν[(i·in_ν + a), k] = J_ν[k, i] · input_ν[a]
 *
 * Rows are ordered like the row-major flattening of W_ν, so K_ν(x)ᵀ = ∂out/∂w_ν for any network
 * (bias, normalisation included). Claims: C1 (out = Σ_{ν∈cut} K_νᵀ w_ν), C2 (∂r/∂w = ΔK Δf).
 */
import type { Arith } from '../numeric/arith.js';
import type { NetworkSpec, Params } from './architecture.js';
import { backwardPre } from './backward.js';
import type { Trace } from './forward.js';

/** A connection matrix, flat row-major: K[r * cols + k]. */
export interface Connection<T> {
  readonly block: number;
  readonly rows: number;
  readonly cols: number;
  readonly K: T[];
}

/** J[ν][k][i] = ∂out_k/∂g_ν,i for every block ν. */
export function jacobians<T>(A: Arith<T>, spec: NetworkSpec, params: Params<T>, trace: Trace<T>): T[][][] {
  const nOut = spec.arch.nOut;
  const J: T[][][] = spec.arch.blocks.map(() => []);
  for (let k = 0; k < nOut; k++) {
    const e = Array.from({ length: nOut }, (_, i) => (i === k ? A.one : A.zero));
    const dg = backwardPre(A, spec, params, trace, e);
    dg.forEach((row, nu) => J[nu]!.push(row));
  }
  return J;
}

/** K_ν for the requested blocks (default: all). */
export function connections<T>(
  A: Arith<T>,
  spec: NetworkSpec,
  params: Params<T>,
  trace: Trace<T>,
  blocks: readonly number[] = spec.arch.blocks.map((b) => b.index),
): Connection<T>[] {
  const J = jacobians(A, spec, params, trace);
  const nOut = spec.arch.nOut;
  return blocks.map((nu) => {
    const b = spec.arch.blocks[nu]!;
    const input = trace.inputs[nu]!;
    const K: T[] = new Array(b.out * b.in * nOut);
    for (let i = 0; i < b.out; i++) {
      for (let a = 0; a < b.in; a++) {
        const r = (i * b.in + a) * nOut;
        for (let k = 0; k < nOut; k++) K[r + k] = A.mul(J[nu]![k]![i]!, input[a]!);
      }
    }
    return { block: nu, rows: b.out * b.in, cols: nOut, K };
  });
}

/** Kᵀ w (length cols): Σ_r K[r,:] w[r]. */
export function connectionTransposeTimes<T>(A: Arith<T>, c: Connection<T>, w: readonly T[]): T[] {
  const out = new Array<T>(c.cols).fill(A.zero);
  for (let r = 0; r < c.rows; r++) {
    if (A.sign(w[r]!) === 0) continue;
    for (let k = 0; k < c.cols; k++) out[k] = A.add(out[k]!, A.mul(c.K[r * c.cols + k]!, w[r]!));
  }
  return out;
}

/** K v (length rows). */
export function connectionTimes<T>(A: Arith<T>, c: Connection<T>, v: readonly T[]): T[] {
  const out = new Array<T>(c.rows);
  for (let r = 0; r < c.rows; r++) {
    let acc = A.zero;
    for (let k = 0; k < c.cols; k++) acc = A.add(acc, A.mul(c.K[r * c.cols + k]!, v[k]!));
    out[r] = acc;
  }
  return out;
}
