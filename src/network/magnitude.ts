/**
 * A magnitude bound for floating-point tolerances (numeric/tolerance.ts).
 *
 * The "path-sum" forward pass: |W|, |b|, |x| and ψ replaced by the identity,
 *   ḡ_ν = |W_ν| ī_ν + |b_ν|,   ī_ν = concat(ḡ of the sources, |x|).
 * Every partial sum formed by the forward pass, the backward pass, the connections K_ν and
 * Σ_ν K_νᵀw_ν of a ReLU / leaky-ReLU (slope ≤ 1) / linear network is a sum of path products
 * Π|w|·|x| bounded by ḡ_L, so ḡ_L is the `scale` of the tolerance c·n·ε·scale. For tanh, GELU
 * (|ψ(g)| ≤ |g|) the same holds for the forward values; softplus adds log 2 per unit.
 * `magnitude` returns max_k ḡ_L,k and the longest chains n of a forward pass and of a gradient.
 */
import { activationRecord } from './activation.js';
import { blockActivation, type NetworkSpec, type Params } from './architecture.js';

/** Bounds of |ψ_ν'| (and of |ψ_ν(g)|/|g|) for block ν: its activation's record (1 for relu, linear, tanh, softplus; max(1, |slope|) for leaky; 1.13 for GELU). */
function derivativeBound(spec: NetworkSpec, block: number): number {
  const a = blockActivation(spec, block);
  return activationRecord(a).bound(a);
}

/**
 * Path-sum forward bounds: ḡ_ν (every partial sum of block ν's pre-activation) and ī_ν (its input),
 * with |W|, |b|, |x| and each block's ψ_ν replaced by d̄_ν·identity (+ log 2 per unit for softplus).
 */
export function pathSums(spec: NetworkSpec, params: Params<number>, x: readonly number[]): { gbar: number[][]; ibar: number[][] } {
  const gbar: number[][] = [];
  const ibar: number[][] = [];
  for (const block of spec.arch.blocks) {
    const input: number[] = [];
    for (const s of block.sources) {
      if (s.kind === 'input') input.push(Math.abs(x[s.index]!));
      else if (s.kind === 'all-inputs') for (const v of x) input.push(Math.abs(v));
      else {
        const dmax = derivativeBound(spec, s.block);
        const extra = activationRecord(blockActivation(spec, s.block)).offset;
        for (const v of gbar[s.block]!) input.push(v * dmax + extra);
      }
    }
    const W = params.W[block.index]!;
    const b = params.b?.[block.index];
    gbar.push(Array.from({ length: block.out }, (_, i) => input.reduce((acc, v, j) => acc + Math.abs(W[i * block.in + j]!) * v, b ? Math.abs(b[i]!) : 0)));
    ibar.push(input);
  }
  return { gbar, ibar };
}

/**
 * Path-sum Jacobian bounds: J̄_ν[i] ≥ max_k |∂out_k/∂g_ν,i| (|W|, |ψ'| ≤ d̄, the normalisation
 * Jacobian bounded by 2/(‖g_L‖+ε)). That bound holds for both forms: f/(‖f‖ + ε) has entries
 * |δ_ij/(n + ε) − f_i f_j/(n(n + ε)²)| ≤ 2/(n + ε); f/max(‖f‖, ε) has |δ_ij − u_i u_j|/n ≤ 1/n for
 * n > ε (u = f/n) and δ_ij/ε below, so ≤ 1/max(n, ε) ≤ 2/(n + ε).
 */
export function jacobianBounds(spec: NetworkSpec, params: Params<number>, outNorm = 0): number[][] {
  const { arch } = spec;
  const jbar: number[][] = arch.blocks.map((b) => new Array<number>(b.out).fill(0));
  jbar[arch.output] = new Array<number>(arch.nOut).fill(spec.normalize ? 2 / (outNorm + spec.eps) : 1);
  for (let k = arch.blocks.length - 1; k >= 0; k--) {
    if (k === arch.output) continue;
    const block = arch.blocks[k]!;
    const dmax = derivativeBound(spec, k);
    for (const c of block.consumers) {
      const cb = arch.blocks[c.block]!;
      const W = params.W[c.block]!;
      for (let j = 0; j < block.out; j++) {
        let s = 0;
        for (let i = 0; i < cb.out; i++) s += jbar[c.block]![i]! * Math.abs(W[i * cb.in + c.offset + j]!);
        jbar[k]![j] = jbar[k]![j]! + s * dmax;
      }
    }
  }
  return jbar;
}

/**
 * The output bound max_k ḡ_L,k (the `scale`) and the longest chains n of roundings of one input, per
 * block on the deepest path (depth blocks; a block reads ≤ widest inputs, a consumer has ≤ widest
 * units; ψ's roundings from its activation record, the largest over the blocks):
 *  - ops, the forward pass: a dot product of ≤ widest terms (γ_n, n = widest), the bias (1 with
 *    biases) and ψ (rounding.value) per block, then the normalisation (‖g_L‖: nOut squares and sums
 *    and a root, + ε, the division: nOut + 4) if any: depth·(widest + bias + ψ) + [nOut + 4];
 *  - gradientOps, a gradient of the loss or a connection product (K·δ, Kᵀw): the forward chain, the
 *    backward chain (per block Wᵀδ over ≤ widest terms and ψ′·δ, rounding.gate; the normalisation's
 *    vector-Jacobian product, nOut + 6, if any), the product J·input and a sum over one block's rows
 *    (≤ max out·in terms): ops + depth·(widest + ψ′) + [nOut + 6] + 1 + max out·in.
 * (Before issue 12's review of the test bounds, ops was depth·widest + nOut for everything, and the
 * gradients used it or 2·ops: the bias, ψ and ψ′ roundings and the sum over a block's rows were not
 * counted.)
 */
export function magnitude(spec: NetworkSpec, params: Params<number>, x: readonly number[]): { scale: number; ops: number; gradientOps: number } {
  const { arch } = spec;
  const { gbar } = pathSums(spec, params, x);
  const depth = Math.max(...arch.blocks.map((b) => b.depth)) + 1;
  const widest = Math.max(...arch.blocks.map((b) => Math.max(b.in, b.out)));
  const rows = Math.max(...arch.blocks.map((b) => b.in * b.out));
  const rounding = arch.blocks.map((b) => activationRecord(blockActivation(spec, b.index)).rounding);
  const psi = Math.max(...rounding.map((r) => r.value));
  const gate = Math.max(...rounding.map((r) => r.gate));
  const ops = depth * (widest + (spec.bias ? 1 : 0) + psi) + (spec.normalize ? arch.nOut + 4 : 0);
  const gradientOps = ops + depth * (widest + gate) + (spec.normalize ? arch.nOut + 6 : 0) + 1 + rows;
  return { scale: Math.max(...gbar[arch.output]!), ops, gradientOps };
}

/**
 * A bound on every |K_ν[(i,a), k]| = |J_ν[k,i]|·|input_ν[a]| for one input: J̄ times ī. Used as the
 * scale of sums Σ K·δ (claim C2's connection form).
 */
export function connectionBound(spec: NetworkSpec, params: Params<number>, x: readonly number[], outNorm = 0): number {
  const { ibar } = pathSums(spec, params, x);
  const jbar = jacobianBounds(spec, params, outNorm);
  return Math.max(...spec.arch.blocks.map((b) => Math.max(...jbar[b.index]!) * Math.max(0, ...ibar[b.index]!)));
}
