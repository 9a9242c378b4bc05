// Entry of pool workers and isolated children when covcheck runs from its TypeScript sources
// (vitest, bin/run-ts.js): Node starts a worker thread or child process with plain JavaScript and
// none of the host's loaders, so this file registers tsx first, then loads the TypeScript entry.
// The compiled package (dist/) starts threadEntry.js / childEntry.js directly (src/pool/entry.ts).
import { register } from 'tsx/esm/api';

register();
globalThis[Symbol.for('covcheck.pool.tsxRegistered')] = true;

// A child process (isolate.ts passes this flag): childEntry.ts runs its own message loop.
if (process.argv.includes('--covcheck-child')) void import('./childEntry.ts');

/** Piscina's handler in a worker thread. */
export default function handle(message) {
  return import('./threadEntry.ts').then((m) => m.default(message));
}
