/**
 * The parallel batch sampler (src/hltm/parallelSampler.ts, batchStream.ts; `--sampler-threads`):
 * batch g of a run comes from (seed, epoch, index) alone, so the main thread (0) and any number of
 * worker threads give the same batches, bit for bit, and train() on the bit-sliced sampler (the
 * large preset's) gives the same curve for 0, 1 and 2 sampler threads.
 *
 * - N = 0, 1, 2 (and 2 workers on the smallest queue, 2 slots): the same bytes of every batch, in
 *   order, over two epochs, for a batch that is not a multiple of 32 and H = 2;
 * - batch g equals sampleStreamBatch(spec, g) sampled alone (no dependence on order), and the
 *   streams of (epoch, index) differ from one another;
 * - train() with sampler 'bitsliced' (a small stand-in of --preset large on f32): the same losses and
 *   evaluations for samplerThreads 0, 1, 2; the sequential sampler ignores the threads;
 * - the compiled CLI (`covcheck train --preset large --sampler-threads N`, workers from dist/): the same
 *   curve for N = 0, 1, 2 on f32, and on the WebGPU engine where Dawn finds an adapter (lavapipe:
 *   scripts/gpu/setup-lavapipe.sh), else SKIPPED with the reason in the test's name.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseAugmentation } from '../src/hltm/augmentation.js';
import { allocBatch, type Batch } from '../src/hltm/batch.js';
import { sampleStreamBatch, streamBatchSeed, type StreamSpec } from '../src/hltm/batchStream.js';
import { defaultSamplerThreads, openBatchStream, samplerThreads, setSamplerThreads } from '../src/hltm/parallelSampler.js';
import { runCli } from './support/runCli.js';
import { loadRegistry } from '../properties/cli.js';
import { largeScaleChecks } from '../properties/claims/largeScale.js';
import { C11_CI } from '../properties/claims/C11.js';
import type { EngineName } from '../src/engines/engine.js';
import { completeTree } from '../src/hltm/tree.js';
import { train, type TrainResult } from '../src/train/train.js';
import { adapterName, probeWebGpu } from '../src/engines/webgpu/device.js';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

const gpu = probeWebGpu();
const missing = typeof gpu === 'string' ? gpu : null;
const on = missing === null ? ` on ${adapterName(gpu as Exclude<typeof gpu, string>)}` : ` — SKIPPED, no WebGPU adapter: ${missing.slice(0, 160)}`;

const tree = completeTree(6, 2, (name) => (name.length % 3 === 0 ? -0.75 : 0.85));
const spec: StreamSpec = { tree, augmentation: parseAugmentation('level(2)+flip(0.05)'), H: 2, B: 70, seed: 9, stepsPerEpoch: 5, total: 10 };

const bytes = (a: Float32Array | Uint8Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const digest = (b: Batch) => createHash('sha256').update(bytes(b.anchor)).update(bytes(b.pos)).update(bytes(b.neg)).update(b.anchorLatents).digest('hex');

function streamDigests(threads: number, slots?: number): string[] {
  const s = openBatchStream(spec, threads, slots ? { slots } : {});
  try {
    return Array.from({ length: spec.total }, () => digest(s.next()));
  } finally {
    s.close();
  }
}

describe('parallel sampler: batches depend on (seed, epoch, index) only', () => {
  it('0, 1 and 2 worker threads (and 2 on a 2-slot queue) give the same batches in the same order', () => {
    const main = streamDigests(0);
    expect(new Set(main).size).toBe(spec.total);
    expect(streamDigests(1)).toEqual(main);
    expect(streamDigests(2)).toEqual(main);
    expect(streamDigests(2, 2)).toEqual(main);
  });

  it('batch g is sampleStreamBatch(spec, g) alone; the per-batch seeds differ', () => {
    const main = streamDigests(0);
    for (const g of [7, 0, 4]) expect(digest(sampleStreamBatch(spec, g, allocBatch(tree, spec.H, spec.B)))).toBe(main[g]);
    const seeds = new Set(Array.from({ length: spec.total }, (_, g) => streamBatchSeed(spec, g)));
    expect(seeds.size).toBe(spec.total);
    expect(streamBatchSeed(spec, 5)).not.toBe(streamBatchSeed({ ...spec, seed: 10 }, 5));
  });

  it('next() past the run and bad thread counts are errors', () => {
    const s = openBatchStream({ ...spec, total: 1 }, 1);
    s.next();
    expect(() => s.next()).toThrow(/all 1 batches/);
    s.close();
    expect(() => openBatchStream(spec, -1)).toThrow(/threads/);
    expect(() => openBatchStream(spec, 1, { slots: 1 })).toThrow(/slots/);
  });
});

/** What must not depend on the threads: every loss and evaluation of the curve. */
const curve = (r: TrainResult) => r.epochs.map((e) => ({ epoch: e.epoch, steps: e.steps, loss: e.loss, corrByNode: e.corrByNode }));

describe('train() on the bit-sliced sampler: the same curve for any --sampler-threads', () => {
  const small = { preset: 'large', engine: 'f32' as const, depth: 4, hid: 6, batch: 48, samplesPerEpoch: 4 * 48, epochs: 2, evalSamples: 400, seed: 3 };
  it('samplerThreads 0, 1, 2: identical losses and evaluations', async () => {
    const runs = await Promise.all([0, 1, 2].map(async (samplerThreads) => curve(await train(small, undefined, { samplerThreads }))));
    expect(runs[0]!.length).toBe(3);
    expect(runs[0]![2]!.loss).toEqual(expect.any(Number));
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });

  it('the sequential sampler (official preset) is unchanged by the option', async () => {
    const o = { ...small, preset: 'official', epochs: 1, opSamples: 0 };
    const [a, b] = [curve(await train(o, undefined, { samplerThreads: 0 })), curve(await train(o, undefined, { samplerThreads: 2 }))];
    expect(b).toEqual(a);
  });
});

/** The compiled CLI in a child process (dist/: the sampler's and the GPU engine's workers start from their .js files). */
function cliCurve(engine: 'f32' | 'webgpu', threads: number) {
  const args = ['train', '--preset', 'large', '--engine', engine, '--depth', '4', '--hid', '6', '--batch', '48', '--samples-per-epoch', '192', '--epochs', '2', '--eval-samples', '400', '--seed', '5', '--sampler-threads', String(threads), '--json', '--no-report', '--no-progress'];
  const r = spawnSync(process.execPath, [join(root, 'bin/covcheck.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  expect(r.status, r.stderr).toBe(0);
  const epochs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { epoch: number; loss: number | null; corrByNode: number[] });
  expect(epochs.length).toBe(3);
  return epochs.map((e) => ({ epoch: e.epoch, loss: e.loss, corrByNode: e.corrByNode }));
}

describe('covcheck train --preset large --sampler-threads N (compiled CLI): the same curve for N = 0, 1, 2', () => {
  it('f32 engine', () => {
    const c0 = cliCurve('f32', 0);
    expect(cliCurve('f32', 1)).toEqual(c0);
    expect(cliCurve('f32', 2)).toEqual(c0);
  }, 120_000);

  it.skipIf(missing !== null)(`webgpu engine${on}`, () => {
    const c0 = cliCurve('webgpu', 0);
    expect(cliCurve('webgpu', 1)).toEqual(c0);
    expect(cliCurve('webgpu', 2)).toEqual(c0);
  }, 300_000);
});

describe('--sampler-threads on verify and train: wiring and bad values', () => {
  it('verify --scale large --sampler-threads 0 sets the process default its training runs use', async () => {
    const tiny = { ...C11_CI, base: { ...C11_CI.base, depth: 3, hid: 6, batch: 16, steps: 4, evalSamples: 400 } };
    const registry = async () => ({ ...(await loadRegistry()), largeChecks: async (e: EngineName | null) => largeScaleChecks({ engine: e, c11: tiny }) });
    try {
      expect(samplerThreads()).toBe(defaultSamplerThreads());
      const r = await runCli(['verify', '--scale', 'large', '--engine', 'f32', '--sampler-threads', '0', '--check', 'a-gain-positive', '--runs', '2', '--json', '--no-report', '--no-progress'], { registry, claims: undefined, checks: undefined });
      expect(r.code, r.err).toBe(0);
      expect(samplerThreads()).toBe(0);
    } finally {
      setSamplerThreads();
    }
  }, 120_000);

  it.each([
    [['verify', '--sampler-threads', '2', '--no-report'], /--sampler-threads: sets the batch sampling of --scale large only/],
    [['verify', '--scale', 'large', '--sampler-threads', '-1', '--no-report'], /--sampler-threads: expected an integer in \[0, 256\]/],
    [['train', '--sampler-threads', '1.5', '--no-report'], /--sampler-threads: expected an integer/],
    [['train', '--sampler-threads', '257', '--no-report'], /--sampler-threads: expected an integer in \[0, 256\]/],
  ])('%j is exit 2 naming the flag', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });
});
