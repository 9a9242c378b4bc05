/**
 * Training and evaluation throughput for the official HLTM configuration (depth 5, binary tree,
 * hid 10, batch 128, official_nce τ = 0.01, normalisation ε = 1e-4, biases, SGD lr 0.1), one core.
 * One triple = one tuple (x, x_+, x_−) through sampling, forward, backward and the update.
 *   - f32 kernels (the default engine), TF.js on wasm and on cpu (level-batched graphs, and wasm
 *     per-node graphs), the float64 reference (network/batchGradient.ts + a plain SGD update);
 *   - evaluation: the correlation metric's forward + statistics, samples per second.
 * Ratios are printed against the float64 reference and the TF.js wasm path measured in the same run.
 * Run: node bin/run-ts.js bench/train.ts    (bench/main.ts calls benchTrain()).
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { parseAugmentation } from '../src/hltm/augmentation.js';
import { allocBatch, sampleBatch, type Batch } from '../src/hltm/batch.js';
import { F64 } from '../src/numeric/arith.js';
import { deriveSeed, Rng } from '../src/numeric/random.js';
import { batchLoss } from '../src/network/batchGradient.js';
import type { Params } from '../src/network/architecture.js';
import { loadBackend } from '../src/engines/backend.js';
import { F32Engine } from '../src/engines/f32/engine.js';
import { TfEngine } from '../src/engines/tfjs/engine.js';
import type { TfLayout } from '../src/engines/tfjs/treeNetwork.js';
import type { TrainEngine } from '../src/engines/engine.js';
import { lossOf } from '../src/train/options.js';
import { resolveOptions } from '../src/train/presets.js';
import { correlations, drawEvalSet, engineSource } from '../src/train/evaluate.js';
import { randomPolarityTree } from '../src/train/polarity.js';
import { treeArchitecture, type NetworkSpec } from '../src/network/architecture.js';
import { initParams } from '../src/network/init.js';
import { parseActivation } from '../src/network/activation.js';

const O = resolveOptions('official');
const B = O.batch;
const H = O.negatives;

function official() {
  const tree = randomPolarityTree(O.depth, O.children, O.deltaLower, O.deltaUpper, new Rng(deriveSeed(1, 'tree')));
  const spec: NetworkSpec = { arch: treeArchitecture(tree, O.hid), activation: parseActivation(O.activation), bias: O.bias, normalize: O.normalize, eps: O.eps };
  const params = initParams(spec, new Rng(deriveSeed(1, 'init')), { scheme: 'pytorch' });
  return { tree, spec, params, loss: lossOf(O), aug: parseAugmentation(O.augmentation) };
}

/** Best rate over `rounds` timed rounds of at least `ms` each, after one warm-up round. */
function rate(unitsPerCall: number, call: () => void, ms: number, rounds = 3): number {
  const round = (budget: number) => {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < budget || n === 0) {
      call();
      n++;
      t = performance.now();
    }
    return (n * unitsPerCall * 1000) / (t - t0);
  };
  round(ms / 2);
  let best = 0;
  for (let r = 0; r < rounds; r++) best = Math.max(best, round(ms));
  return best;
}

/** Triples per second of an engine on fresh official batches. */
function engineRate(engine: TrainEngine, ms: number): number {
  const { tree, aug } = official();
  const rng = new Rng(2);
  const batch = allocBatch(tree, H, B);
  return rate(B, () => engine.step(sampleBatch(tree, aug, H, B, rng, batch)), ms);
}

/** The float64 reference: batchLoss (hand-written backward) + SGD on number arrays. */
function referenceRate(ms: number): number {
  const { tree, aug, spec, loss } = official();
  let params: Params<number> = official().params;
  const rng = new Rng(2);
  const batch = allocBatch(tree, H, B);
  const L = tree.leaves.length;
  const rows = (a: Float32Array, n: number) => Array.from({ length: n }, (_, r) => Array.from(a.subarray(r * L, (r + 1) * L)));
  const step = (b: Batch) => {
    const neg = rows(b.neg, B * H);
    const r = batchLoss(F64, spec, params, { x: rows(b.anchor, B), pos: rows(b.pos, B), neg: Array.from({ length: B }, (_, i) => neg.slice(i * H, (i + 1) * H)) }, loss);
    params = {
      W: params.W.map((w, k) => w.map((v, i) => v - O.lr * r.grads.W[k]![i]!)),
      b: params.b ? params.b.map((w, k) => w.map((v, i) => v - O.lr * r.grads.b![k]![i]!)) : null,
    };
  };
  return rate(B, () => step(sampleBatch(tree, aug, H, B, rng, batch)), ms, 1);
}

/** Evaluation samples per second: forward (pre-activations) + correlation statistics. */
function evalRate(engine: TrainEngine, n: number, ms: number): number {
  const { tree, aug, spec } = official();
  const set = drawEvalSet(tree, aug, n, new Rng(3));
  return rate(n, () => correlations(spec, set, engineSource(engine)), ms);
}

export interface TrainBenchOptions {
  /** Measuring time per round in ms (default 1500). */
  readonly ms?: number;
}

/** Every throughput of this bench, keyed "<what> triples/s" or "<what> samples/s". */
export async function benchTrain(options: TrainBenchOptions = {}): Promise<Record<string, number>> {
  const ms = options.ms ?? 1500;
  const { spec, params, loss } = official();
  const opt = { name: O.optimizer, lr: O.lr } as const;
  const out: Record<string, number> = {};
  const f32 = new F32Engine({ spec, params, loss, optimizer: opt, B, H });
  out['f32 kernels (official, default engine) triples/s'] = engineRate(f32, ms);
  const tfRun = async (backend: string, layout: TfLayout, label: string, budget: number) => {
    const tf = await loadBackend(backend);
    const e = new TfEngine(tf, { spec, params, loss, optimizer: opt, B, H, layout });
    out[`TF.js ${backend} ${label} triples/s`] = engineRate(e, budget);
    return e;
  };
  const wasm = await tfRun('wasm', 'level', '(level-batched)', ms);
  (await tfRun('wasm', 'block', '(per-node ops)', ms)).dispose();
  (await tfRun('cpu', 'level', '(level-batched)', ms)).dispose();
  out['float64 reference triples/s'] = referenceRate(ms);
  out['f32 evaluation samples/s'] = evalRate(f32, 16_384, ms);
  await loadBackend('wasm');
  out['TF.js wasm evaluation samples/s'] = evalRate(wasm, 8192, ms);
  wasm.dispose();
  return out;
}

const isMain = process.argv.slice(1).some((a) => resolve(a) === fileURLToPath(import.meta.url));
if (isMain) {
  const r = await benchTrain();
  const ref = r['float64 reference triples/s']!;
  const wasm = r['TF.js wasm (level-batched) triples/s']!;
  const f32 = r['f32 kernels (official, default engine) triples/s']!;
  const w = Math.max(...Object.keys(r).map((k) => k.length));
  console.log(`official HLTM configuration, one core (node ${process.version})`);
  for (const [k, v] of Object.entries(r)) {
    const ratios = k.endsWith('triples/s') ? `  ${(v / ref).toFixed(1)}× float64 reference, ${(v / wasm).toFixed(2)}× TF.js wasm` : '';
    console.log(`${k.padEnd(w)}  ${Math.round(v).toLocaleString('en').padStart(10)}${ratios}`);
  }
  console.log(`targets: training ≥ 87,000 triples/s (f32: ${f32 >= 87_000 ? 'met' : 'NOT met'}), evaluation ≥ 340,000 samples/s (f32: ${r['f32 evaluation samples/s']! >= 340_000 ? 'met' : 'NOT met'})`);
  console.log(`wasm / cpu (TF.js, level-batched): ${(wasm / r['TF.js cpu (level-batched) triples/s']!).toFixed(1)}×`);
}
