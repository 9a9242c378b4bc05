/**
 * The resident memory (RSS) of another process, for the memory limit of isolated children: V8's heap
 * limit (--max-old-space-size) does not count ArrayBuffers, typed arrays or wasm memory, so a
 * buffer bomb would grow past it unseen. Linux only (/proc/<pid>/status, VmRSS in kB); elsewhere
 * null, and the heap limit is the only one (docs/scale.md).
 */
import { readFile } from 'node:fs/promises';

export async function residentMb(pid: number): Promise<number | null> {
  if (process.platform !== 'linux') return null;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null; // the process has gone
  }
}

/** Calls `onExceeded(rssMb)` once when the process's RSS passes limitMb; sampled every intervalMs. Returns a stop function. */
export function watchResidentMemory(pid: number, limitMb: number, onExceeded: (rssMb: number) => void, intervalMs = 50): () => void {
  let stopped = false;
  let busy = false;
  const timer = setInterval(() => {
    if (busy || stopped) return;
    busy = true;
    void residentMb(pid).then((mb) => {
      busy = false;
      if (!stopped && mb !== null && mb > limitMb) {
        stopped = true;
        clearInterval(timer);
        onExceeded(mb);
      }
    });
  }, intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
