/**
 * covcheck's own folder (the one holding its package.json), found by walking up from this module:
 * the same answer from the TypeScript sources (src/cli/, under vitest) and from the compiled
 * package (dist/src/cli/), where a fixed `new URL('../../', import.meta.url)` would differ.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface PackageJson {
  readonly name?: string;
  readonly version?: string;
}

let cached: { readonly root: string; readonly pkg: PackageJson } | undefined;

function find(): { readonly root: string; readonly pkg: PackageJson } {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
      if (pkg.name === 'covcheck') return (cached = { root: dir, pkg });
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`covcheck's package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** The absolute path of covcheck's package folder. */
export function packageRoot(): string {
  return find().root;
}

/** covcheck's version from its package.json. */
export function packageVersion(): string {
  return find().pkg.version ?? '0.0.0';
}
