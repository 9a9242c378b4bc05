/**
 * The worker-thread side of the pool: piscina calls this default export with each task (the request
 * and a MessagePort for its progress). The compiled package starts this file directly; from the
 * TypeScript sources, sourceEntry.mjs registers tsx and forwards here.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { executeTask, importOnce } from './execute.js';
import { STARTED, type TaskReply, type TaskRequest } from './task.js';

export interface ThreadMessage {
  readonly request: TaskRequest;
  readonly port: MessagePort;
}

// PoolOptions.preload: the modules the pool's tasks will need start loading now, while the worker
// waits for its first task (not awaited: a module that fails to load fails the task that needs it).
const preload = (workerData as { preload?: unknown } | null | undefined)?.preload;
if (Array.isArray(preload)) for (const url of preload) if (typeof url === 'string') importOnce(url).catch(() => undefined);

export default async function handle(message: ThreadMessage): Promise<TaskReply> {
  try {
    message.port.postMessage(STARTED); // the task's time limit starts now, not while it queued
    return await executeTask(message.request, (p) => message.port.postMessage(p));
  } finally {
    message.port.close();
  }
}
