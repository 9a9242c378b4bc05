/**
 * The isolated child's side (isolate.ts): a child process that receives one task over IPC, runs it
 * through executeTask, sends the reply and ends. Whatever the user code does to this process
 * (process.exit, an endless loop, a heap or buffer bomb, a native crash) stays here: the parent sees
 * the exit code, the signal or the silence, and names the cause.
 */
import { executeTask } from './execute.js';
import type { ChildMessage, TaskRequest } from './task.js';

const send = (m: ChildMessage): void => {
  process.send?.(m);
};

process.once('message', (m: { readonly request: TaskRequest }) => {
  void executeTask(m.request, (p) => send({ type: 'progress', fraction: p.fraction, ...(p.label !== undefined ? { label: p.label } : {}) })).then((reply) => {
    process.send?.({ type: 'reply', reply } satisfies ChildMessage, () => process.disconnect());
  });
});
