/**
 * A task of the worker pool (docs/scale.md): one independent unit of a run (a check of `verify`, a
 * training run seed × setting of C11/C12, a cell of `sweep`), named by a stable key and carried out
 * by an exported function of a task module. Only data crosses to a worker: the module's URL, the
 * export's name and structured-cloneable arguments; the function runs wherever the pool puts it
 * (in-process, a worker thread, an isolated child process) and must not depend on which.
 */

/** What a task function gets besides its arguments. */
export interface TaskContext {
  /** The task's stable key (unique within a run). */
  readonly key: string;
  /** taskSeed(run seed, key): derived from the task's identity, never from its order or worker. */
  readonly seed: number;
  /** Reports a fraction done (0..1) and a short label; throttled and aggregated by the pool. */
  progress(fraction: number, label?: string): void;
}

/** The shape of a task module's export: plain data in, structured-cloneable data out. */
export type TaskFunction<A = never, R = unknown> = (args: A, ctx: TaskContext) => R | Promise<R>;

/** One task to run. */
export interface TaskSpec<A = unknown> {
  /** Stable identity: a check id, "settingKey#seed", a sweep cell key. */
  readonly key: string;
  /** file: URL (or absolute path) of the task module; .ts modules load through tsx in workers. */
  readonly module: string;
  /** Name of the exported TaskFunction. */
  readonly export: string;
  readonly args: A;
  /** Relative cost estimate (progress weight, shard balance, start order); default 1. */
  readonly cost?: number;
  /**
   * Start order when workers are busy: a higher priority starts first (default 0), then the
   * costlier, then the one submitted first. Tasks that others wait on (a sequential design's
   * training runs) get a higher one. Changes nothing but the wall time.
   */
  readonly priority?: number;
}

/** Why a task did not return a value. */
export type FailureKind = 'threw' | 'exit' | 'out-of-memory' | 'timeout' | 'crash';

/** An error as it crosses a thread or process boundary (class identity is lost, these fields are kept). */
export interface ErrorData {
  readonly name: string;
  readonly message: string;
  /** InputError's field (the flag or plugin it names). */
  readonly field?: string;
  readonly stack?: string;
}

export interface TaskFailure {
  readonly kind: FailureKind;
  /** One line naming the task and the cause, e.g. "worker for task K ran out of memory (limit 512 MB)". */
  readonly message: string;
  /** What the task threw (kind 'threw'). */
  readonly error?: ErrorData;
}

/** The result of one task, whatever became of it. */
export type TaskOutcome<R = unknown> =
  | { readonly key: string; readonly ok: true; readonly value: R; readonly ms: number }
  | { readonly key: string; readonly ok: false; readonly failure: TaskFailure; readonly ms: number };

/** The message that carries a task to wherever it runs. */
export interface TaskRequest {
  readonly key: string;
  readonly seed: number;
  readonly module: string;
  readonly export: string;
  readonly args: unknown;
}

/** What comes back from a worker or child: the value, or what the task threw. */
export type TaskReply = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: ErrorData };

/** A progress message from a worker or child. */
export interface ProgressMessage {
  readonly fraction: number;
  readonly label?: string;
}

/** The first message of a task in a worker: it left the queue and runs (its time limit starts). */
export const STARTED = 'started';

/** The label of the progress message a task sends first when its time limit starts there (IsolationOptions.startMs). */
export const TASK_STARTED = 'task started';

/** What an isolated child sends its parent (isolate.ts ← childEntry.ts). */
export type ChildMessage =
  | { readonly type: 'progress'; readonly fraction: number; readonly label?: string }
  | { readonly type: 'reply'; readonly reply: TaskReply };
