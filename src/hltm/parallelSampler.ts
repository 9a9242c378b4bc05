/**
 * The bit-sliced training stream (batchStream.ts) sampled by worker threads (`--sampler-threads N`,
 * docs/gpu.md): N workers fill a bounded queue of K = N + 2 batch slots in shared memory
 * (samplerSlots.ts) while this thread trains on the batch before. Batch g's content comes from
 * (seed, epoch, index) only, so any N, and N = 0 (this thread, InThreadStream), give the same
 * batches bit for bit. next() blocks (Atomics.wait) until batch g is ready: the training loop and
 * the engines stay synchronous.
 *
 * Workers start through thread/moduleWorker.ts (samplerWorker.ts from the sources, samplerWorker.js
 * compiled or bundled). A worker that throws fails next() with its message; one that never answers
 * fails it after `stallMs` without a batch.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../thread/moduleWorker.js';
import type { Batch } from './batch.js';
import { InThreadStream, type BatchStream, type StreamSpec } from './batchStream.js';
import { ctlLength, ERROR, ERROR_LENGTH, freeIndex, MESSAGE_BYTES, readyIndex, slotBatch, slotBytes, STOP, type SamplerWorkerData } from './samplerSlots.js';

/** The most sampler threads a run may ask for (--sampler-threads). */
export const SAMPLER_THREADS_MAX = 256;

/** The default of --sampler-threads: the cores less the one that trains, at least 1. */
export function defaultSamplerThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

let configured: number | null = null;

/**
 * Sets this process's sampler threads (the CLI's --sampler-threads, for runs it does not call
 * train() for itself: `verify --scale large`, the GPU run); undefined: the default again.
 */
export function setSamplerThreads(threads?: number): void {
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 0 || threads > SAMPLER_THREADS_MAX)) throw new RangeError(`setSamplerThreads: expected an integer in [0, ${SAMPLER_THREADS_MAX}], got ${threads}`);
  configured = threads ?? null;
}

/** The sampler threads of a run that names none: setSamplerThreads's, else defaultSamplerThreads(). */
export function samplerThreads(): number {
  return configured ?? defaultSamplerThreads();
}

/** The run's batches from `threads` workers (0: this thread). */
export function openBatchStream(spec: StreamSpec, threads: number, options: { readonly slots?: number; readonly stallMs?: number } = {}): BatchStream {
  if (!Number.isInteger(threads) || threads < 0) throw new RangeError(`openBatchStream: threads must be an integer >= 0, got ${threads}`);
  return threads === 0 ? new InThreadStream(spec) : new ParallelStream(spec, threads, options.slots ?? threads + 2, options.stallMs ?? 120_000);
}

class ParallelStream implements BatchStream {
  private readonly ctl: Int32Array;
  private readonly message: Uint8Array;
  private readonly batches: Batch[];
  private readonly workers: Worker[] = [];
  private g = 0;
  private closed = false;

  constructor(private readonly spec: StreamSpec, threads: number, private readonly K: number, private readonly stallMs: number) {
    if (!Number.isInteger(K) || K < 2) throw new RangeError(`openBatchStream: slots must be an integer >= 2, got ${K}`);
    this.ctl = new Int32Array(new SharedArrayBuffer(4 * ctlLength(K)));
    this.message = new Uint8Array(new SharedArrayBuffer(MESSAGE_BYTES));
    const slots = Array.from({ length: K }, () => new SharedArrayBuffer(slotBytes(spec)));
    for (let s = 0; s < K; s++) this.ctl[freeIndex(s)] = s;
    this.batches = slots.map((sab) => slotBatch(spec, sab));
    const data: SamplerWorkerData = { spec, ctl: this.ctl, message: this.message, slots };
    const startFailure = { ctl: this.ctl, state: ERROR, length: ERROR_LENGTH, failed: 1, bytes: this.message };
    for (let i = 0; i < Math.min(threads, spec.total); i++) {
      const w = startModuleWorker(import.meta.url, 'samplerWorker', data, 'sampler worker', startFailure);
      w.unref();
      this.workers.push(w);
    }
  }

  next(): Batch {
    if (this.closed) throw new Error('BatchStream.next: the stream is closed');
    const g = this.g;
    if (g >= this.spec.total) throw new RangeError(`BatchStream.next: all ${this.spec.total} batches were taken`);
    if (g > 0) {
      // the consumer leaves batch g − 1: its slot may take batch g − 1 + K
      const prev = (g - 1) % this.K;
      Atomics.store(this.ctl, freeIndex(prev), g - 1 + this.K);
      Atomics.notify(this.ctl, freeIndex(prev));
    }
    const slot = g % this.K;
    const ready = readyIndex(slot);
    let t0 = Date.now();
    for (;;) {
      const v = Atomics.load(this.ctl, ready);
      if (v === g + 1) break;
      if (Atomics.load(this.ctl, ERROR) !== 0) this.fail(this.workerMessage());
      if (Atomics.wait(this.ctl, ready, v, 1000) === 'timed-out' && Date.now() - t0 > this.stallMs) this.fail(`sampler workers gave no batch ${g} within ${this.stallMs / 1000} s`);
      if (Atomics.load(this.ctl, ready) !== v) t0 = Date.now();
    }
    this.g++;
    return this.batches[slot]!;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctl, STOP, 1);
    for (let s = 0; s < this.K; s++) Atomics.notify(this.ctl, freeIndex(s));
    for (const w of this.workers) void w.terminate();
  }

  private workerMessage(): string {
    const n = Atomics.load(this.ctl, ERROR_LENGTH);
    const text = new TextDecoder().decode(this.message.slice(0, n));
    try {
      return String(JSON.parse(text));
    } catch {
      return text;
    }
  }

  private fail(why: string): never {
    this.close();
    throw new Error(why);
  }
}
