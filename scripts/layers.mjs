#!/usr/bin/env node
// Prints the folder-level import graph of src/ and properties/: for each folder, the folders its
// files import (static `import ... from` / `export ... from`, and dynamic `import()` marked "lazy").
// Usage: node scripts/layers.mjs            (run from the repository root)
// A folder is the first path segment under src/ (src/network, src/cli, ...) or properties/ (one node,
// "properties"); files directly under src/ count as "src". See docs/architecture.md.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = process.cwd();
const files = [];
function walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (/\.(ts|mjs)$/.test(e.name) && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) files.push(p);
  }
}
walk(join(root, 'src'));
walk(join(root, 'properties'));

function folderOf(abs) {
  const rel = relative(root, abs).split('/');
  if (rel[0] === 'properties') return 'properties';
  if (rel[0] !== 'src') return null;
  return rel.length > 2 ? `src/${rel[1]}` : 'src';
}

const statik = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*['"]([^'"]+)['"]/g;
const lazy = /import\(\s*['"]([^'"]+)['"]\s*\)/g;
const edges = new Map(); // from -> Map(to -> 'static' | 'lazy')
for (const f of files) {
  const from = folderOf(f);
  const text = readFileSync(f, 'utf8');
  for (const [re, kind] of [[statik, 'static'], [lazy, 'lazy']]) {
    for (const m of text.matchAll(re)) {
      const spec = m[1];
      if (!spec.startsWith('.')) continue;
      const to = folderOf(resolve(dirname(f), spec));
      if (to === null || to === from) continue;
      const row = edges.get(from) ?? new Map();
      if (row.get(to) !== 'static') row.set(to, kind);
      edges.set(from, row);
    }
  }
}
const folders = [...new Set(files.map(folderOf))].sort();
for (const f of folders) {
  const row = edges.get(f) ?? new Map();
  const list = [...row].sort().map(([to, k]) => (k === 'lazy' ? `${to} (lazy)` : to));
  console.log(`${f} -> ${list.length ? list.join(', ') : '(nothing)'}`);
}
