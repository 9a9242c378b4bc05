/**
 * The engine's synchronous line to its GPU worker (gpuWorker.ts): post a request, block on
 * Atomics.wait until the worker has stored the reply's status word. TrainEngine is synchronous
 * (step, forwardPre), Dawn is asynchronous (mapAsync): the worker thread bridges the two.
 *
 * The worker starts through thread/moduleWorker.ts (gpuWorker.ts from the sources, gpuWorker.js
 * compiled or bundled).
 */
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../../thread/moduleWorker.js';
import { CTL_LENGTH, CTL_STATE, REPLY_BYTES, STATE_OK, STATE_PENDING, type Request, type WorkerData } from './protocol.js';

/** The status word's value when the worker failed to start (anything but STATE_OK fails a call). */
const STATE_START_FAILED = 2;

export class GpuCallError extends Error {
  override readonly name = 'GpuCallError';
}

export class GpuChannel {
  readonly input: SharedArrayBuffer;
  readonly output: SharedArrayBuffer;
  private readonly ctl: Int32Array;
  private readonly replyBytes: Uint8Array;
  private readonly worker: Worker;
  private closed = false;

  /** Starts the worker (and waits until it listens); areas in bytes. */
  constructor(moduleUrl: string, inputBytes: number, outputBytes: number, readonly timeoutMs = 600_000) {
    this.input = new SharedArrayBuffer(Math.max(8, inputBytes));
    this.output = new SharedArrayBuffer(Math.max(8, outputBytes));
    this.ctl = new Int32Array(new SharedArrayBuffer(8));
    this.replyBytes = new Uint8Array(new SharedArrayBuffer(REPLY_BYTES));
    const workerData: WorkerData = { moduleUrl, ctl: this.ctl, reply: this.replyBytes, input: this.input, output: this.output };
    const startFailure = { ctl: this.ctl, state: CTL_STATE, length: CTL_LENGTH, failed: STATE_START_FAILED, bytes: this.replyBytes };
    this.worker = startModuleWorker(import.meta.url, 'gpuWorker', workerData, 'GPU worker', startFailure);
    this.worker.unref();
    this.wait('start');
  }

  private wait(what: string): unknown {
    const t0 = Date.now();
    while (Atomics.load(this.ctl, CTL_STATE) === STATE_PENDING) {
      if (Atomics.wait(this.ctl, CTL_STATE, STATE_PENDING, 1000) === 'timed-out' && Date.now() - t0 > this.timeoutMs) {
        throw new GpuCallError(`GPU worker: no reply to ${what} within ${this.timeoutMs / 1000} s`);
      }
    }
    const state = Atomics.load(this.ctl, CTL_STATE);
    const n = Atomics.load(this.ctl, CTL_LENGTH);
    const text = new TextDecoder().decode(this.replyBytes.slice(0, n));
    Atomics.store(this.ctl, CTL_STATE, STATE_PENDING);
    const value: unknown = text.length > 0 ? JSON.parse(text) : null;
    if (state !== STATE_OK) throw new GpuCallError(String(value));
    return value;
  }

  /** Sends a request and blocks until the worker answers; a failed request throws GpuCallError. */
  call<T = unknown>(req: Request): T {
    if (this.closed) throw new GpuCallError('GPU worker: channel closed');
    Atomics.store(this.ctl, CTL_STATE, STATE_PENDING);
    this.worker.postMessage(req);
    return this.wait(req.type) as T;
  }

  close(): void {
    if (this.closed) return;
    try {
      this.call({ type: 'close' });
    } catch {
      // the worker is gone already
    }
    this.closed = true;
    void this.worker.terminate();
  }
}
