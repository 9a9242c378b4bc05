/**
 * Starts a worker thread on a module beside the caller, wherever covcheck runs from:
 *  - compiled (dist/…/x.js) or bundled (scripts/gpu/pack.sh: app/bin/x.js): `./<name>.js` beside the
 *    caller's module starts directly;
 *  - TypeScript sources (vitest, bin/run-ts.js, tsx): Node ≤ 22 does not pass the host's loader
 *    hooks to worker threads, so a small bootstrap registers tsx first, then imports `./<name>.ts`.
 * Used by the WebGPU engine's device worker (engines/webgpu/channel.ts) and the parallel batch
 * sampler (hltm/parallelSampler.ts). (The `--jobs` pool starts piscina's workers through its own
 * entry files, src/pool/entry.ts, the same two cases.)
 *
 * A worker that fails to load cannot answer a caller blocked on Atomics.wait through an event;
 * `startFailure` names a status word and a byte area in shared memory where the bootstrap stores the
 * message (JSON text), its length and a failed state, and wakes the caller.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Where a failed start is reported (shared memory the caller waits on). */
export interface StartFailureSlot {
  readonly ctl: Int32Array;
  /** Index of the status word in ctl, set to `failed` (and notified). */
  readonly state: number;
  /** Index in ctl of the message's length in bytes. */
  readonly length: number;
  readonly failed: number;
  readonly bytes: Uint8Array;
}

const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const boot = workerData.__moduleWorker;
import(boot.tsxApi)
  .then((m) => (m.register ?? m.default.register)())
  .then(() => import(boot.entry))
  .catch((e) => {
    const f = boot.startFailure;
    if (!f) throw e;
    const bytes = new TextEncoder().encode(JSON.stringify(boot.what + ' failed to start: ' + (e && e.message)));
    f.bytes.set(bytes.subarray(0, f.bytes.length));
    Atomics.store(f.ctl, f.length, Math.min(bytes.length, f.bytes.length));
    Atomics.store(f.ctl, f.state, f.failed);
    Atomics.notify(f.ctl, f.state);
  });
`;

/**
 * A Worker on `./<name>.js` (compiled) or `./<name>.ts` (sources) next to `callerUrl`
 * (the caller's `import.meta.url`), with `workerData`; `what` names it in a start failure.
 */
export function startModuleWorker(callerUrl: string, name: string, workerData: object, what: string, startFailure?: StartFailureSlot): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), { workerData });
  const tsxApi = pathToFileURL(join(dirname(createRequire(callerUrl).resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href;
  const boot = { tsxApi, entry: new URL(`./${name}.ts`, callerUrl).href, what, ...(startFailure ? { startFailure } : {}) };
  return new Worker(BOOTSTRAP, { eval: true, workerData: { ...workerData, __moduleWorker: boot } });
}
