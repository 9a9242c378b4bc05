/**
 * A magnitude bound for floating-point tolerances (numeric/tolerance.ts).
 *
 * The "path-sum" forward pass: |W|, |b|, |x| and ψ replaced by the identity,
 *   ḡ_ν = |W_ν| ī_ν + |b_ν|,   ī_ν = concat(ḡ of the sources, |x|).
 * Every partial sum formed by the forward pass, the backward pass, the connections K_ν and
 * Σ_ν K_νᵀw_ν of a ReLU / leaky-ReLU (slope ≤ 1) / linear network is a sum of path products
 * Π|w|·|x| bounded by ḡ_L, so ḡ_L is the `scale` of the tolerance c·n·ε·scale. For tanh, GELU
 * (|ψ(g)| ≤ |g|) the same holds for the forward values; softplus adds log 2 per unit.
 * Returns max_k ḡ_L,k and the longest chain length n (blocks on the deepest path × widest input).
 */
import type { NetworkSpec, Params } from './architecture.js';

export function magnitude(spec: NetworkSpec, params: Params<number>, x: readonly number[]): { scale: number; ops: number } {
  const { arch } = spec;
  const extra = spec.activation.kind === 'softplus' ? Math.LN2 : 0;
  const gbar: number[][] = [];
  for (const block of arch.blocks) {
    const input: number[] = [];
    for (const s of block.sources) {
      if (s.kind === 'input') input.push(Math.abs(x[s.index]!));
      else if (s.kind === 'all-inputs') for (const v of x) input.push(Math.abs(v));
      else for (const v of gbar[s.block]!) input.push(v + extra);
    }
    const W = params.W[block.index]!;
    const b = params.b?.[block.index];
    const g: number[] = [];
    for (let i = 0; i < block.out; i++) {
      let acc = b ? Math.abs(b[i]!) : 0;
      for (let j = 0; j < block.in; j++) acc += Math.abs(W[i * block.in + j]!) * input[j]!;
      g.push(acc);
    }
    gbar.push(g);
  }
  const depth = Math.max(...arch.blocks.map((b) => b.depth)) + 1;
  const widest = Math.max(...arch.blocks.map((b) => Math.max(b.in, b.out)));
  return { scale: Math.max(...gbar[arch.output]!), ops: depth * widest + arch.nOut };
}

/**
 * A bound on every |K_ν[(i,a), k]| = |J_ν[k,i]|·|input_ν[a]| for one input: the path-sum Jacobian
 * J̄ (|W| and |ψ'| ≤ d̄: 1 for relu/linear/tanh/softplus, max(1, slope) for leaky, 1.13 for GELU;
 * the normalisation Jacobian bounded by 2/(‖g_L‖+ε)) times the path-sum inputs. Used as the scale
 * of sums Σ K·δ (claim C2's connection form).
 */
export function connectionBound(spec: NetworkSpec, params: Params<number>, x: readonly number[], outNorm = 0): number {
  const { arch } = spec;
  const a = spec.activation;
  const extra = a.kind === 'softplus' ? Math.LN2 : 0;
  const dmax = a.kind === 'gelu' ? 1.13 : a.kind === 'leaky_relu' ? Math.max(1, Math.abs(a.slope)) : 1;
  const gbar: number[][] = [];
  const ibar: number[][] = [];
  for (const block of arch.blocks) {
    const input: number[] = [];
    for (const s of block.sources) {
      if (s.kind === 'input') input.push(Math.abs(x[s.index]!));
      else if (s.kind === 'all-inputs') for (const v of x) input.push(Math.abs(v));
      else for (const v of gbar[s.block]!) input.push(v * dmax + extra);
    }
    const W = params.W[block.index]!;
    const b = params.b?.[block.index];
    gbar.push(Array.from({ length: block.out }, (_, i) => input.reduce((s, v, j) => s + Math.abs(W[i * block.in + j]!) * v, b ? Math.abs(b[i]!) : 0)));
    ibar.push(input);
  }
  const top = spec.normalize ? 2 / (outNorm + spec.eps) : 1;
  // jbar[ν][i] = max_k J̄_ν[k, i]
  const jbar: number[][] = arch.blocks.map((b) => new Array<number>(b.out).fill(0));
  jbar[arch.output] = new Array<number>(arch.nOut).fill(top);
  for (let k = arch.blocks.length - 1; k >= 0; k--) {
    if (k === arch.output) continue;
    const block = arch.blocks[k]!;
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
  let bound = 0;
  arch.blocks.forEach((b) => {
    const jm = Math.max(...jbar[b.index]!);
    const im = Math.max(...ibar[b.index]!);
    bound = Math.max(bound, jm * im);
  });
  return bound;
}
