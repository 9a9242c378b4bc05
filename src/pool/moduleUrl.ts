/**
 * The URL a worker imports for a task's module. From the sources (vitest) a task names covcheck's
 * own modules by their .ts URLs; a worker started from the compiled entry (entry.ts: dist/ is up to
 * date) imports their compiled twins under dist/ instead, so it needs no TypeScript loader. Any
 * other URL (a test fixture, a user's file) is imported as it is (.ts ones through tsx). Sources
 * name each other .js (TypeScript's ES module convention), so both spellings map:
 *
 *   <root>/src/a/b.ts  or  <root>/src/a/b.js   →  <root>/dist/src/a/b.js
 *   <root>/properties/c.ts                     →  <root>/dist/properties/c.js
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { entryIsCompiled } from './entry.js';

/** The package folder and its dist/ (compiled, this file is dist/src/pool/moduleUrl.js). */
const PACKAGE = new URL('../../../', import.meta.url).href;
const DIST = new URL('../../', import.meta.url).href;
const OWN = /^(src|properties)\/.+(?<!\.d)\.(ts|js)$/;

const twins = new Map<string, string>();

/** `url`, or its compiled twin when this thread runs compiled code and the twin exists. */
export function moduleUrl(url: string): string {
  if (!entryIsCompiled() || !url.startsWith(PACKAGE)) return url;
  let out = twins.get(url);
  if (out === undefined) {
    const rel = url.slice(PACKAGE.length);
    const twin = OWN.test(rel) ? `${DIST}${rel.replace(/\.ts$/, '.js')}` : url;
    out = twin !== url && existsSync(fileURLToPath(twin)) ? twin : url;
    twins.set(url, out);
  }
  return out;
}
