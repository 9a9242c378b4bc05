/**
 * A worker thread of the parallel sampler (parallelSampler.ts; the queue's protocol: samplerSlots.ts):
 * claims batch indices in order, waits until its slot is free, samples the batch with the batch's
 * own stream (batchStream.ts sampleStreamBatch) into the slot and marks it ready, until the run's
 * batches are claimed or STOP is set. A throw is reported through ERROR and the message area.
 */
import { workerData } from 'node:worker_threads';
import { sampleStreamBatch } from './batchStream.js';
import { ERROR, ERROR_LENGTH, freeIndex, NEXT, readyIndex, slotBatch, STOP, type SamplerWorkerData } from './samplerSlots.js';

const { spec, ctl, message, slots } = workerData as SamplerWorkerData;
const K = slots.length;
const batches = slots.map((sab) => slotBatch(spec, sab));

/** Waits until ctl[i] = want; false when the run stops first. */
function waitFor(i: number, want: number): boolean {
  for (;;) {
    const v = Atomics.load(ctl, i);
    if (v === want) return true;
    if (Atomics.load(ctl, STOP) !== 0) return false;
    Atomics.wait(ctl, i, v, 1000);
  }
}

try {
  for (;;) {
    if (Atomics.load(ctl, STOP) !== 0) break;
    const g = Atomics.add(ctl, NEXT, 1);
    if (g >= spec.total) break;
    const slot = g % K;
    if (!waitFor(freeIndex(slot), g)) break;
    sampleStreamBatch(spec, g, batches[slot]!);
    Atomics.store(ctl, readyIndex(slot), g + 1);
    Atomics.notify(ctl, readyIndex(slot));
  }
} catch (e) {
  const bytes = new TextEncoder().encode(JSON.stringify(`sampler worker: ${(e as Error)?.message ?? String(e)}`));
  message.set(bytes.subarray(0, message.length));
  Atomics.store(ctl, ERROR_LENGTH, Math.min(bytes.length, message.length));
  Atomics.store(ctl, ERROR, 1);
  for (let s = 0; s < K; s++) Atomics.notify(ctl, readyIndex(s));
}
