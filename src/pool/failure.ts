/**
 * What became of a task that returned no value, in one line naming the task and the cause: it threw,
 * its worker exited (process.exit inside a worker thread ends only that thread), ran out of memory or
 * crashed, or it ran past its time limit and was terminated. TaskError carries such a failure as an
 * exception; IsolationError is the InputError (exit 2) for user code (loss plugins) run isolated.
 */
import { InputError } from '../errors.js';
import type { ErrorData, FailureKind, TaskFailure, TaskOutcome } from './task.js';

/** The task itself threw. */
export function thrownFailure(key: string, error: ErrorData): TaskFailure {
  return { kind: 'threw', message: `task ${key} threw: ${error.message}`, error };
}

export function timeoutFailure(key: string, timeoutMs: number): TaskFailure {
  return { kind: 'timeout', message: `task ${key} ran past its time limit of ${timeoutMs} ms and was terminated` };
}

/** `who` names where the task ran: "worker for task K", "isolated process of task K". */
export function memoryFailure(who: string, memoryMb: number, what = 'heap'): TaskFailure {
  return { kind: 'out-of-memory', message: `${who} ran out of memory (limit ${memoryMb} MB ${what})` };
}

export function exitFailure(who: string, code: number | null, signal: string | null = null): TaskFailure {
  const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
  return { kind: 'exit', message: `${who} ${how} before returning a result (process.exit or a crash in the task?)` };
}

export function crashFailure(who: string, detail: string): TaskFailure {
  return { kind: 'crash', message: `${who} crashed: ${detail}` };
}

/** Piscina's rejection for a worker thread that exited during a task (pinned by test/pool.test.ts). */
const PISCINA_EXIT = /^worker exited with code: (-?\d+)/;

/** Classifies how a worker thread failed a task (the task's own throws come back as replies, not here). */
export function threadFailure(key: string, e: unknown, limits: { readonly memoryMb: number; readonly timeoutMs: number | null; readonly timedOut: boolean }): TaskFailure {
  if (limits.timedOut && limits.timeoutMs !== null) return timeoutFailure(key, limits.timeoutMs);
  const err = e as { code?: unknown; message?: unknown };
  const message = typeof err?.message === 'string' ? err.message : String(e);
  const who = `worker for task ${key}`;
  if (err?.code === 'ERR_WORKER_OUT_OF_MEMORY') return memoryFailure(who, limits.memoryMb);
  const exit = PISCINA_EXIT.exec(message);
  if (exit) return exitFailure(who, Number(exit[1]));
  return crashFailure(who, message);
}

/** A failed task as an exception (programmatic callers that want a value or a throw). */
export class TaskError extends Error {
  readonly key: string;
  readonly kind: FailureKind;
  readonly failure: TaskFailure;
  constructor(key: string, failure: TaskFailure) {
    super(failure.message);
    this.name = 'TaskError';
    this.key = key;
    this.kind = failure.kind;
    this.failure = failure;
  }
}

/**
 * User code that failed in isolation: exit 2 at the CLI, naming the plugin (the `field`) and the
 * cause. A plugin's own PluginError (NaN result, wrong shape) keeps its field and message.
 */
export class IsolationError extends InputError {
  readonly kind: FailureKind;
  constructor(subject: string, kind: FailureKind, message: string) {
    super(subject, message);
    this.name = 'IsolationError';
    this.kind = kind;
  }
}

/** The value of an outcome, or a TaskError. */
export function valueOf<R>(outcome: TaskOutcome<R>): R {
  if (outcome.ok) return outcome.value;
  throw new TaskError(outcome.key, outcome.failure);
}

/** One line per failed task, in the outcomes' (canonical) order: what the run prints. */
export function failureLines(outcomes: readonly TaskOutcome[]): string[] {
  return outcomes.flatMap((o) => (o.ok ? [] : [o.failure.message]));
}
