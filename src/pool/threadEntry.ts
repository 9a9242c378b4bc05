/**
 * The worker-thread side of the pool: piscina calls this default export with each task (the request
 * and a MessagePort for its progress). The compiled package starts this file directly; from the
 * TypeScript sources, sourceEntry.mjs registers tsx and forwards here.
 */
import type { MessagePort } from 'node:worker_threads';
import { executeTask } from './execute.js';
import { STARTED, type TaskReply, type TaskRequest } from './task.js';

export interface ThreadMessage {
  readonly request: TaskRequest;
  readonly port: MessagePort;
}

export default async function handle(message: ThreadMessage): Promise<TaskReply> {
  try {
    message.port.postMessage(STARTED); // the task's time limit starts now, not while it queued
    return await executeTask(message.request, (p) => message.port.postMessage(p), { typescript: 'ts-modules' });
  } finally {
    message.port.close();
  }
}
