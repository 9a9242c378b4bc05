/**
 * SimCLR-style training of the tree-matched network on an HLTM (docs/theory.md §1, claims C11, C12), the
 * official protocol by default (presets.ts).
 *
 * Seeded streams (numeric/random.ts deriveSeed(seed, label)): 'tree' (polarities), 'init'
 * (weights), 'train' (fresh tuples every step), 'eval' (the evaluation set, drawn once). Runs that
 * differ only in δ, hid, loss or augmentation therefore share what they can: with equal depth and
 * children the same tree signs and |ρ| quantiles; with equal shapes the same initial weights.
 * Evaluation (evaluate.ts, operator.ts) at initialisation (epoch 0) and after every epoch.
 * A non-finite loss or parameter stops the run with a diagnosis (step, epoch, node).
 * Same options (seed, engine, backend) → the same curve, bit for bit.
 */
import { parseAugmentation } from '../hltm/augmentation.js';
import { allocBatch, sampleBatch } from '../hltm/batch.js';
import type { Tree } from '../hltm/tree.js';
import { parseActivation } from '../network/activation.js';
import { treeArchitecture, type NetworkSpec } from '../network/architecture.js';
import { initParams } from '../network/init.js';
import { deriveSeed, Rng } from '../numeric/random.js';
import { createEngine } from '../engines/create.js';
import type { TrainEngine } from '../engines/engine.js';
import { correlations, drawEvalSet, unitLayout, weightNorms, type EvalSet, type LayerNorm, type PreSource } from './evaluate.js';
import { operatorEstimate, type LayerOperator } from './operator.js';
import { lossOf, resolveOptions, type TrainOptions } from './options.js';
import { randomPolarityTree } from './polarity.js';

export interface EpochRecord {
  /** 0 = initialisation. */
  readonly epoch: number;
  /** SGD steps done so far. */
  readonly steps: number;
  /** Mean training loss over the epoch (null at epoch 0). */
  readonly loss: number | null;
  /** Mean best |corr| per height, index h − 1 (height 1: parents of leaves; last: the root). */
  readonly corrByHeight: number[];
  /** best |corr| per internal node, in `TrainResult.tree.internal` order. */
  readonly corrByNode: number[];
  readonly weightNorms: LayerNorm[];
  /** Covariance-operator estimate per layer cut (null when opSamples = 0). */
  readonly operator: LayerOperator[] | null;
  /** Seconds of training in this epoch (sampling, forward, backward, update) and of evaluation. */
  readonly trainSeconds: number;
  readonly evalSeconds: number;
  /** Training throughput of the epoch (tuples per second; 0 at epoch 0). */
  readonly triplesPerSecond: number;
}

export interface Divergence {
  readonly epoch: number;
  /** 1-based global step at which the non-finite value appeared. */
  readonly step: number;
  /** The node blamed (the deepest with a non-finite parameter or pre-activation), or null. */
  readonly node: string | null;
  readonly message: string;
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

/** Everything a run is built from, without training (tests, benches, statistical checks). */
export interface RunSetup {
  readonly options: TrainOptions;
  readonly tree: Tree;
  readonly spec: NetworkSpec;
  readonly engine: TrainEngine;
  readonly evalSet: EvalSet;
}

export async function setupRun(options: TrainOptions): Promise<RunSetup> {
  const o = options;
  const tree = randomPolarityTree(o.depth, o.children, o.deltaLower, o.deltaUpper, new Rng(deriveSeed(o.seed, 'tree')), o.rootPrior);
  const spec: NetworkSpec = {
    arch: treeArchitecture(tree, o.hid),
    activation: parseActivation(o.activation, '--activation'),
    bias: o.bias,
    normalize: o.normalize,
    eps: o.eps,
  };
  const params = initParams(spec, new Rng(deriveSeed(o.seed, 'init')), { scheme: o.init });
  const engine = await createEngine({
    engine: o.engine,
    backend: o.backend,
    spec,
    params,
    loss: lossOf(o),
    optimizer: { name: o.optimizer, lr: o.lr },
    B: o.batch,
    H: o.negatives,
  });
  const evalSet = drawEvalSet(tree, parseAugmentation(o.augmentation), o.evalSamples, new Rng(deriveSeed(o.seed, 'eval')));
  return { options: o, tree, spec, engine, evalSet };
}

/** How the correlation metric reads an engine: its own sums when it has them, else its pre-activations. */
export function engineSource(engine: TrainEngine): PreSource {
  return engine.unitSums ? { unitSums: (set) => engine.unitSums!(set) } : (x, S) => engine.forwardPre(x, S);
}

/** Evaluates the engine's current network (correlations, norms, operator). */
export function evaluateRun(setup: RunSetup): Pick<EpochRecord, 'corrByHeight' | 'corrByNode' | 'weightNorms' | 'operator'> {
  const { spec, engine, evalSet, options } = setup;
  const corr = correlations(spec, evalSet, engineSource(engine));
  const params = engine.params();
  return {
    corrByHeight: corr.byHeight,
    corrByNode: corr.best,
    weightNorms: weightNorms(spec, params),
    operator: options.opSamples > 0 ? operatorEstimate(spec, params, evalSet, options.opSamples) : null,
  };
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
  const batch = allocBatch(tree, o.negatives, o.batch);
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
  let step = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const e0 = performance.now();
    let lossSum = 0;
    for (let s = 0; s < stepsPerEpoch; s++) {
      sampleBatch(tree, aug, o.negatives, o.batch, rng, batch);
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

/** Names the node where a non-finite value appeared: parameters first, then pre-activations on x. */
export function diagnose(setup: RunSetup, x: Float32Array, S: number, epoch: number, step: number, loss: number): Divergence {
  const { engine, spec, tree } = setup;
  const bad = engine.nonFinite();
  const where = `at step ${step} (epoch ${epoch})`;
  if (bad) {
    return {
      epoch,
      step,
      node: bad.block,
      message: `training diverged ${where}: the ${bad.what === 'W' ? 'weights' : 'biases'} of node ${bad.block} became non-finite (loss ${loss}); try a smaller --lr or a larger --tau`,
    };
  }
  const { gpos, out, Gw } = unitLayout(spec);
  const G = engine.forwardPre(x, S);
  // Deepest first: the first node whose pre-activation is non-finite is where it started.
  for (let k = tree.internal.length - 1; k >= 0; k--) {
    for (let s = 0; s < S; s++) {
      for (let u = gpos[k]!; u < gpos[k]! + out[k]!; u++) {
        if (!Number.isFinite(G[s * Gw + u]!)) {
          const name = tree.nodes[tree.internal[k]!]!.name;
          return { epoch, step, node: name, message: `training diverged ${where}: the pre-activation of node ${name} is non-finite (loss ${loss})` };
        }
      }
    }
  }
  return {
    epoch,
    step,
    node: null,
    message: `training diverged ${where}: the loss is ${loss} with finite parameters and outputs (overflow in the loss: try a larger --tau or --normalize)`,
  };
}
