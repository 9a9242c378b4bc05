/**
 * The scales of a loss value's tolerance (numeric/tolerance.ts lossValueTolerance) over the rows of a
 * float64 reference: outputScale = Σ_s Σ_k |∂L/∂g_L,s,k|·ḡ_L,s,k (ḡ: the path-sum bound of the
 * output unit, network/magnitude.ts), stageScale = Σ_s Σ_k |∂L/∂o_s,k|·|o_s,k|, and the longest
 * forward chain n. Shared by the engine tests (engine-f32, in-batch-engines).
 */
import type { NetworkSpec, Params } from '../../src/network/architecture.js';
import { backwardPre } from '../../src/network/backward.js';
import type { BatchResult } from '../../src/network/batchGradient.js';
import type { Trace } from '../../src/network/forward.js';
import { magnitude, pathSums } from '../../src/network/magnitude.js';
import { F64 } from '../../src/numeric/arith.js';

export function lossValueScale(
  spec: NetworkSpec,
  params: Params<number>,
  rows: readonly { readonly trace: Trace<number>; readonly dOut: readonly number[] }[],
): { outputScale: number; stageScale: number; ops: number } {
  const L = spec.arch.output;
  let outputScale = 0;
  let stageScale = 0;
  let ops = 0;
  for (const { trace, dOut } of rows) {
    const dg = backwardPre(F64, spec, params, trace, dOut)[L]!;
    const gbar = pathSums(spec, params, trace.x).gbar[L]!;
    dg.forEach((v, k) => (outputScale += Math.abs(v) * gbar[k]!));
    dOut.forEach((v, k) => (stageScale += Math.abs(v) * Math.abs(trace.out[k]!)));
    ops = Math.max(ops, magnitude(spec, params, trace.x).ops);
  }
  return { outputScale, stageScale, ops };
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
