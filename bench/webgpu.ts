/**
 * WebGPU rows of `npm run bench` (bench/main.ts imports this only when Dawn finds an adapter) and
 * of the GPU machine's run (scripts/gpu/main.ts):
 *   - accuracy: the webgpu engine's forward pre-activations and batch gradient against the float64
 *     reference on the official tree, each error with its derived float32 tolerance
 *     (properties/claims/C2/engines/tolerance.ts, network/magnitude.ts): the ratio error/tolerance must be ≤ 1;
 *   - throughput of `--preset large` (depth 10, hid 32, batch 1 024): the f32 engine on one core
 *     (the baseline, same run), the webgpu engine end to end (sampling included, as train() runs
 *     it), the webgpu engine on a fixed batch (the device's share), and the CPU batch sampler alone
 *     (what bounds the end-to-end rate when the device is fast).
 */
import { allocBatch, sampleBatch } from '../src/hltm/batch.js';
import { samplerThreads } from '../src/hltm/parallelSampler.js';
import { trainBatches } from '../src/train/batches.js';
import { parseAugmentation } from '../src/hltm/augmentation.js';
import { batchLoss, type Batch } from '../src/network/batchGradient.js';
import { forward } from '../src/network/forward.js';
import { magnitude, pathSums } from '../src/network/magnitude.js';
import { F64 } from '../src/numeric/arith.js';
import { deriveSeed, Rng } from '../src/numeric/random.js';
import { tolerance } from '../src/numeric/tolerance.js';
import { unpackParams } from '../src/engines/f32/engine.js';
import { adapterName, webgpuAdapter } from '../src/engines/webgpu/device.js';
import { WebGpuEngine } from '../src/engines/webgpu/engine.js';
import { setupRun } from '../src/train/setup.js';
import type { TrainOptions } from '../src/train/options.js';
import { resolveOptions } from '../src/train/presets.js';
import { gradientTolerance } from '../properties/claims/C2/engines/tolerance.js';
import { LOSSES, roundParams } from '../properties/claims/C2/engines/cases.js';

export interface BenchRow {
  readonly what: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: string;
  readonly baseline?: { readonly name: string; readonly ratio: number };
}

/** Milliseconds of the last webgpuAccuracy's parts (diagnostics). */
export const timing: { last: Record<string, number> } = { last: {} };

/** Forward and gradient error of the webgpu engine against float64 on a preset's network (B tuples, H = 1). */
export async function webgpuAccuracy(preset = 'official', B = 16): Promise<{ forward: { error: number; tol: number; ratio: number }; gradient: { error: number; tol: number; ratio: number } }> {
  const o = resolveOptions(preset, { engine: 'f32', evalSamples: 2, opSamples: 0, batch: B, negatives: 1 });
  const setup = await setupRun(o);
  setup.engine.dispose();
  const { spec, tree } = setup;
  const params = roundParams(setup.engine.params());
  const L = tree.leaves.length;
  const batch = sampleBatch(tree, parseAugmentation(o.augmentation), 1, B, new Rng(deriveSeed(o.seed, 'bench')), allocBatch(tree, 1, B));
  const rows = (a: Float32Array, n: number) => Array.from({ length: n }, (_, r) => Array.from(a.subarray(r * L, (r + 1) * L)));
  const ref: Batch<number> = { x: rows(batch.anchor, B), pos: rows(batch.pos, B), neg: rows(batch.neg, B).map((r) => [r]) };
  // The preset's network and tree; the loss is C2's official_nce τ 0.5 (the tolerance's κ is tied
  // to the losses of C2's table).
  const lossKey = 'official_nce(τ=0.5)';
  const loss = LOSSES[lossKey]!;
  const e = new WebGpuEngine({ spec, params, loss, optimizer: { name: 'sgd', lr: o.lr }, B, H: 1 });
  try {
    // Forward: every pre-activation of the anchors, each against its own path-sum tolerance.
    const G = e.forwardPre(batch.anchor, B);
    const Gw = G.length / B;
    const blockOf = new Map(spec.arch.blocks.map((b) => [b.node, b.index]));
    const fwd = { error: 0, tol: Number.POSITIVE_INFINITY, ratio: 0 };
    ref.x.forEach((x, s) => {
      const t = forward(F64, spec, params, x);
      const { ops } = magnitude(spec, params, x);
      const { gbar } = pathSums(spec, params, x);
      let off = 0;
      for (const n of tree.internal) {
        const b = blockOf.get(n)!;
        t.g[b]!.forEach((v, i) => {
          const err = Math.abs(v - G[s * Gw + off + i]!);
          const tol = tolerance('float32', 'engine', ops, gbar[b]![i]!).tol;
          if (err / tol > fwd.ratio || (fwd.ratio === 0 && tol < fwd.tol)) Object.assign(fwd, { error: err, tol, ratio: err / tol });
        });
        off += t.g[b]!.length;
      }
    });
    // Gradient of the batch loss: C2's derived tolerance.
    const t0 = performance.now();
    const want = batchLoss(F64, spec, params, ref, loss);
    const t1 = performance.now();
    const got = unpackParams(e.layout, e.gradient(batch).grad);
    const t2 = performance.now();
    const a = [...got.W.flat(), ...(got.b ? got.b.flat() : [])];
    const w = [...want.grads.W.flat(), ...(want.grads.b ? want.grads.b.flat() : [])];
    const error = a.reduce((m, v, i) => Math.max(m, Math.abs(v - w[i]!)), 0);
    const tol = gradientTolerance(spec, params, { net: { spec, params }, batch: ref, loss: lossKey }, want).tol;
    const t3 = performance.now();
    timing.last = { referenceMs: t1 - t0, webgpuMs: t2 - t1, toleranceMs: t3 - t2 };
    return { forward: fwd, gradient: { error, tol, ratio: error / tol } };
  } finally {
    e.dispose();
  }
}

/**
 * Triples per second of `steps` training steps of a preset on an engine, after one warm-up step.
 * mode 'train': sampling + step (train()'s loop and batch stream: train/batches.ts, the large preset's
 * sampled ahead by `threads` worker threads, default samplerThreads()); 'device': steps on one fixed
 * batch; 'sampler': the batch stream alone.
 */
export async function presetRate(preset: string, engine: TrainOptions['engine'], steps: number, mode: 'train' | 'device' | 'sampler', parts?: Record<string, number>, threads = samplerThreads()): Promise<number> {
  const o = resolveOptions(preset, { engine, evalSamples: 2, opSamples: 0 });
  const setup = await setupRun(o);
  const stream = trainBatches(setup, mode === 'device' ? 1 : steps + 1, steps + 1, threads);
  try {
    let batch = stream.next();
    const one = () => {
      if (mode !== 'device') batch = stream.next();
      if (mode !== 'sampler') setup.engine.step(batch);
    };
    if (mode !== 'sampler') setup.engine.step(batch);
    if (mode !== 'sampler') setup.engine.params(); // the warm-up step has left the device's queue
    const first = { ...((setup.engine as { timing?: Record<string, number> }).timing ?? {}) };
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) one();
    if (mode !== 'sampler') setup.engine.params(); // waits for the device's queue
    const rate = (steps * o.batch * 1000) / (performance.now() - t0);
    const timing = (setup.engine as { timing?: Record<string, number> }).timing;
    // Per-step host-side milliseconds of the timed steps (the warm-up step excluded).
    if (parts && timing) for (const [k, v] of Object.entries(timing)) if (k !== 'steps') parts[k.replace(/Ms$/, 'MsPerStep')] = (v - (first[k] ?? 0)) / steps;
    return rate;
  } finally {
    stream.close();
    setup.engine.dispose();
  }
}

/** The bench rows (steps: how many large-preset steps each engine is timed on). */
export async function webgpuRows(steps: { f32: number; webgpu: number } = { f32: 1, webgpu: 1 }): Promise<BenchRow[]> {
  const name = adapterName(webgpuAdapter());
  const B = 16;
  const acc = await webgpuAccuracy('official', B);
  const rows: BenchRow[] = [
    { what: `webgpu forward vs float64 (official tree, ${B} rows), worst unit`, value: acc.forward.error, unit: '|error|', target: '≤ 1× tol', baseline: { name: `derived tolerance ${acc.forward.tol.toExponential(2)} (error/tol ${acc.forward.ratio.toExponential(1)})`, ratio: acc.forward.ratio } },
    { what: `webgpu gradient vs float64 (official tree, B ${B}, official_nce τ 0.5)`, value: acc.gradient.error, unit: '|error|', target: '≤ 1× tol', baseline: { name: `derived tolerance ${acc.gradient.tol.toExponential(2)} (error/tol ${acc.gradient.ratio.toExponential(1)})`, ratio: acc.gradient.ratio } },
  ];
  const f32 = await presetRate('large', 'f32', steps.f32, 'train');
  rows.push({ what: 'large preset, f32 engine, one core (baseline)', value: f32, unit: 'triples/s' });
  const gpuTrain = await presetRate('large', 'webgpu', steps.webgpu, 'train');
  rows.push({ what: `large preset, webgpu on ${name}`, value: gpuTrain, unit: 'triples/s', target: '> 1e5 (GPU)', baseline: { name: 'f32 one core', ratio: gpuTrain / f32 } });
  const gpuOnly = await presetRate('large', 'webgpu', steps.webgpu, 'device');
  rows.push({ what: `large preset, webgpu on ${name}, fixed batch (device only)`, value: gpuOnly, unit: 'triples/s', baseline: { name: 'f32 one core', ratio: gpuOnly / f32 } });
  const sampler = await presetRate('large', 'f32', Math.max(2, steps.webgpu), 'sampler');
  rows.push({ what: `large preset, batch stream alone, --sampler-threads ${samplerThreads()} (bounds the end-to-end rate)`, value: sampler, unit: 'triples/s' });
  return rows;
}
