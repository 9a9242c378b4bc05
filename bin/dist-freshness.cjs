// Whether dist/ (tsc -p tsconfig.build.json) is up to date with the TypeScript sources: its build
// stamp (dist/.tsbuildinfo) is at least as new as every source file, folder and config file.
// bin/build-if-stale.js rebuilds when it is not; from the sources (vitest), pool workers and isolated
// children start from dist/ when it is (src/pool/entry.ts), which saves tsx's start in each.
// CommonJS so that both an ES module and a synchronous require can load it.
'use strict';
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

/** Newest modification time (ms) of the files under `dir` whose names pass `keep`, and of its folders (a file added or removed). */
function newest(dir, keep) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, statSync(p).mtimeMs, newest(p, keep));
    else if (keep(e.name)) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

const source = (name) => name.endsWith('.ts') && !name.endsWith('.test.ts');

/** The build stamp tsc's incremental build writes. */
function stampOf(root) {
  return join(root, 'dist', '.tsbuildinfo');
}

/** True when dist/ under `root` (the package folder) is at least as new as every input of the build. */
function distIsFresh(root) {
  const stamp = stampOf(root);
  if (!existsSync(stamp)) return false;
  const inputs = Math.max(
    newest(join(root, 'src'), source),
    newest(join(root, 'properties'), source),
    ...['package.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) => statSync(join(root, f)).mtimeMs),
  );
  return statSync(stamp).mtimeMs >= inputs;
}

module.exports = { distIsFresh, stampOf };
