#!/usr/bin/env node
// `npm start`, `npm test` and `npm run bench` run this first: it compiles the TypeScript to dist/
// (`tsc -p tsconfig.build.json`, incremental) only when a source or config file is newer than the
// last build, so an up-to-date dist/ costs a file walk (~10 ms) rather than tsc's own check (~2 s).
import { rmSync, utimesSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import freshness from './dist-freshness.cjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = freshness.stampOf(root);

if (!freshness.distIsFresh(root)) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (r.status !== 0) {
    // tsc wrote its build stamp with the errors: remove it, so that the next run builds (and fails) again
    // rather than take dist/ for fresh (npm test's type check reads src/ through dist/'s declarations).
    rmSync(stamp, { force: true });
    process.exit(r.status ?? 1);
  }
  const now = new Date();
  utimesSync(stamp, now, now); // tsc leaves it untouched when nothing changed
}
