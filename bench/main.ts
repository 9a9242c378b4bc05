/**
 * `npm run bench`: speed targets of the issues, measured on this machine, each printed with its
 * target and its ratio against a baseline measured in the same run. Never asserted by tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchCore } from './core.js';
import { benchSampler } from './hltm.js';
import { epochSamplingSeconds, largeF32Rate, samplerStreamRate } from './parallelSampler.js';
import { samplerThreads } from '../src/hltm/parallelSampler.js';
import { benchStartup } from './startup.js';
import { benchImpl } from './impl.js';
import { benchPool, benchWorkerMemory } from './pool.js';
import { benchScale } from './scale.js';
import { hunt } from '../src/hunt/search.js';
import { HUNT_TARGETS } from '../src/hunt/targets.js';

interface Row {
  readonly what: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: string;
  readonly baseline?: { readonly name: string; readonly ratio: number };
}

function timeCommand(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore', env: { ...process.env, CI: 'true' } });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return (performance.now() - t0) / 1000;
}

const rows: Row[] = [];
const core = benchCore();
const c2 = core['C2 float64 cases/s']!;
rows.push({ what: 'C2 float64 (depth 3, binary, hid 4, batch 8)', value: c2, unit: 'cases/s', target: '> 2000' });
rows.push({ what: 'C2 rational (same case, dyadic values)', value: core['C2 rational cases/s']!, unit: 'cases/s', baseline: { name: 'float64', ratio: core['C2 rational cases/s']! / c2 } });
rows.push({ what: 'C3 exact enumeration (8 leaves, hid 4)', value: core['C3 enumeration ms (8 leaves, hid 4)']!, unit: 'ms', target: '< 50' });
const huntStart = performance.now();
const hunted = hunt(HUNT_TARGETS.find((t) => t.id === 'C1/tanh')!, { seed: 42, scale: 'ci' });
rows.push({ what: `hunt C1/tanh (ci), search + shrink${hunted.shrunk ? '' : ' (found nothing!)'}`, value: (performance.now() - huntStart) / 1000, unit: 's', target: '< 30' });
const sampler = benchSampler();
rows.push({ what: 'HLTM batch sampler (depth 5, root, B 128)', value: sampler, unit: 'triples/s' });
// Issue 11: the large preset's batches (depth 10, 2 047 nodes, B 1 024), sequential and bit-sliced.
const largeSeq = benchSampler({ depth: 10, B: 1024, ms: 1500 });
rows.push({ what: 'HLTM batch sampler, large tree (depth 10, root, B 1024), sequential', value: largeSeq, unit: 'triples/s' });
const largeBits = benchSampler({ depth: 10, B: 1024, ms: 1500, sampler: 'bitsliced' });
rows.push({ what: 'HLTM batch sampler, large tree, bit-sliced (--preset large)', value: largeBits, unit: 'triples/s', target: '> 1e5 (1 M triples in < 10 s)', baseline: { name: 'sequential', ratio: largeBits / largeSeq } });
// Issue 11: the large preset's stream sampled by worker threads (--sampler-threads), wall clock, and its per-core rate.
const streams = [0, 1, 2].map((n) => samplerStreamRate(n));
for (const r of streams) rows.push({ what: `large preset batch stream, --sampler-threads ${r.threads} (wall; same batches for any N)`, value: r.triplesPerSecond, unit: 'triples/s', baseline: { name: '--sampler-threads 0', ratio: r.triplesPerSecond / streams[0]!.triplesPerSecond } });
const perCore = streams[0]!.triplesPerCpuSecond;
rows.push({ what: 'large preset batch stream, per CPU-second (--sampler-threads 0)', value: perCore, unit: 'triples/s' });
rows.push({ what: '1 M triples sampled on 15 threads at that per-core rate (GPU machine: 16 cores)', value: epochSamplingSeconds(perCore, 15), unit: 's', target: '< 10', baseline: { name: '10 s epoch target', ratio: epochSamplingSeconds(perCore, 15) / 10 } });
const f32Seq = await largeF32Rate(0);
const f32Par = await largeF32Rate(Math.max(1, samplerThreads()));
rows.push({ what: 'large preset, f32 engine, 2 steps, --sampler-threads 0', value: f32Seq, unit: 'triples/s' });
rows.push({ what: `large preset, f32 engine, 2 steps, --sampler-threads ${Math.max(1, samplerThreads())} (default)`, value: f32Par, unit: 'triples/s', baseline: { name: '--sampler-threads 0', ratio: f32Par / f32Seq } });

try {
  const trainModule = './train.js'; // optional: the training engine's benchmark
  const mod = (await import(trainModule)) as { benchTrain?: () => Promise<Record<string, number>> };
  if (mod.benchTrain) {
    const t = await mod.benchTrain();
    const base = t['float64 reference triples/s'];
    for (const [k, v] of Object.entries(t)) {
      // Issue 3's targets: the vectorised PyTorch implementation on one core (87 000 triples/s, 340 000 samples/s).
      const target = k.startsWith('f32 kernels') ? '> 87000' : k.startsWith('f32 evaluation') ? '> 340000' : undefined;
      rows.push({ what: k.replace(/ (triples|samples)\/s$/, ''), value: v, unit: k.endsWith('samples/s') ? 'samples/s' : 'triples/s', ...(target ? { target } : {}), ...(base && k.includes('triples') && !k.startsWith('float64') ? { baseline: { name: 'float64 reference', ratio: v / base } } : {}) });
    }
  }
} catch (e) {
  rows.push({ what: `training bench unavailable: ${(e as Error).message.slice(0, 80)}`, value: Number.NaN, unit: '' });
}

// Issue 9: the implementation protocol with the TF.js example, and C3 by enumeration through it.
const impl = await benchImpl();
for (const [k, v] of Object.entries(impl)) {
  const unit = k.endsWith(' ms') ? 'ms' : k.endsWith(' s') ? 's' : 'requests/s';
  const target = unit === 's' ? '< 10' : k.startsWith('TF.js example, pipelined') ? '> 2000' : undefined;
  rows.push({ what: k.replace(/ (requests\/s|ms|s)$/, ''), value: v, unit, ...(target ? { target } : {}) });
}

// Start-up of the compiled CLI (issue 7), beside a bare `node -e 0` of the same run.
const startup = benchStartup();
const bare = startup.node.seconds;
rows.push({ what: '`node -e 0` (baseline)', value: bare, unit: 's' });
rows.push({ what: '`covcheck --version`', value: startup.version.seconds, unit: 's', target: '< 0.25', baseline: { name: 'node -e 0', ratio: startup.version.seconds / bare } });
rows.push({ what: '`covcheck eval --case fixtures/cases/01-…`', value: startup.evalCase.seconds, unit: 's', target: '< 0.4', baseline: { name: 'node -e 0', ratio: startup.evalCase.seconds / bare } });
rows.push({ what: '`covcheck eval --case …` peak RSS', value: startup.evalCase.peakMB, unit: 'MB', target: '', baseline: { name: 'node -e 0', ratio: startup.evalCase.peakMB / startup.node.peakMB } });
try {
  // Issue 11: only where Dawn finds an adapter (scripts/gpu/setup-lavapipe.sh gives one to any Linux machine).
  const { probeWebGpu } = await import('../src/engines/webgpu/device.js');
  const gpu = probeWebGpu();
  if (typeof gpu === 'string') rows.push({ what: `webgpu rows skipped: ${gpu.slice(0, 100)}`, value: Number.NaN, unit: '' });
  else rows.push(...(await (await import('./webgpu.js')).webgpuRows()));
} catch (e) {
  rows.push({ what: `webgpu bench failed: ${(e as Error).message.slice(0, 100)}`, value: Number.NaN, unit: '' });
}

const dir = mkdtempSync(join(tmpdir(), 'covcheck-bench-'));
const help = timeCommand(['bin/covcheck.js', '--help']);
const start = timeCommand(['bin/covcheck.js', 'verify', '--no-progress', '--report-dir', dir]);
const startOne = timeCommand(['bin/covcheck.js', 'verify', '--no-progress', '--jobs', '1', '--report-dir', dir]);
rmSync(dir, { recursive: true, force: true });
rows.push({ what: '`npm start` (covcheck verify, CI scale, default --jobs)', value: start, unit: 's', target: '< 18', baseline: { name: 'CLI start-up (--help)', ratio: start / help } });
rows.push({ what: '`covcheck verify --jobs 1` (CI scale)', value: startOne, unit: 's', baseline: { name: 'default --jobs', ratio: startOne / start } });

// Issue 10: the pool at --jobs 2 against in-process (ratio > 1 is the speed-up), memory per worker.
for (const r of await benchPool([2], 8)) rows.push({ what: `pool --jobs ${r.jobs}: ${r.what}${r.same ? '' : ' (RESULTS DIFFER!)'}`, value: r.seconds, unit: 's', target: '<= 0.56 × --jobs 1', baseline: { name: '--jobs 1', ratio: 1 / r.ratio } });
// Issue 10: sweep and C11 + C12 at --jobs 2 against --jobs 1, same run, report bytes compared.
for (const r of benchScale()) {
  rows.push({ what: `${r.what} --jobs 2${r.same ? '' : ' (REPORTS DIFFER!)'} [load ${r.load[0].toFixed(1)}]`, value: r.jobs2, unit: 's', target: '<= 0.56 × --jobs 1', baseline: { name: '--jobs 1', ratio: r.jobs2 / r.jobs1 } });
}
const mem = await benchWorkerMemory(2);
rows.push({ what: 'pool worker RSS (training engine loaded)', value: mem.rssPerWorkerMb, unit: 'MB' });

const fmt = (v: number) => (!Number.isFinite(v) ? '-' : v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toPrecision(3));
const w = Math.max(...rows.map((r) => r.what.length));
console.log(`${'benchmark'.padEnd(w)}  ${'value'.padStart(12)}  unit        target    ratio vs baseline`);
for (const r of rows) {
  const base = r.baseline ? `${r.baseline.ratio.toFixed(3)}× ${r.baseline.name}` : '';
  console.log(`${r.what.padEnd(w)}  ${fmt(r.value).padStart(12)}  ${r.unit.padEnd(10)}  ${(r.target ?? '').padEnd(8)}  ${base}`);
}
