/**
 * SimCLR-style training of the tree-matched network on an HLTM (docs/theory.md §1, claims C11, C12), the
 * official protocol by default (presets.ts).
 *
 * The run is built by setup.ts (seeded streams 'tree', 'init', 'eval'); the tuples of every step
 * come from the stream deriveSeed(seed, 'train'), fresh each step; with the bit-sliced sampler
 * (the large preset) batch i of epoch e has its own stream deriveSeed(seed, 'train', e, i) and is
 * sampled by worker threads ahead of the step (hltm/parallelSampler.ts, TrainHooks.samplerThreads). Evaluation (setup.ts
 * evaluateRun) at initialisation (epoch 0) and after every epoch. A non-finite loss or parameter
 * stops the run with a diagnosis (divergence.ts: step, epoch, node).
 * Same options (seed, engine, backend) → the same curve, bit for bit.
 */
import type { Batch } from '../hltm/batch.js';
import type { BatchStream } from '../hltm/batchStream.js';
import { trainBatches } from './batches.js';
import { diagnose, type Divergence } from './divergence.js';
import type { TrainOptions } from './options.js';
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
  /**
   * Worker threads sampling the batches of the bit-sliced sampler (`sampler: 'bitsliced'`, the large
   * preset; `--sampler-threads`): default samplerThreads() (hltm/parallelSampler.ts: the process's
   * setting, else cores − 1, at least 1); 0 samples in this thread. Changes the wall time only, never a batch (hltm/batchStream.ts).
   */
  readonly samplerThreads?: number;
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
  const stepsPerEpoch = Math.ceil(o.samplesPerEpoch / o.batch);
  const epochs: EpochRecord[] = [];
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
  // the workers start sampling while the initial evaluation runs
  const stream = trainBatches(setup, stepsPerEpoch * o.epochs, stepsPerEpoch, hooks.samplerThreads);
  try {
    record(0, 0, null, 0);
    return trainEpochs(setup, stream, stepsPerEpoch, hooks, record, result);
  } finally {
    stream.close();
  }
}

/** The epochs' steps on the stream's batches, each epoch followed by `record`. */
function trainEpochs(
  setup: RunSetup,
  stream: BatchStream,
  stepsPerEpoch: number,
  hooks: TrainHooks,
  record: (epoch: number, steps: number, loss: number | null, trainSeconds: number) => void,
  result: (status: 'ok' | 'diverged', divergence?: Divergence) => TrainResult,
): TrainResult {
  const { options: o, engine } = setup;
  const total = stepsPerEpoch * o.epochs;
  const every = hooks.progressEvery ?? 50;
  const cheapCheck = engine.name === 'f32';
  let batch: Batch | null = null;
  let step = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const e0 = performance.now();
    let lossSum = 0;
    for (let s = 0; s < stepsPerEpoch; s++) {
      batch = stream.next();
      const { loss } = engine.step(batch);
      step++;
      lossSum += loss;
      if (!Number.isFinite(loss) || (cheapCheck && engine.nonFinite())) {
        return result('diverged', diagnose(setup, batch.anchor, o.batch, epoch, step, loss));
      }
      if (hooks.onProgress && step % every === 0) hooks.onProgress(step, total);
    }
    const trainSeconds = (performance.now() - e0) / 1000;
    if (!cheapCheck && batch && engine.nonFinite()) return result('diverged', diagnose(setup, batch.anchor, o.batch, epoch, step, Number.NaN));
    record(epoch, step, lossSum / stepsPerEpoch, trainSeconds);
  }
  return result('ok');
}
