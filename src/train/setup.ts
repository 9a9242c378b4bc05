/**
 * A training run before any step (docs/theory.md §1, claims C11, C12): the random HLTM, the
 * tree-matched network and its initial weights, the engine, and the evaluation set; and the
 * evaluation of the engine's current network (correlation metric, weight norms, operator estimate).
 *
 * Seeded streams (numeric/random.ts deriveSeed(seed, label)): 'tree' (polarities), 'init'
 * (weights), 'eval' (the evaluation set, drawn once); train.ts adds 'train' (the tuples of every
 * step). Runs that differ only in δ, hid, loss or augmentation therefore share what they can: with
 * equal depth and children the same tree signs and |ρ| quantiles; with equal shapes the same
 * initial weights.
 */
import { parseAugmentation } from '../hltm/augmentation.js';
import type { Tree } from '../hltm/tree.js';
import { parseActivation } from '../network/activation.js';
import { treeArchitecture, type NetworkSpec } from '../network/architecture.js';
import { initParams } from '../network/init.js';
import { deriveSeed, Rng } from '../numeric/random.js';
import { createEngine } from '../engines/create.js';
import type { TrainEngine } from '../engines/engine.js';
import type { EvalSet } from '../engines/unitSums.js';
import { correlations, drawEvalSet, engineSource } from './evaluate.js';
import { operatorEstimate, type LayerOperator } from './operator.js';
import { lossOf, sampledNegatives, type TrainOptions } from './options.js';
import { randomPolarityTree } from './polarity.js';
import { weightNorms, type LayerNorm } from './weightNorms.js';

/** Everything a run is built from, without training (tests, benches, statistical checks). */
export interface RunSetup {
  readonly options: TrainOptions;
  readonly tree: Tree;
  readonly spec: NetworkSpec;
  readonly engine: TrainEngine;
  readonly evalSet: EvalSet;
}

/** One evaluation of a run's network. */
export interface RunEvaluation {
  /** Mean best |corr| per height, index h − 1 (height 1: parents of leaves; last: the root). */
  readonly corrByHeight: number[];
  /** best |corr| per internal node, in tree.internal order. */
  readonly corrByNode: number[];
  readonly weightNorms: LayerNorm[];
  /** Covariance-operator estimate per layer cut (null when opSamples = 0). */
  readonly operator: LayerOperator[] | null;
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
    H: sampledNegatives(o),
    ...(o.inBatch === true ? { inBatch: { symmetric: o.symmetric === true } } : {}),
  });
  const evalSet = drawEvalSet(tree, parseAugmentation(o.augmentation), o.evalSamples, new Rng(deriveSeed(o.seed, 'eval')));
  return { options: o, tree, spec, engine, evalSet };
}

/** Evaluates the engine's current network (correlations, norms, operator). */
export function evaluateRun(setup: RunSetup): RunEvaluation {
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
