/**
 * Runs one TaskRequest in whatever thread or process this is: imports the task module (once per
 * module and thread), calls its export with (args, ctx) and returns a TaskReply: the value, or what
 * it threw as plain data (name, message, an InputError's field). The in-process path, the
 * worker-thread entry and the isolated child entry all go through here, so a task behaves the same
 * wherever it runs.
 */
import type { ErrorData, ProgressMessage, TaskContext, TaskReply, TaskRequest } from './task.js';
import { moduleUrl } from './moduleUrl.js';
import { entryIsCompiled } from './entry.js';

/** Least time between two progress messages of one task (the bar redraws at 10 fps anyway). */
export const PROGRESS_INTERVAL_MS = 100;

const TSX_FLAG = Symbol.for('covcheck.pool.tsxRegistered');

const TS_MODULE = /\.[cm]?tsx?$/;

const modules = new Map<string, Promise<Record<string, unknown>>>();

/** Runs the request; never throws (a throw of the task is the reply's error). */
export async function executeTask(request: TaskRequest, post: (p: ProgressMessage) => void): Promise<TaskReply> {
  try {
    const mod = await importOnce(request.module);
    const fn = mod[request.export];
    if (typeof fn !== 'function') throw new Error(`task module ${request.module} exports no function '${request.export}'`);
    const ctx: TaskContext = { key: request.key, seed: request.seed, progress: throttled(post) };
    return { ok: true, value: await (fn as (a: unknown, c: TaskContext) => unknown)(request.args, ctx) };
  } catch (e) {
    return { ok: false, error: errorData(e) };
  }
}

/** The fields of a thrown value that survive a thread or process boundary. */
export function errorData(e: unknown): ErrorData {
  if (e instanceof Error) {
    const field = (e as { field?: unknown }).field;
    return { name: e.name, message: e.message, ...(typeof field === 'string' ? { field } : {}), ...(e.stack ? { stack: e.stack } : {}) };
  }
  return { name: 'Error', message: `a non-Error value was thrown: ${String(e)}` };
}

async function registerTypeScript(): Promise<void> {
  const g = globalThis as Record<symbol, unknown>;
  if (g[TSX_FLAG]) return;
  g[TSX_FLAG] = true;
  const { register } = await import('tsx/esm/api');
  register();
}

/**
 * The module at `url`, imported once per thread (a failed import is tried again next time). In a
 * thread that runs compiled code, covcheck's own .ts modules load as their compiled twins
 * (moduleUrl.ts) and any other .ts module (a test fixture, a user's check list) registers tsx first:
 * Node starts workers and children without the host's loaders, and registering costs about 0.3 s,
 * so only where TypeScript is loaded. (Users' .ts loss plugins load through tsx's own tsImport:
 * src/losses/plugin/load.ts.) A thread that runs the sources has its host's loader (vitest, or
 * sourceEntry.mjs).
 */
export function importOnce(url: string): Promise<Record<string, unknown>> {
  let p = modules.get(url);
  if (!p) {
    const at = moduleUrl(url);
    p = (entryIsCompiled() && TS_MODULE.test(at) ? registerTypeScript() : Promise.resolve()).then(() => import(at) as Promise<Record<string, unknown>>);
    modules.set(url, p);
    p.catch(() => modules.delete(url));
  }
  return p;
}

/** A progress function that clamps to [0, 1] and posts at most every PROGRESS_INTERVAL_MS. */
function throttled(post: (p: ProgressMessage) => void): TaskContext['progress'] {
  let last = Number.NEGATIVE_INFINITY;
  return (fraction, label) => {
    const now = performance.now();
    if (now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
    post(label === undefined ? { fraction: f } : { fraction: f, label });
  };
}
