/**
 * Training presets (docs/theory.md, "The official HLTM protocol").
 *  - official: what facebookresearch/luckmatters ssl/hltm trains by default: depth 5, binary tree,
 *    hid 10, batch 128, 64 000 fresh samples per epoch, 20 epochs, plain SGD lr 0.1,
 *    |ρ| ~ U[0.7, 1], official_nce τ = 0.01, H = 1, output normalisation ε = 1e-4, PyTorch default
 *    initialisation with biases, `root` augmentation.
 *  - readme: the official README's example: the same with δ_lower 0.8, τ 0.1, 50 epochs.
 *  - large (docs/gpu.md): depth 10 (1 024 leaves), hid 32, batch 1 024, 1 M triples per epoch, on the
 *    WebGPU engine; no operator estimate (its float64 Jacobians would take minutes per evaluation).
 *    Initialisation `gaussian` (zero biases, W ~ N(0, 1/fan-in)): with PyTorch's default the biases
 *    drown the input's signal after 10 levels (the signal shrinks ≈ √6 per level, the biases do
 *    not), the loss sits at −σ(0) = −0.5 and nothing learns, at lr 0.1 or 1 (measured, docs/gpu.md).
 *    Batches from the bit-sliced sampler (hltm/bitslicedBatch.ts, ≈ 3× faster at this size).
 *  - simclr: the official tree and protocol trained as SimCLR trains: NT-Xent (ntxent, on cosine
 *    similarities, τ 0.1) with in-batch negatives (H = 2B − 2 = 254), symmetric, output
 *    normalisation. NT-Xent rather than symmetric in-batch nce: it is what SimCLR code computes
 *    (no factor τ, cosine similarity; nce = τ·ntxent for unit outputs, so nce at lr 0.1 would be
 *    ntxent at lr 0.01), and its all-zero outputs stay 0 as in PyTorch. lr 0.1 as the official run.
 * resolveOptions merges a user's fields over a preset and validates the result (options.ts).
 */
import { InputError, describe } from '../errors.js';
import { validateOptions, type TrainOptions } from './options.js';

export const OFFICIAL: TrainOptions = {
  depth: 5,
  children: 2,
  hid: 10,
  batch: 128,
  epochs: 20,
  samplesPerEpoch: 64_000,
  optimizer: 'sgd',
  lr: 0.1,
  loss: 'official_nce',
  tau: 0.01,
  r0: 0,
  negatives: 1,
  normalize: true,
  eps: 1e-4,
  bias: true,
  init: 'pytorch',
  activation: 'relu',
  deltaLower: 0.7,
  deltaUpper: 1,
  rootPrior: 0.5,
  augmentation: 'root',
  seed: 1,
  engine: 'f32',
  backend: 'wasm',
  evalSamples: 8000,
  opSamples: 500,
};

export const PRESETS: Readonly<Record<string, TrainOptions>> = {
  official: OFFICIAL,
  readme: { ...OFFICIAL, deltaLower: 0.8, tau: 0.1, epochs: 50 },
  large: { ...OFFICIAL, depth: 10, hid: 32, batch: 1024, samplesPerEpoch: 1_000_000, init: 'gaussian', sampler: 'bitsliced', engine: 'webgpu', opSamples: 0 },
  simclr: { ...OFFICIAL, loss: 'ntxent', tau: 0.1, inBatch: true, symmetric: true },
};

export const PRESET_NAMES = Object.keys(PRESETS);

/** The preset (default 'official') with the given fields replacing its own, validated. */
export function resolveOptions(preset: string | undefined, overrides: Partial<TrainOptions> = {}): TrainOptions {
  const name = preset ?? 'official';
  const base = PRESETS[name];
  if (!base) throw new InputError('--preset', `unknown preset ${describe(name)} (${PRESET_NAMES.join(', ')})`);
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<TrainOptions>;
  const o = { ...base, ...defined };
  validateOptions(o);
  return o;
}
