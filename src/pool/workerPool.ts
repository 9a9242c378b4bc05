/**
 * The worker pool behind `--jobs N` (docs/scale.md), on piscina (worker threads): up to N tasks run
 * at once, each in a worker that loads the task's module itself; `jobs 1` runs the tasks in this
 * thread, one after the other, as covcheck always did. Results never depend on N or on scheduling:
 * a task's seed comes from its key (taskSeed.ts), and `runAll` answers in the order it was given
 * (the caller's canonical order: registry order, sorted keys), whatever order the tasks finish in.
 *
 * A worker that throws, exits, runs out of heap or crashes fails its own task with the cause; the
 * other tasks go on in fresh workers. A task over `timeoutMs` is terminated (its worker with it).
 * Heap limits of worker threads are best effort (a few allocation shapes abort the whole process:
 * nodejs/node#47224): user code therefore runs in a child process, isolate.ts.
 */
import { MessageChannel } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import { Piscina } from 'piscina';
import { threadEntryUrl } from './entry.js';
import { executeTask } from './execute.js';
import { thrownFailure, threadFailure } from './failure.js';
import { ProgressAggregator, type PoolProgress } from './progress.js';
import { taskSeed } from './taskSeed.js';
import { STARTED, type ProgressMessage, type TaskFailure, type TaskOutcome, type TaskReply, type TaskRequest, type TaskSpec } from './task.js';
import type { ThreadMessage } from './threadEntry.js';

/** An outcome before its key and time are added. */
type Settled = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly failure: TaskFailure };

export interface PoolOptions {
  /** Workers at once (--jobs); 1 runs in this thread (no time or memory limit can apply there). */
  readonly jobs: number;
  /** The run's seed: each task's ctx.seed is taskSeed(seed, key). Default 0. */
  readonly seed?: number;
  /** Heap limit of each worker in MB (maxOldGenerationSizeMb); default: this process's heap limit. */
  readonly memoryMb?: number;
  /** Time limit of each task in ms (the worker is terminated); default: none. */
  readonly timeoutMs?: number;
  /** Aggregated progress over every task submitted (tasks as units). */
  readonly onProgress?: PoolProgress;
}

/** This process's V8 heap limit in MB (the default per-worker limit: a worker may use what we may). */
export function processHeapLimitMb(): number {
  return Math.round(getHeapStatistics().heap_size_limit / 2 ** 20);
}

export class WorkerPool {
  readonly jobs: number;
  readonly memoryMb: number;
  private readonly progress: ProgressAggregator;
  private piscina: Piscina | null = null;
  /** In-process tasks run one at a time, in submission order. */
  private serial: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    if (!Number.isInteger(options.jobs) || options.jobs < 1) throw new RangeError(`WorkerPool: jobs must be an integer >= 1, got ${options.jobs}`);
    this.jobs = options.jobs;
    this.memoryMb = options.memoryMb ?? processHeapLimitMb();
    this.progress = new ProgressAggregator(options.onProgress);
  }

  /** Runs one task; never rejects (a failure is an outcome). */
  run<R = unknown>(spec: TaskSpec): Promise<TaskOutcome<R>> {
    if (this.closed) throw new Error('WorkerPool: run after close');
    this.progress.add(spec.key);
    const request: TaskRequest = { key: spec.key, seed: taskSeed(this.options.seed ?? 0, spec.key), module: spec.module, export: spec.export, args: spec.args };
    const t0 = performance.now();
    const settled = this.jobs === 1 ? this.runHere(request) : this.runInWorker(request);
    return settled.then((o) => {
      this.progress.finish(spec.key);
      return { ...o, key: spec.key, ms: Math.round(performance.now() - t0) } as TaskOutcome<R>;
    });
  }

  /**
   * Runs every task and answers in the order given (keys must be unique). Costlier tasks are
   * started first (a better finish on N workers); that changes nothing but the wall time.
   */
  async runAll<R = unknown>(specs: readonly TaskSpec[]): Promise<TaskOutcome<R>[]> {
    const seen = new Set<string>();
    for (const s of specs) {
      if (seen.has(s.key)) throw new Error(`WorkerPool.runAll: duplicate task key ${JSON.stringify(s.key)}`);
      seen.add(s.key);
    }
    const order = specs.map((s, i) => ({ s, i }));
    if (this.jobs > 1) order.sort((a, b) => (b.s.cost ?? 1) - (a.s.cost ?? 1) || a.i - b.i);
    const out = new Array<Promise<TaskOutcome<R>>>(specs.length);
    for (const { s, i } of order) out[i] = this.run<R>(s);
    return Promise.all(out);
  }

  /** Stops the workers (running tasks fail). Call once the run is done. */
  async close(): Promise<void> {
    this.closed = true;
    const p = this.piscina;
    this.piscina = null;
    if (p) await p.close({ force: true });
  }

  private runHere(request: TaskRequest): Promise<Settled> {
    const next = this.serial.then(() => executeTask(request, (p) => this.progress.update(request.key, p.fraction, p.label), { typescript: 'never' }));
    this.serial = next.catch(() => undefined);
    return next.then((reply) => this.fromReply(request.key, reply));
  }

  private async runInWorker(request: TaskRequest): Promise<Settled> {
    const pool = (this.piscina ??= new Piscina({
      filename: threadEntryUrl(),
      // min = max: piscina replaces a worker that died (exit, out of memory, time limit) only up to
      // minThreads; with fewer, queued tasks could wait for a worker that never comes.
      minThreads: this.jobs,
      maxThreads: this.jobs,
      atomics: 'disabled',
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb },
    }));
    const abort = new AbortController();
    const timeoutMs = this.options.timeoutMs ?? null;
    let timedOut = false;
    let timer: NodeJS.Timeout | null = null;
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (m: ProgressMessage | typeof STARTED) => {
      if (m === STARTED) {
        if (timeoutMs !== null) timer = setTimeout(() => ((timedOut = true), abort.abort()), timeoutMs);
      } else this.progress.update(request.key, m.fraction, m.label);
    });
    try {
      const message: ThreadMessage = { request, port: port2 };
      const reply = (await pool.run(message, { transferList: [port2], signal: abort.signal })) as TaskReply;
      return this.fromReply(request.key, reply);
    } catch (e) {
      return { ok: false, failure: threadFailure(request.key, e, { memoryMb: this.memoryMb, timeoutMs, timedOut }) };
    } finally {
      if (timer) clearTimeout(timer);
      port1.close();
    }
  }

  private fromReply(key: string, reply: TaskReply): Settled {
    return reply.ok ? { ok: true, value: reply.value } : { ok: false, failure: thrownFailure(key, reply.error) };
  }
}

/** Runs `fn` with a pool and closes it afterwards, also when `fn` throws. */
export async function withPool<T>(options: PoolOptions, fn: (pool: WorkerPool) => Promise<T>): Promise<T> {
  const pool = new WorkerPool(options);
  try {
    return await fn(pool);
  } finally {
    await pool.close();
  }
}
