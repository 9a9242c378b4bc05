#!/usr/bin/env node
// `npm start`, `npm test` and `npm run bench` run this first: it compiles the TypeScript to dist/
// (`tsc -p tsconfig.build.json`, incremental) only when a source or config file is newer than the
// last build, so an up-to-date dist/ costs a file walk (~10 ms) rather than tsc's own check (~2 s).
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.tsbuildinfo');

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
const inputs = Math.max(
  newest(join(root, 'src'), source),
  newest(join(root, 'properties'), source),
  ...['package.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) => statSync(join(root, f)).mtimeMs),
);
if (!existsSync(stamp) || statSync(stamp).mtimeMs < inputs) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  const now = new Date();
  utimesSync(stamp, now, now); // tsc leaves it untouched when nothing changed
}
