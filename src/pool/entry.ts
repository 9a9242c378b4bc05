/**
 * Which file a worker thread or an isolated child starts with. From the compiled package
 * (dist/…/pool/*.js) that is the compiled entry itself; from the TypeScript sources (vitest, tsx) it
 * is sourceEntry.mjs, plain JavaScript that registers tsx before loading the .ts entry (Node ≤ 22
 * does not pass the host's loader hooks, --import or register(), to worker threads: measured on
 * Node 20.20).
 */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** Whether this is the compiled package (entries are .js files beside this one). */
export function entryIsCompiled(): boolean {
  return !FROM_SOURCE;
}

/** The argument that tells sourceEntry.mjs it runs as an isolated child. */
export const CHILD_FLAG = '--covcheck-child';

/** The file: URL piscina starts each worker thread with. */
export function threadEntryUrl(): string {
  return new URL(FROM_SOURCE ? './sourceEntry.mjs' : './threadEntry.js', import.meta.url).href;
}

/** The file: URL and argv an isolated child process starts with. */
export function childEntry(): { readonly url: string; readonly argv: readonly string[] } {
  return FROM_SOURCE ? { url: new URL('./sourceEntry.mjs', import.meta.url).href, argv: [CHILD_FLAG] } : { url: new URL('./childEntry.js', import.meta.url).href, argv: [] };
}
