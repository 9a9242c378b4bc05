/**
 * SimCLR-style training of the tree-matched network on an HLTM (docs/theory.md §1, claims C11, C12), the
 * official protocol by default (presets.ts).
 *
 * The run is built by setup.ts (seeded streams 'tree', 'init', 'eval'); the tuples of every step
 * come from the stream deriveSeed(seed, 'train'), fresh each step. Evaluation (setup.ts
 * evaluateRun) at initialisation (epoch 0) and after every epoch. A non-finite loss or parameter
 * stops the run with a diagnosis (divergence.ts: step, epoch, node).
 * Same options (seed, engine, backend) → the same curve, bit for bit.
 */
import { parseAugmentation } from '../hltm/augmentation.js';
import { allocBatch } from '../hltm/batch.js';
import { batchSampler } from '../hltm/bitslicedBatch.js';
import { deriveSeed, Rng } from '../numeric/random.js';
import { diagnose, type Divergence } from './divergence.js';
import { sampledNegatives, type TrainOptions } from './options.js';
import { resolveOptions } from './presets.js';
import { evaluateRun, setupRun, type RunEvaluation, type RunSetup } from './setup.js';

/** An evaluation after an epoch (setup.ts RunEvaluation; corrByNode in `TrainResult.tree.internal` order). */
export interface EpochRecord extends RunEvaluation {
  /** 0 = initialisation. */
  readonly epoch: number;
  /** SGD steps done so far. */
  readonly steps: number;
  /** Mean training loss over the epoch (null at epoch 0). */
  readonly loss: number | null;
  /** Seconds of training in this epoch (sampling, forward, backward, update) and of evaluation. */
  readonly trainSeconds: number;
  readonly evalSeconds: number;
  /** Training throughput of the epoch (tuples per second; 0 at epoch 0). */
  readonly triplesPerSecond: number;
}

export interface TrainResult {
  readonly options: TrainOptions;
  readonly preset: string;
  readonly engine: string;
  readonly tree: {
    /** Internal node names in tree.internal (BFS) order. */
    readonly internal: string[];
    /** Their heights (1: parents of leaves). */
    readonly heights: number[];
    readonly polarities: Record<string, number>;
  };
  readonly epochs: EpochRecord[];
  readonly status: 'ok' | 'diverged';
  readonly divergence?: Divergence;
  readonly wallSeconds: number;
}

export interface TrainHooks {
  /** Called after every evaluation (epoch 0 included). */
  readonly onEpoch?: (record: EpochRecord) => void;
  /** Called every `progressEvery` steps with (steps done, total steps). */
  readonly onProgress?: (done: number, total: number) => void;
  readonly progressEvery?: number;
}

/**
 * Trains with `options` (merged over `preset`, default 'official') and returns the curve.
 * Throws InputError for invalid options or an unavailable backend.
 */
export async function train(options: Partial<TrainOptions> & { readonly preset?: string } = {}, onEpoch?: (r: EpochRecord) => void, hooks: TrainHooks = {}): Promise<TrainResult> {
  const t0 = performance.now();
  const { preset, ...rest } = options;
  const o = resolveOptions(preset, rest);
  const setup = await setupRun(o);
  try {
    return runTraining(setup, preset ?? 'official', { ...hooks, onEpoch: onEpoch ?? hooks.onEpoch }, t0);
  } finally {
    setup.engine.dispose();
  }
}

function runTraining(setup: RunSetup, preset: string, hooks: TrainHooks, t0: number): TrainResult {
  const { options: o, tree, engine } = setup;
  const aug = parseAugmentation(o.augmentation);
  const rng = new Rng(deriveSeed(o.seed, 'train'));
  const batch = allocBatch(tree, sampledNegatives(o), o.batch);
  const stepsPerEpoch = Math.ceil(o.samplesPerEpoch / o.batch);
  const total = stepsPerEpoch * o.epochs;
  const every = hooks.progressEvery ?? 50;
  const epochs: EpochRecord[] = [];
  const cheapCheck = engine.name === 'f32';
  const record = (epoch: number, steps: number, loss: number | null, trainSeconds: number): void => {
    const e0 = performance.now();
    const ev = evaluateRun(setup);
    const rec: EpochRecord = {
      epoch,
      steps,
      loss,
      ...ev,
      trainSeconds,
      evalSeconds: (performance.now() - e0) / 1000,
      triplesPerSecond: trainSeconds > 0 ? (stepsPerEpoch * o.batch) / trainSeconds : 0,
    };
    epochs.push(rec);
    hooks.onEpoch?.(rec);
  };
  const result = (status: 'ok' | 'diverged', divergence?: Divergence): TrainResult => ({
    options: o,
    preset,
    engine: engine.name,
    tree: {
      internal: tree.internal.map((n) => tree.nodes[n]!.name),
      heights: tree.internal.map((n) => tree.nodes[n]!.height),
      polarities: Object.fromEntries(tree.nodes.slice(1).map((n) => [n.name, n.polarity])),
    },
    epochs,
    status,
    ...(divergence ? { divergence } : {}),
    wallSeconds: (performance.now() - t0) / 1000,
  });
  record(0, 0, null, 0);
  const sampleBatch = batchSampler(o.sampler);
  let step = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const e0 = performance.now();
    let lossSum = 0;
    for (let s = 0; s < stepsPerEpoch; s++) {
      sampleBatch(tree, aug, sampledNegatives(o), o.batch, rng, batch);
      const { loss } = engine.step(batch);
      step++;
      lossSum += loss;
      if (!Number.isFinite(loss) || (cheapCheck && engine.nonFinite())) {
        return result('diverged', diagnose(setup, batch.anchor, o.batch, epoch, step, loss));
      }
      if (hooks.onProgress && step % every === 0) hooks.onProgress(step, total);
    }
    const trainSeconds = (performance.now() - e0) / 1000;
    if (!cheapCheck && engine.nonFinite()) return result('diverged', diagnose(setup, batch.anchor, o.batch, epoch, step, Number.NaN));
    record(epoch, step, lossSum / stepsPerEpoch, trainSeconds);
  }
  return result('ok');
}
