/**
 * The shared memory between the parallel sampler (parallelSampler.ts, main thread) and its workers
 * (samplerWorker.ts): a bounded queue of K batch slots, batch g always in slot g mod K.
 *
 * ctl (Int32Array on a SharedArrayBuffer):
 *   NEXT      the next batch index to claim (workers: Atomics.add);
 *   STOP      1: workers leave their loop;
 *   ERROR     1: a worker failed, its message (JSON text) in `message`, length at ERROR_LENGTH;
 *   READY+s   g + 1 once batch g is in slot s (0: none yet);
 *   FREE+s    the batch that may be written to slot s next (g + K once the consumer left batch g).
 * A worker claims g, waits until FREE+s = g, samples, stores READY+s = g + 1; the consumer waits for
 * READY+s = g + 1 and, when it takes batch g + 1, stores FREE+s = g + K. Batches are consumed in
 * order and claimed in order, so the queue never deadlocks; at most K batches exist at once.
 */
import type { Batch } from './batch.js';
import type { StreamSpec } from './batchStream.js';

export const NEXT = 0;
export const STOP = 1;
export const ERROR = 2;
export const ERROR_LENGTH = 3;
const HEADER = 4;
export const MESSAGE_BYTES = 4096;

export const readyIndex = (slot: number): number => HEADER + 2 * slot;
export const freeIndex = (slot: number): number => HEADER + 2 * slot + 1;
export const ctlLength = (slots: number): number => HEADER + 2 * slots;

/** What a worker is started with (workerData). */
export interface SamplerWorkerData {
  readonly spec: StreamSpec;
  readonly ctl: Int32Array;
  readonly message: Uint8Array;
  readonly slots: readonly SharedArrayBuffer[];
}

/** Bytes of one slot: anchor, pos, neg (float32), anchorLatents (uint8). */
export function slotBytes(spec: StreamSpec): number {
  const L = spec.tree.leaves.length;
  return 4 * L * spec.B * (2 + spec.H) + spec.B * spec.tree.internal.length;
}

/** A Batch whose arrays are views of a slot. */
export function slotBatch(spec: StreamSpec, sab: SharedArrayBuffer): Batch {
  const { B, H } = spec;
  const L = spec.tree.leaves.length;
  const n = B * L;
  return {
    B,
    H,
    anchor: new Float32Array(sab, 0, n),
    pos: new Float32Array(sab, 4 * n, n),
    neg: new Float32Array(sab, 8 * n, n * H),
    anchorLatents: new Uint8Array(sab, 4 * n * (2 + H), B * spec.tree.internal.length),
  };
}
