/**
 * The output scale of a loss value's tolerance (numeric/tolerance.ts lossValueTolerance):
 * Σ_s ‖∂L/∂o_s‖₁·ō_s over the rows of a float64 reference, with ō_s = ḡ_L,s the path-sum bound
 * of row s's output (÷(‖g_L‖ + ε) after normalisation), and the longest forward chain n.
 * Shared by the engine tests (engine-f32, in-batch-engines).
 */
import type { NetworkSpec, Params } from '../../src/network/architecture.js';
import type { Trace } from '../../src/network/forward.js';
import type { BatchResult } from '../../src/network/batchGradient.js';
import { magnitude } from '../../src/network/magnitude.js';

export function lossValueScale(spec: NetworkSpec, params: Params<number>, rows: readonly { readonly trace: Trace<number>; readonly dOut: readonly number[] }[]): { outputScale: number; ops: number } {
  let outputScale = 0;
  let ops = 0;
  for (const { trace, dOut } of rows) {
    const m = magnitude(spec, params, trace.x);
    const obar = spec.normalize ? m.scale / ((trace.norm ?? 0) + spec.eps) : m.scale;
    outputScale += dOut.reduce((a, v) => a + Math.abs(v), 0) * obar;
    ops = Math.max(ops, m.ops);
  }
  return { outputScale, ops };
}

/** The rows (trace, ∂L/∂o) of a float64 batch reference (network/batchGradient.ts): anchors, positives, negatives. */
export function batchRows(ref: BatchResult<number>): { trace: Trace<number>; dOut: number[] }[] {
  const { traces, dOut } = ref;
  return [
    ...traces.x.map((trace, b) => ({ trace, dOut: dOut.x[b]! })),
    ...traces.pos.map((trace, b) => ({ trace, dOut: dOut.pos[b]! })),
    ...traces.neg.flatMap((row, b) => row.map((trace, k) => ({ trace, dOut: dOut.neg[b]![k]! }))),
  ];
}
