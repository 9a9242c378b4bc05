/**
 * User code isolated (issue 8 §2): loss plugins, and corpus files that name one, run in a child
 * process with a time and a memory limit, so that whatever the code does (process.exit, an endless
 * loop, an allocation bomb, a throw, a wrong result) ends as an IsolationError (exit 2) naming it,
 * within the limit, and never takes the run down or hangs it. A child process rather than a worker
 * thread: a worker's heap limit is best effort (some allocation shapes abort the whole process,
 * nodejs/node#47224) and a child also bounds buffers, wasm memory and native crashes.
 *
 * The unit is a whole task (e.g. "run the loss checks of plugin P"), not each loss call: the child
 * loads the task module and the plugin once and runs everything there, reporting progress.
 * Limits: time from the child's start (loading included) to its reply, or with `startMs` from the
 * task's own start (the user's code loading included); memory as the child's V8
 * heap (--max-old-space-size) and, on Linux, its resident size (residentMemory.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childEntry } from './entry.js';
import { crashFailure, exitFailure, IsolationError, memoryFailure, thrownFailure, timeoutFailure } from './failure.js';
import { watchResidentMemory } from './residentMemory.js';
import { taskSeed } from './taskSeed.js';
import { TASK_STARTED, type ChildMessage, type TaskFailure, type TaskOutcome, type TaskReply, type TaskRequest, type TaskSpec } from './task.js';

export interface IsolationOptions {
  /** Who the code is, for messages and the error's field: "loss plugin ./my-loss.ts". */
  readonly subject: string;
  /** Wall-clock limit from the child's start to its reply (ms). */
  readonly timeoutMs: number;
  /** Memory limit (MB): the child's V8 heap, and on Linux its resident size. */
  readonly memoryMb: number;
  /** The run's seed (ctx.seed = taskSeed(seed, key)); default 0. */
  readonly seed?: number;
  readonly onProgress?: (fraction: number, label?: string) => void;
  /** Also limit the resident size (Linux; default true). False leaves the heap limit alone, as elsewhere. */
  readonly watchResident?: boolean;
  /**
   * When given, `timeoutMs` counts from the task's own start (its first progress message labelled
   * TASK_STARTED, sent once Node, the loaders and the task module are up), and that start may take
   * at most this long (ms): a busy machine's slow start is not charged to the user's code.
   */
  readonly startMs?: number;
}

/** How long a child that has replied may take to exit before it is killed. */
const EXIT_GRACE_MS = 2000;
/** Kept of the child's stderr (its tail): the heap-out-of-memory report is recognised in it. */
const STDERR_KEEP = 16_384;
const V8_HEAP_OOM = /JavaScript heap out of memory|Allocation failed/;

/** Runs the task isolated and returns its value; any failure is an IsolationError naming the subject. */
export async function runIsolated<R = unknown>(spec: TaskSpec, options: IsolationOptions): Promise<R> {
  const outcome = await isolatedOutcome<R>(spec, options);
  if (outcome.ok) return outcome.value;
  throw isolationError(options.subject, outcome.failure);
}

/** The IsolationError of a failure: a throw that named a field (a PluginError) keeps its field and text. */
export function isolationError(subject: string, failure: TaskFailure): IsolationError {
  const e = failure.error;
  if (failure.kind === 'threw' && e?.field !== undefined && e.message.startsWith(`${e.field}: `)) {
    return new IsolationError(e.field, 'threw', e.message.slice(e.field.length + 2));
  }
  const text = failure.kind === 'threw' && e ? `threw ${e.name}: ${e.message}` : failure.message;
  return new IsolationError(subject, failure.kind, text);
}

/** Children still running, killed if this process exits first (an endless loop would outlive us). */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  live.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
}

/** Runs the task in a child process; never rejects (a failure is the outcome). */
export function isolatedOutcome<R = unknown>(spec: TaskSpec, options: IsolationOptions): Promise<TaskOutcome<R>> {
  const key = spec.key;
  const request: TaskRequest = { key, seed: taskSeed(options.seed ?? 0, key), module: spec.module, export: spec.export, args: spec.args };
  const who = `isolated process of task ${key}`;
  const entry = childEntry();
  const t0 = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const settle = (o: TaskOutcome<R>): void => {
      if (settled) return;
      settled = true;
      live.delete(child);
      resolve(o);
    };
    const child = fork(fileURLToPath(entry.url), [...entry.argv], {
      execArgv: [`--max-old-space-size=${options.memoryMb}`],
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let reply: TaskReply | null = null;
    let verdict: TaskFailure | null = null; // a limit the parent enforced (timeout, resident memory)
    let channelError: string | null = null;
    let stderr = '';
    const kill = (why: TaskFailure): void => {
      verdict ??= why;
      child.kill('SIGKILL');
    };
    // The user's console output goes to our stderr: stdout stays for --json reports.
    child.stdout?.on('data', (d: Buffer) => process.stderr.write(d));
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-STDERR_KEEP);
    });
    const onTime = (): void => kill(timeoutFailure(key, options.timeoutMs));
    let timer = setTimeout(onTime, options.timeoutMs + (options.startMs ?? 0));
    let started = options.startMs === undefined;
    const stopWatch =
      child.pid === undefined || options.watchResident === false
        ? () => {}
        : watchResidentMemory(child.pid, options.memoryMb, (mb) => kill(memoryFailure(who, options.memoryMb, `resident; reached ${Math.round(mb)} MB`)));
    let graceTimer: NodeJS.Timeout | null = null;
    const cleanUp = (): void => {
      clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      stopWatch();
    };
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'progress' && m.label === TASK_STARTED) {
        if (!started && reply === null) {
          started = true;
          clearTimeout(timer);
          timer = setTimeout(onTime, options.timeoutMs);
        }
      } else if (m.type === 'progress') options.onProgress?.(m.fraction, m.label);
      else if (m.type === 'reply' && reply === null) {
        reply = m.reply;
        clearTimeout(timer);
        graceTimer = setTimeout(() => child.kill('SIGKILL'), EXIT_GRACE_MS);
      }
    });
    child.on('error', (e) => {
      if (child.pid === undefined) {
        // Never started: no 'close' follows.
        cleanUp();
        settle({ key, ok: false, failure: crashFailure(who, `could not start a child process: ${e.message}`), ms: Math.round(performance.now() - t0) });
        return;
      }
      channelError ??= e.message;
      child.kill('SIGKILL');
    });
    // 'close', not 'exit': stderr is complete then (the heap-out-of-memory report is read from it).
    child.on('close', (code, signal) => {
      cleanUp();
      const ms = Math.round(performance.now() - t0);
      const oom = V8_HEAP_OOM.test(stderr);
      if (!oom && stderr !== '') process.stderr.write(stderr);
      if (reply !== null && verdict === null) {
        const r: TaskReply = reply;
        settle(r.ok ? { key, ok: true, value: r.value as R, ms } : { key, ok: false, failure: thrownFailure(key, r.error), ms });
        return;
      }
      const failure =
        verdict ?? (oom ? memoryFailure(who, options.memoryMb) : channelError !== null ? crashFailure(who, `lost its channel to covcheck (${channelError})`) : exitFailure(who, code, signal));
      settle({ key, ok: false, failure, ms });
    });
    if (child.pid !== undefined) {
      track(child);
      child.send({ request });
    }
  });
}
