/**
 * Forward pass of a block network (docs/theory.md §1.2), in any arithmetic.
 *
 *   input_ν = concat(sources)                 (leaf value x_j, or ψ(g_child))
 *   g_ν     = W_ν input_ν (+ b_ν)             W_ν: out × in, row-major
 *   f_ν     = ψ_ν(g_ν), except the output block: f_L = g_L (linear output layer); ψ_ν is the
 *             block's activation (blockActivation: the network's ψ unless set per block)
 *   out     = f_L, or f_L/(‖f_L‖ + ε) with output normalisation (float64 only)
 *
 * Shapes: x has arch.nInputs entries; the trace keeps every block's input, g and f.
 */
import type { Arith } from '../numeric/arith.js';
import { activate } from './activation.js';
import { blockActivation, type NetworkSpec, type Params } from './architecture.js';
import { formOf, normalize } from './normalization.js';

export interface Trace<T> {
  readonly x: readonly T[];
  /** Concatenated input of each block (length block.in). */
  readonly inputs: T[][];
  /** Pre-activations g_ν (length block.out). */
  readonly g: T[][];
  /** Activations ψ(g_ν) (the output block: g_L itself). */
  readonly f: T[][];
  /** g_L, before normalisation. */
  readonly raw: readonly T[];
  /** What the loss sees: raw, or raw/(‖raw‖+ε). */
  readonly out: readonly T[];
  /** ‖raw‖ when normalising (float64), else undefined. */
  readonly norm?: T;
}

export function forward<T>(A: Arith<T>, spec: NetworkSpec, params: Params<T>, x: readonly T[]): Trace<T> {
  const { arch } = spec;
  const inputs: T[][] = [];
  const g: T[][] = [];
  const f: T[][] = [];
  for (const block of arch.blocks) {
    const input: T[] = [];
    for (const s of block.sources) {
      if (s.kind === 'input') input.push(x[s.index]!);
      else if (s.kind === 'all-inputs') for (const v of x) input.push(v);
      else for (const v of f[s.block]!) input.push(v);
    }
    const W = params.W[block.index]!;
    const b = params.b?.[block.index];
    const gb: T[] = new Array(block.out);
    for (let i = 0; i < block.out; i++) {
      let acc = b ? b[i]! : A.zero;
      const row = i * block.in;
      for (let j = 0; j < block.in; j++) acc = A.add(acc, A.mul(W[row + j]!, input[j]!));
      gb[i] = acc;
    }
    inputs.push(input);
    g.push(gb);
    f.push(block.index === arch.output ? gb : gb.map((v) => activate(A, blockActivation(spec, block.index), v)));
  }
  const raw = g[arch.output]!;
  if (!spec.normalize) return { x, inputs, g, f, raw, out: raw };
  const out = new Array<T>(raw.length);
  const norm = normalize(A, spec.eps, raw, out, raw.length, 0, 0, formOf(spec));
  return { x, inputs, g, f, raw, out, norm };
}
