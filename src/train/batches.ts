/**
 * The batches of a training run (train.ts, and the benchmarks that time its loop): the sequential
 * sampler's single stream deriveSeed(seed, 'train') (hltm/batch.ts; every preset but `large`), or
 * the bit-sliced sampler's per-batch streams deriveSeed(seed, 'train', epoch, index)
 * (hltm/batchStream.ts), sampled ahead by `threads` worker threads (hltm/parallelSampler.ts;
 * 0: this thread; default samplerThreads(): --sampler-threads, else cores − 1, at least 1). The threads change the wall time, never a batch.
 */
import { parseAugmentation } from '../hltm/augmentation.js';
import { allocBatch, sampleBatch, type Batch } from '../hltm/batch.js';
import type { BatchStream } from '../hltm/batchStream.js';
import { openBatchStream, samplerThreads } from '../hltm/parallelSampler.js';
import { deriveSeed, Rng } from '../numeric/random.js';
import { sampledNegatives } from './options.js';
import type { RunSetup } from './setup.js';

/** `total` batches of the run (`stepsPerEpoch` per epoch): the sequential sampler's single stream, or the bit-sliced sampler's per-batch streams. */
export function trainBatches(setup: RunSetup, total: number, stepsPerEpoch: number, threads = samplerThreads()): BatchStream {
  const { options: o, tree } = setup;
  const augmentation = parseAugmentation(o.augmentation);
  const H = sampledNegatives(o);
  if (o.sampler === 'bitsliced') return openBatchStream({ tree, augmentation, H, B: o.batch, seed: o.seed, stepsPerEpoch, total }, threads);
  const rng = new Rng(deriveSeed(o.seed, 'train'));
  const batch = allocBatch(tree, H, o.batch);
  return { next: (): Batch => sampleBatch(tree, augmentation, H, o.batch, rng, batch), close: () => undefined };
}
