/**
 * The training-engine interface shared by the hand-written float32 kernels (`f32`) and the
 * TensorFlow.js autograd path (`tfjs`). An engine owns the parameters and the optimiser state of
 * one network and trains it on batches of the HLTM sampler (src/hltm/batch.ts).
 *
 * Sample order inside an engine (S = B·(2 + H) rows): anchors b → row b, positives → B + b,
 * negative (b, h) → 2B + b·H + h.
 */
import type { Batch } from '../hltm/batch.js';
import type { Params } from '../network/architecture.js';
import type { EvalSet, UnitSums } from '../train/evaluate.js';

export type EngineName = 'f32' | 'tfjs' | 'webgpu';
export const ENGINE_NAMES: readonly EngineName[] = ['f32', 'tfjs', 'webgpu'];

export interface StepResult {
  /** The loss value of the batch (before the update). */
  readonly loss: number;
}

export interface TrainEngine {
  /** "f32" or "tfjs/<backend>". */
  readonly name: string;
  /** One optimisation step on the batch (forward, loss, backward, update). */
  step(batch: Batch): StepResult;
  /** Current parameters, float64 copies, row-major W per block in architecture order. */
  params(): Params<number>;
  /**
   * Pre-activations of every internal node for the S input rows x [S × nLeaves]:
   * [S × Gw], nodes in `tree.internal` order, `out` units each (tree networks only).
   */
  forwardPre(x: Float32Array, S: number): Float32Array;
  /** Optional fast path for the correlation metric's sums (train/evaluate.ts). */
  unitSums?(set: EvalSet): UnitSums;
  /** The first non-finite parameter, if any: block name and whether W or b. */
  nonFinite(): { block: string; what: 'W' | 'b' } | null;
  dispose(): void;
}
