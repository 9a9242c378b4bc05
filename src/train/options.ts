/**
 * Options of a training run (`covcheck train`, `train()`) and their validation (the presets and
 * their merge with the user's fields: presets.ts). Every validation error is an InputError naming
 * the CLI flag ("--lr", "--delta-lower", ...).
 */
import { InputError, describe } from '../errors.js';
import { trainSizeProblem } from './limits.js';
import { parseAugmentation } from '../hltm/augmentation.js';
import { parseActivation } from '../network/activation.js';
import type { InitScheme } from '../network/init.js';
import { parseLoss, LOSS_NAMES, type Loss } from '../losses/index.js';
import { BACKEND_NAMES } from '../engines/backend.js';
import { ENGINE_NAMES, type EngineName } from '../engines/engine.js';
import type { OptimizerName } from '../engines/optimizer.js';

export interface TrainOptions {
  /** Complete tree: `depth` levels of latents, `children` per node (leaves = children^depth). */
  readonly depth: number;
  readonly children: number;
  /** Units per internal node (the root's output width too). */
  readonly hid: number;
  /** Tuples per SGD step. */
  readonly batch: number;
  /** Epochs after the evaluation at initialisation (0: evaluate the initialisation only). */
  readonly epochs: number;
  /** Fresh tuples per epoch; steps per epoch = ⌈samplesPerEpoch / batch⌉. */
  readonly samplesPerEpoch: number;
  readonly optimizer: OptimizerName;
  readonly lr: number;
  /** simp, tri, nce, official_nce, official_subtract (or a plugin's name when `lossObject` is set). */
  readonly loss: string;
  /** A user's loss (plugin, `--loss ./file.ts`): trained as given; `loss` is then its name only. */
  readonly lossObject?: Loss;
  /** Temperature of tri/nce/official_nce. */
  readonly tau: number;
  /** Margin of tri. */
  readonly r0: number;
  /** Negatives per tuple H (tri: 1); unused with `inBatch`. */
  readonly negatives: number;
  /** In-batch negatives (`--negatives in-batch`): anchor i's negatives are the other rows' 2B − 2 views. */
  readonly inBatch?: boolean;
  /** `--symmetric` (in-batch only): every view is an anchor once (2B anchors); ntxent always is. */
  readonly symmetric?: boolean;
  /** Output normalisation f/(‖f‖ + eps). */
  readonly normalize: boolean;
  readonly eps: number;
  readonly bias: boolean;
  readonly init: InitScheme;
  /** relu (default), leaky_relu:<slope>, linear, tanh, softplus, gelu. */
  readonly activation: string;
  /** |ρ| ~ U[deltaLower, deltaUpper] per edge, random sign, drawn once per tree from the seed. */
  readonly deltaLower: number;
  readonly deltaUpper: number;
  readonly rootPrior: number;
  /** root, level(k), identity, none-shared, +flip(q). */
  readonly augmentation: string;
  readonly seed: number;
  /** f32 (hand-written kernels, default) or tfjs. */
  readonly engine: EngineName;
  /** TF.js backend of the tfjs engine. */
  readonly backend: string;
  /** Evaluation samples (drawn once per run). */
  readonly evalSamples: number;
  /** Samples of the covariance-operator estimate (0: skip it). */
  readonly opSamples: number;
}

const INITS: readonly InitScheme[] = ['pytorch', 'gaussian', 'uniform', 'dyadic'];

const int = (flag: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): void => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InputError(flag, `expected an integer in [${min}, ${max}], got ${describe(v)}`);
  }
};
const num = (flag: string, v: unknown): number => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(flag, `expected a finite number, got ${describe(v)}`);
  return v;
};

/** Throws an InputError naming the flag of the first invalid option. */
export function validateOptions(o: TrainOptions): void {
  int('--depth', o.depth, 1, 12);
  int('--children', o.children, 1, 64);
  if (o.children ** o.depth > 1 << 16) throw new InputError('--depth', `children^depth = ${o.children ** o.depth} leaves is too many (at most 65536)`);
  int('--hid', o.hid, 1, 1024);
  int('--batch', o.batch, 1, 1 << 20);
  int('--epochs', o.epochs, 0, 1_000_000);
  int('--samples-per-epoch', o.samplesPerEpoch, 1);
  if (o.optimizer !== 'sgd' && o.optimizer !== 'adam') throw new InputError('--optimizer', `expected sgd or adam, got ${describe(o.optimizer)}`);
  if (!(num('--lr', o.lr) > 0)) throw new InputError('--lr', `must be > 0, got ${o.lr}`);
  if (o.lossObject === undefined && !(LOSS_NAMES as readonly string[]).includes(o.loss)) throw new InputError('--loss', `unknown loss ${describe(o.loss)} (${LOSS_NAMES.join(', ')}, or a plugin file ./loss.ts)`);
  num('--tau', o.tau);
  if (o.lossObject === undefined && (o.loss === 'tri' ? o.tau < 0 : o.tau <= 0)) throw new InputError('--tau', `must be ${o.loss === 'tri' ? '>= 0' : '> 0'} for ${o.loss}, got ${o.tau}`);
  num('--r0', o.r0);
  int('--negatives', o.negatives, 1, 1024);
  if (o.loss === 'tri' && (o.negatives !== 1 || o.inBatch === true)) throw new InputError('--negatives', `tri takes H = 1 negative, got ${o.inBatch ? 'in-batch (H = 2B − 2)' : o.negatives}`);
  if (o.inBatch === true && o.batch < 2) throw new InputError('--batch', `in-batch negatives need a batch of at least 2, got ${o.batch}`);
  if (o.symmetric === true && o.inBatch !== true) throw new InputError('--symmetric', 'needs --negatives in-batch');
  if (o.loss === 'ntxent' && o.lossObject === undefined) {
    if (o.inBatch !== true) throw new InputError('--loss', 'ntxent needs --negatives in-batch');
    if (!o.normalize) throw new InputError('--normalize', 'ntxent (cosine similarity) needs output normalisation');
  }
  if (!(num('--eps', o.eps) >= 0)) throw new InputError('--eps', `must be >= 0, got ${o.eps}`);
  if (typeof o.normalize !== 'boolean') throw new InputError('--normalize', 'expected true or false');
  if (typeof o.bias !== 'boolean') throw new InputError('--bias', 'expected true or false');
  if (!INITS.includes(o.init)) throw new InputError('--init', `unknown init ${describe(o.init)} (${INITS.join(', ')})`);
  parseActivation(o.activation, '--activation');
  for (const [flag, v] of [['--delta-lower', o.deltaLower], ['--delta-upper', o.deltaUpper]] as const) {
    num(flag, v);
    if (v < 0 || v > 1) throw new InputError(flag, `polarity magnitudes must lie in [0, 1], got ${v}`);
  }
  if (o.deltaLower > o.deltaUpper) throw new InputError('--delta-lower', `must be <= --delta-upper (${o.deltaLower} > ${o.deltaUpper})`);
  num('--root-prior', o.rootPrior);
  if (!(o.rootPrior > 0 && o.rootPrior < 1)) throw new InputError('--root-prior', `must be in (0, 1), got ${o.rootPrior}`);
  parseAugmentation(o.augmentation, '--augmentation');
  if (typeof o.seed !== 'number' || !Number.isInteger(o.seed) || o.seed < -2147483648 || o.seed > 4294967295) {
    throw new InputError('--seed', `expected a 32-bit integer, got ${describe(o.seed)}`);
  }
  if (!(ENGINE_NAMES as readonly string[]).includes(o.engine)) throw new InputError('--engine', `unknown engine ${describe(o.engine)} (${ENGINE_NAMES.join(', ')})`);
  if (!(BACKEND_NAMES as readonly string[]).includes(o.backend)) throw new InputError('--backend', `unknown backend ${describe(o.backend)} (${BACKEND_NAMES.join(', ')})`);
  int('--eval-samples', o.evalSamples, 2);
  int('--op-samples', o.opSamples, 0);
  const size = trainSizeProblem(o);
  if (size !== null) throw new InputError(...size);
}

/** The Loss object of the options. */
export function lossOf(o: TrainOptions): Loss {
  if (o.lossObject) return o.lossObject;
  switch (o.loss) {
    case 'tri':
      return parseLoss({ name: 'tri', tau: o.tau, r0: o.r0 }, '--loss');
    case 'nce':
    case 'official_nce':
    case 'ntxent':
      return parseLoss({ name: o.loss, tau: o.tau }, '--loss');
    default:
      return parseLoss({ name: o.loss }, '--loss');
  }
}

/** Negatives the sampler draws per tuple: H, or 0 with in-batch negatives (the batch is its own). */
export function sampledNegatives(o: TrainOptions): number {
  return o.inBatch === true ? 0 : o.negatives;
}

/** H as the loss sees it: 2B − 2 with in-batch negatives. */
export function negativesSeen(o: TrainOptions): number {
  return o.inBatch === true ? 2 * o.batch - 2 : o.negatives;
}
