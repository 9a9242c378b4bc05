#!/usr/bin/env node
// `npm run seeds -- FIRST LAST [--claims C1,C2] [--jobs N] [--scale ci] [-- extra verify flags]`
// Runs `covcheck verify --seed S` (CI scale by default) for every seed FIRST..LAST, up to --jobs
// processes at once (default: the core count), and reports every `fail` verdict (check id and seed);
// `inconclusive` is counted apart. Exit 1 if any seed has a `fail`, 2 if a run did not finish.
// Issue 8 §1: an expected-fail check must find its counterexample at every seed, a holding check
// must hold at every seed.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const usage = 'usage: npm run seeds -- FIRST LAST [--claims C1,C2] [--jobs N] [--scale ci|full] [-- extra verify flags]';
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = args[i + 1];
  if (v === undefined) fail(`${name} needs a value`);
  args.splice(i, 2);
  return v;
};
function fail(msg) {
  console.error(`seeds: ${msg}\n${usage}`);
  process.exit(2);
}
const sep = args.indexOf('--');
const extra = sep >= 0 ? args.splice(sep).slice(1) : [];
const claims = flag('--claims', null);
const scale = flag('--scale', 'ci');
const jobs = Number(flag('--jobs', String(availableParallelism())));
if (!Number.isInteger(jobs) || jobs < 1) fail('--jobs must be a positive integer');
const [first, last] = args.map(Number);
if (args.length !== 2 || !Number.isInteger(first) || !Number.isInteger(last) || last < first) fail('FIRST and LAST must be integers, FIRST ≤ LAST');

const seeds = Array.from({ length: last - first + 1 }, (_, k) => first + k);
const fails = [];
const inconclusive = [];
const broken = [];
const totals = {};
let done = 0;
const t0 = Date.now();

function runSeed(seed) {
  return new Promise((done_) => {
    const argv = [resolve(root, 'bin/covcheck.js'), 'verify', '--seed', String(seed), '--scale', scale, '--no-progress', '--no-report', '--json', ...(claims ? ['--claims', claims] : []), ...extra];
    const child = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      let report = null;
      try {
        report = JSON.parse(out);
      } catch {
        broken.push({ seed, code, tail: err.trim().split('\n').slice(-3).join(' | ') });
      }
      if (report) {
        for (const c of report.checks) {
          totals[c.verdict] = (totals[c.verdict] ?? 0) + 1;
          if (c.verdict === 'fail') fails.push({ seed, check: c.check, message: String(c.message).slice(0, 300) });
          if (c.verdict === 'inconclusive') inconclusive.push({ seed, check: c.check });
        }
      }
      done++;
      const named = (verdict) => {
        const ids = report ? report.checks.filter((c) => c.verdict === verdict).map((c) => c.check) : [];
        return `, ${ids.length} ${verdict}${ids.length ? ` (${ids.join(', ')})` : ''}`;
      };
      process.stderr.write(`seed ${seed}: ${report ? `exit ${code}${named('fail')}${named('inconclusive')}` : `no report (exit ${code})`} [${done}/${seeds.length}, ${((Date.now() - t0) / 1000).toFixed(0)} s]\n`);
      done_();
    });
  });
}

const queue = [...seeds];
await Promise.all(Array.from({ length: Math.min(jobs, seeds.length) }, async () => {
  while (queue.length > 0) await runSeed(queue.shift());
}));

console.log(`seeds ${first}..${last}, scale ${scale}, claims ${claims ?? 'all'}, ${jobs} jobs, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
console.log(`verdicts: ${Object.entries(totals).map(([k, v]) => `${v} ${k}`).join(', ')}`);
console.log(`fail: ${fails.length}${fails.length ? '' : ' (none)'}`);
for (const f of fails) console.log(`  seed ${f.seed}  ${f.check}: ${f.message}`);
if (inconclusive.length) console.log(`inconclusive: ${inconclusive.map((i) => `${i.check}@${i.seed}`).join(', ')}`);
for (const b of broken) console.log(`  seed ${b.seed}: no report (exit ${b.code}): ${b.tail}`);
process.exitCode = broken.length ? 2 : fails.length ? 1 : 0;
