/**
 * The implementation's process: COMMAND started once through the shell in a given folder
 * (docs/impl-protocol.md, "Transport"), with pipes for standard input, output and error.
 *
 * Guards: the process gets its own process group (`detached`), so that `kill()` ends the shell and
 * everything it started, not only the shell; every live process is killed when covcheck exits
 * (normal exit, an uncaught error, or `process.exit`); its pipes are unref'd so that a forgotten
 * implementation never keeps covcheck alive (a pending request's timer does, while it waits).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Socket } from 'node:net';

export interface ImplProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** SIGKILL to the whole process group (idempotent). */
  kill(): void;
  /** Resolves once the process has exited and its output streams are closed. */
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Why the shell could not be started (a missing folder), if so. */
  readonly spawnError: () => string | null;
}

const live = new Set<ImplProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of live) p.kill();
  });
}

export function startProcess(command: string, cwd: string, env: NodeJS.ProcessEnv): ImplProcess {
  installExitHook();
  const child = spawn(command, { shell: true, cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  let killed = false;
  let spawnError: string | null = null;
  const proc: ImplProcess = {
    spawnError: () => spawnError,
    child,
    kill() {
      if (killed || child.exitCode !== null || child.signalCode !== null) return;
      killed = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    },
    closed: new Promise((resolve) => {
      child.on('close', (code, signal) => {
        live.delete(proc);
        resolve({ code, signal });
      });
      // A spawn failure (no shell, no such folder): 'close' follows 'error'; kept for the message.
      child.on('error', (e) => (spawnError = e.message));
    }),
  };
  live.add(proc);
  // Writing to a process that has exited raises EPIPE on stdin: the exit is reported instead.
  child.stdin.on('error', () => undefined);
  child.unref();
  for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as Socket).unref?.();
  return proc;
}
