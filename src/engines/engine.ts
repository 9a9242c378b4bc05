/**
 * The training-engine interface shared by the hand-written float32 kernels (`f32`) and the
 * TensorFlow.js autograd path (`tfjs`). An engine owns the parameters and the optimiser state of
 * one network and trains it on batches of the HLTM sampler (src/hltm/batch.ts).
 *
 * Sample order inside an engine (S = B·(2 + H) rows): anchors b → row b, positives → B + b,
 * negative (b, h) → 2B + b·H + h.
 *
 * Layering: engines sit below src/train (which builds runs, evaluates and reports) and import
 * nothing from it; the optimiser (optimizer.ts) and the metric's sums (unitSums.ts) live here.
 * A new engine implements TrainEngine, takes EngineOptions (plus its own tuning fields) and is
 * one entry of create.ts's ENGINES.
 */
import type { Batch } from '../hltm/batch.js';
import type { Loss } from '../losses/loss.js';
import type { NetworkSpec, Params } from '../network/architecture.js';
import type { OptimizerSpec } from './optimizer.js';
import type { EvalSet, UnitSums } from './unitSums.js';

export type EngineName = 'f32' | 'tfjs' | 'webgpu';
export const ENGINE_NAMES: readonly EngineName[] = ['f32', 'tfjs', 'webgpu'];

/** What every engine is built from: the network, its initial parameters, the loss, the optimiser and the batch shape. */
export interface EngineOptions {
  readonly spec: NetworkSpec;
  /** Initial parameters (row-major W per block in architecture order); the engine copies them. */
  readonly params: Params<number>;
  readonly loss: Loss;
  readonly optimizer: OptimizerSpec;
  /** Tuples per batch. */
  readonly B: number;
  /** Negatives per tuple (0 with in-batch negatives: the batch holds anchors and positives only). */
  readonly H: number;
  /** In-batch negatives (docs/case-format.md): anchor i's negatives are the other rows' 2B − 2 views. */
  readonly inBatch?: { readonly symmetric: boolean };
}

/** createEngine's request: the engine by name, its TF.js backend (tfjs only) and its options. */
export interface EngineRequest extends EngineOptions {
  readonly engine: EngineName;
  readonly backend?: string;
}

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
  /** Optional fast path for the correlation metric's sums (unitSums.ts; else sumsFromPre over forwardPre). */
  unitSums?(set: EvalSet): UnitSums;
  /** The first non-finite parameter, if any: block name and whether W or b. */
  nonFinite(): { block: string; what: 'W' | 'b' } | null;
  dispose(): void;
}
