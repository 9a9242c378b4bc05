/**
 * Which file a worker thread or an isolated child starts with. From the compiled package
 * (dist/…/pool/*.js) that is the compiled entry itself. From the TypeScript sources (vitest, tsx) it
 * is the compiled entry too when dist/ is up to date with the sources (bin/dist-freshness.cjs, the
 * test the build uses): a task then names covcheck's modules by their .ts URLs and the worker loads
 * their compiled twins (moduleUrl.ts), which spares each worker tsx's start and the transpiling of
 * every module (≈ 0.4 s of CPU per worker, measured on Node 20.20). When dist/ is missing or older
 * than a source it is sourceEntry.mjs, plain JavaScript that registers tsx before loading the .ts
 * entry (Node ≤ 22 does not pass the host's loader hooks, --import or register(), to worker threads).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** The package folder (this file is src/pool/entry.ts, or dist/src/pool/entry.js). */
const ROOT = new URL(FROM_SOURCE ? '../../' : '../../../', import.meta.url);

let distChecked: boolean | undefined;

/** From the sources: whether dist/ is up to date with them (checked once per thread: a file walk, ≈ 10 ms). */
function compiledTwinIsFresh(): boolean {
  if (distChecked === undefined) {
    try {
      const { distIsFresh } = createRequire(import.meta.url)(fileURLToPath(new URL('bin/dist-freshness.cjs', ROOT))) as { distIsFresh: (root: string) => boolean };
      distChecked = distIsFresh(fileURLToPath(ROOT));
    } catch {
      distChecked = false;
    }
  }
  return distChecked;
}

/** Whether this is the compiled package (entries are .js files beside this one). */
export function entryIsCompiled(): boolean {
  return !FROM_SOURCE;
}

/** Whether workers and children start from compiled entries: the compiled package, or sources whose dist/ is up to date. */
export function workersRunCompiled(): boolean {
  return !FROM_SOURCE || compiledTwinIsFresh();
}

/** The argument that tells sourceEntry.mjs it runs as an isolated child. */
export const CHILD_FLAG = '--covcheck-child';

/** The compiled pool entry `name` (threadEntry.js, childEntry.js). */
function compiled(name: string): string {
  return (FROM_SOURCE ? new URL(`dist/src/pool/${name}`, ROOT) : new URL(`./${name}`, import.meta.url)).href;
}

/** The file: URL piscina starts each worker thread with. */
export function threadEntryUrl(): string {
  return workersRunCompiled() ? compiled('threadEntry.js') : new URL('./sourceEntry.mjs', import.meta.url).href;
}

/** The file: URL and argv an isolated child process starts with. */
export function childEntry(): { readonly url: string; readonly argv: readonly string[] } {
  return workersRunCompiled() ? { url: compiled('childEntry.js'), argv: [] } : { url: new URL('./sourceEntry.mjs', import.meta.url).href, argv: [CHILD_FLAG] };
}
