/**
 * Adapter from the training engine (src/train/train.ts, `train(options, onEpoch)`) to the TrainFn
 * interface of the claims and the sweep: a fixed number of SGD steps is `epochs` epochs of
 * steps/epochs · batch fresh tuples each (epoch 0 is the initialisation), no operator estimate
 * (opSamples 0), engine f32. A run that diverges keeps its last finite evaluation (`diverged`).
 * Loaded lazily, so a missing or broken engine makes the claims `inconclusive` with the reason
 * instead of breaking the registry's import.
 */
import type { EngineName } from '../engines/engine.js';
import type { TrainFn, TrainRun, TrainSetting } from './trainFn.js';

/** Engine options outside TrainSetting (the sweep passes them through). */
export interface EngineExtras {
  readonly engine?: EngineName;
  readonly backend?: string;
}

type EngineTrain = typeof import('../train/train.js').train;

/** The options `train()` gets for a setting and seed (exported for tests and docs). */
export function engineOptions(s: TrainSetting, seed: number, extras: EngineExtras = {}) {
  const epochs = s.steps === 0 ? 0 : Math.max(1, Math.min(s.evalEpochs ?? 1, s.steps));
  const stepsPerEpoch = epochs === 0 ? 1 : s.steps / epochs;
  if (!Number.isInteger(stepsPerEpoch)) throw new RangeError(`steps ${s.steps} is not a multiple of evalEpochs ${epochs}`);
  return {
    preset: s.preset,
    depth: s.depth,
    children: s.children,
    hid: s.hid,
    deltaLower: s.deltaLower,
    deltaUpper: s.deltaUpper,
    loss: s.loss,
    tau: s.tau,
    negatives: s.H,
    augmentation: s.augmentation,
    batch: s.batch,
    lr: s.lr,
    epochs,
    samplesPerEpoch: stepsPerEpoch * s.batch,
    evalSamples: s.evalSamples,
    opSamples: 0,
    seed,
    ...(s.inBatch ? { inBatch: true, symmetric: s.inBatch.symmetric } : {}),
    ...(extras.engine ? { engine: extras.engine } : {}),
    ...(extras.backend ? { backend: extras.backend } : {}),
  };
}

/** A TrainFn over the engine's train(). */
export function trainFnOf(train: EngineTrain, extras: EngineExtras = {}): TrainFn {
  return async (s: TrainSetting, seed: number): Promise<TrainRun> => {
    const r = await train(engineOptions(s, seed, extras));
    const first = r.epochs[0];
    const last = r.epochs[r.epochs.length - 1];
    if (!first || !last) throw new Error(`train() returned no evaluation (seed ${seed}): ${r.divergence?.message ?? 'no epochs'}`);
    return {
      seed,
      init: first.corrByHeight,
      final: last.corrByHeight,
      steps: last.steps,
      diverged: r.status === 'diverged',
      ms: Math.round(r.wallSeconds * 1000),
    };
  };
}

/** The engine's module (what loadEngineTrainFn imports): pool workers preload it (PoolOptions.preload). */
export const ENGINE_MODULE = new URL('../train/train.js', import.meta.url).href;

export async function loadEngineTrainFn(extras: EngineExtras = {}): Promise<{ readonly train: TrainFn } | { readonly unavailable: string }> {
  try {
    const mod = await import('../train/train.js');
    if (typeof mod.train !== 'function') return { unavailable: 'src/train/train.ts exports no train()' };
    return { train: trainFnOf(mod.train, extras) };
  } catch (e) {
    return { unavailable: `training engine unavailable (${(e as Error).message.split('\n')[0]!.slice(0, 160)})` };
  }
}
