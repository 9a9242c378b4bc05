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
import { crashFailure, thrownFailure, threadFailure } from './failure.js';
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
  /**
   * Task modules (file: URLs) every worker imports as soon as it starts (the registry of a verify
   * run). Given with jobs > 1, the workers start at once, while this thread still prepares the
   * run, instead of on the first task.
   */
  readonly preload?: readonly string[];
  /**
   * Called with a task's key when the pool hands it to a worker, in that order (the order startsBefore
   * decides). The task's own first instruction on its worker may come later, and on a loaded machine
   * two workers' first instructions can be in the other order.
   */
  readonly onDispatch?: (key: string) => void;
}

/** A task waiting for a free worker. */
interface Queued {
  readonly priority: number;
  readonly cost: number;
  readonly seq: number;
  readonly start: () => void;
  /** Settles the task unstarted (the pool closed). */
  readonly cancel: () => void;
}

/** Whether queued task a starts before b: higher priority, then costlier, then submitted first. */
export function startsBefore(a: Pick<Queued, 'priority' | 'cost' | 'seq'>, b: Pick<Queued, 'priority' | 'cost' | 'seq'>): boolean {
  return a.priority !== b.priority ? a.priority > b.priority : a.cost !== b.cost ? a.cost > b.cost : a.seq < b.seq;
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
  /**
   * Tasks wait here, not in piscina's first-in-first-out queue, so that each free worker takes the
   * task that should start first (startsBefore), also one submitted later.
   */
  private readonly queue: Queued[] = [];
  private running = 0;
  private submitted = 0;
  private pumpPending = false;

  constructor(private readonly options: PoolOptions) {
    if (!Number.isInteger(options.jobs) || options.jobs < 1) throw new RangeError(`WorkerPool: jobs must be an integer >= 1, got ${options.jobs}`);
    this.jobs = options.jobs;
    this.memoryMb = options.memoryMb ?? processHeapLimitMb();
    this.progress = new ProgressAggregator(options.onProgress);
    if (this.jobs > 1 && options.preload !== undefined) this.workers();
  }

  /** Runs one task; never rejects (a failure is an outcome). */
  run<R = unknown>(spec: TaskSpec): Promise<TaskOutcome<R>> {
    if (this.closed) throw new Error('WorkerPool: run after close');
    this.progress.add(spec.key);
    const request: TaskRequest = { key: spec.key, seed: taskSeed(this.options.seed ?? 0, spec.key), module: spec.module, export: spec.export, args: spec.args };
    const t0 = performance.now();
    const settled = this.jobs === 1 ? this.runHere(request) : this.whenFree(spec, () => this.runInWorker(request));
    return settled.then((o) => {
      this.progress.finish(spec.key);
      return { ...o, key: spec.key, ms: Math.round(performance.now() - t0) } as TaskOutcome<R>;
    });
  }

  /**
   * Runs every task and answers in the order given (keys must be unique). On workers, costlier
   * tasks start first (a better finish on N workers: startsBefore); that changes nothing but the
   * wall time.
   */
  async runAll<R = unknown>(specs: readonly TaskSpec[]): Promise<TaskOutcome<R>[]> {
    const seen = new Set<string>();
    for (const s of specs) {
      if (seen.has(s.key)) throw new Error(`WorkerPool.runAll: duplicate task key ${JSON.stringify(s.key)}`);
      seen.add(s.key);
    }
    return Promise.all(specs.map((s) => this.run<R>(s)));
  }

  /** Stops the workers (running tasks fail). Call once the run is done. */
  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queue.splice(0)) q.cancel();
    const p = this.piscina;
    this.piscina = null;
    if (p) await p.close({ force: true });
  }

  private runHere(request: TaskRequest): Promise<Settled> {
    const next = this.serial.then(() => executeTask(request, (p) => this.progress.update(request.key, p.fraction, p.label)));
    this.serial = next.catch(() => undefined);
    return next.then((reply) => this.fromReply(request.key, reply));
  }

  /** Starts `go` when a worker is free and it is the queued task that should start first. */
  private whenFree(spec: TaskSpec, go: () => Promise<Settled>): Promise<Settled> {
    return new Promise<Settled>((resolve) => {
      const start = (): void => {
        this.running++;
        this.options.onDispatch?.(spec.key);
        void go()
          .then(resolve)
          .finally(() => {
            this.running--;
            this.pump();
          });
      };
      const cancel = (): void => resolve({ ok: false, failure: crashFailure(`task ${spec.key}`, 'the pool was closed before it started') });
      this.queue.push({ priority: spec.priority ?? 0, cost: spec.cost ?? 1, seq: this.submitted++, start, cancel });
      // Tasks submitted in the same tick are ordered among themselves before any starts.
      if (!this.pumpPending) {
        this.pumpPending = true;
        queueMicrotask(() => ((this.pumpPending = false), this.pump()));
      }
    });
  }

  private pump(): void {
    while (!this.closed && this.running < this.jobs && this.queue.length > 0) {
      let best = 0;
      for (let i = 1; i < this.queue.length; i++) if (startsBefore(this.queue[i]!, this.queue[best]!)) best = i;
      this.queue.splice(best, 1)[0]!.start();
    }
  }

  /** The piscina pool, started on first use (or at construction with `preload`). */
  private workers(): Piscina {
    return (this.piscina ??= new Piscina({
      filename: threadEntryUrl(),
      // min = max: piscina replaces a worker that died (exit, out of memory, time limit) only up to
      // minThreads; with fewer, queued tasks could wait for a worker that never comes.
      minThreads: this.jobs,
      maxThreads: this.jobs,
      atomics: 'disabled',
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb },
      ...(this.options.preload !== undefined ? { workerData: { preload: [...this.options.preload] } } : {}),
    }));
  }

  private async runInWorker(request: TaskRequest): Promise<Settled> {
    const pool = this.workers();
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
