/**
 * Hand-written backward pass (reverse mode) of a block network, in any arithmetic.
 *
 * Given δ = ∂loss/∂out (length nOut) for one input:
 *   normalisation: dg_L = (∂out/∂g_L)ᵀ δ = δ/(n+ε) − g_L (g_L·δ)/(n (n+ε)²), n = ‖g_L‖ (normalization.ts)
 *    for a hidden block ν: dg_ν = ψ_ν'(g_ν) ⊙ Σ_consumers W_cᵀ[slot] dg_c   (ψ_ν: blockActivation)
 *   ∂loss/∂W_ν = dg_ν ⊗ input_ν (row-major out × in),  ∂loss/∂b_ν = dg_ν
 * ReLU'(0) = 0 (activation.ts). The gradient of a batch is the sum of these over its inputs.
 */
import type { Arith } from '../numeric/arith.js';
import { activateDerivative } from './activation.js';
import { blockActivation, type NetworkSpec, type Params } from './architecture.js';
import type { Trace } from './forward.js';
import { formOf, normalizeVjp } from './normalization.js';

/** dg_ν = ∂loss/∂g_ν for every block. */
export function backwardPre<T>(A: Arith<T>, spec: NetworkSpec, params: Params<T>, trace: Trace<T>, dOut: readonly T[]): T[][] {
  const { arch } = spec;
  const dg: T[][] = new Array(arch.blocks.length);
  dg[arch.output] = [...dOut];
  if (spec.normalize) normalizeVjp(A, spec.eps, trace.raw, trace.norm!, dOut, dg[arch.output]!, trace.raw.length, 0, 0, 0, formOf(spec));
  for (let k = arch.blocks.length - 1; k >= 0; k--) {
    if (k === arch.output) continue;
    const block = arch.blocks[k]!;
    const df: T[] = new Array(block.out).fill(A.zero);
    for (const c of block.consumers) {
      const cb = arch.blocks[c.block]!;
      const W = params.W[c.block]!;
      const dgc = dg[c.block]!;
      for (let i = 0; i < cb.out; i++) {
        if (A.sign(dgc[i]!) === 0) continue;
        const row = i * cb.in + c.offset;
        for (let j = 0; j < block.out; j++) df[j] = A.add(df[j]!, A.mul(W[row + j]!, dgc[i]!));
      }
    }
    const gk = trace.g[k]!;
    const psi = blockActivation(spec, k);
    dg[k] = df.map((v, j) => A.mul(v, activateDerivative(A, psi, gk[j]!)));
  }
  return dg;
}

export interface ParamGrads<T> {
  /** ∂loss/∂W_ν, flat row-major like Params.W. */
  readonly W: T[][];
  /** ∂loss/∂b_ν (null when the network has no bias). */
  readonly b: T[][] | null;
}

export function zeroGrads<T>(A: Arith<T>, spec: NetworkSpec): ParamGrads<T> {
  return {
    W: spec.arch.blocks.map((b) => new Array<T>(b.out * b.in).fill(A.zero)),
    b: spec.bias ? spec.arch.blocks.map((b) => new Array<T>(b.out).fill(A.zero)) : null,
  };
}

/** Adds the parameter gradient of one input (upstream δ = dOut) into `acc`. */
export function accumulateGrads<T>(
  A: Arith<T>,
  spec: NetworkSpec,
  params: Params<T>,
  trace: Trace<T>,
  dOut: readonly T[],
  acc: ParamGrads<T>,
): void {
  if (dOut.every((v) => A.sign(v) === 0)) return;
  const dg = backwardPre(A, spec, params, trace, dOut);
  for (const block of spec.arch.blocks) {
    const d = dg[block.index]!;
    const input = trace.inputs[block.index]!;
    const gW = acc.W[block.index]!;
    for (let i = 0; i < block.out; i++) {
      if (A.sign(d[i]!) === 0) continue;
      const row = i * block.in;
      for (let j = 0; j < block.in; j++) gW[row + j] = A.add(gW[row + j]!, A.mul(d[i]!, input[j]!));
    }
    if (acc.b) {
      const gb = acc.b[block.index]!;
      for (let i = 0; i < block.out; i++) gb[i] = A.add(gb[i]!, d[i]!);
    }
  }
}
