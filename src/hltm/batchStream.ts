/**
 * The training stream of the bit-sliced sampler (`sampler: 'bitsliced'`: `--preset large`, the large
 * scale): batch g of a run (epoch e = 1 + ⌊g / stepsPerEpoch⌋, index i = g mod stepsPerEpoch) is
 * sampleBatchBitsliced with its own random stream, seeded deriveSeed(seed, 'train', e, i). A batch
 * therefore depends on (seed, epoch, index) only, never on which thread samples it or in what order:
 * the main thread (`--sampler-threads 0`, `InThreadStream` here) and any number of worker threads
 * (parallelSampler.ts) give the same batches, bit for bit.
 *
 * A `BatchStream` hands out the run's batches in order; the batch returned by `next()` stays valid
 * until the following `next()` or `close()`.
 */
import { deriveSeed, Rng } from '../numeric/random.js';
import type { Augmentation } from './augmentation.js';
import { allocBatch, type Batch } from './batch.js';
import { sampleBatchBitsliced } from './bitslicedBatch.js';
import type { Tree } from './tree.js';

/** What a stream samples. */
export interface StreamSpec {
  readonly tree: Tree;
  readonly augmentation: Augmentation;
  /** Negatives sampled per tuple (sampledNegatives). */
  readonly H: number;
  readonly B: number;
  /** The run's seed. */
  readonly seed: number;
  readonly stepsPerEpoch: number;
  /** Batches in the run (epochs · stepsPerEpoch); next() beyond is an error. */
  readonly total: number;
}

export interface BatchStream {
  /** The next batch of the run (batch g after g calls). */
  next(): Batch;
  /** Stops the stream (its workers, if any); the last batch becomes invalid. */
  close(): void;
}

/** The seed of batch g's random stream: deriveSeed(seed, 'train', epoch, index). */
export function streamBatchSeed(spec: Pick<StreamSpec, 'seed' | 'stepsPerEpoch'>, g: number): number {
  return deriveSeed(spec.seed, 'train', 1 + Math.floor(g / spec.stepsPerEpoch), g % spec.stepsPerEpoch);
}

/** Samples batch g of the stream into `out`. */
export function sampleStreamBatch(spec: StreamSpec, g: number, out: Batch): Batch {
  return sampleBatchBitsliced(spec.tree, spec.augmentation, spec.H, spec.B, new Rng(streamBatchSeed(spec, g)), out);
}

/** The stream sampled in this thread, one batch at a time (`--sampler-threads 0`). */
export class InThreadStream implements BatchStream {
  private readonly batch: Batch;
  private g = 0;

  constructor(private readonly spec: StreamSpec) {
    this.batch = allocBatch(spec.tree, spec.H, spec.B);
  }

  next(): Batch {
    if (this.g >= this.spec.total) throw new RangeError(`BatchStream.next: all ${this.spec.total} batches were taken`);
    return sampleStreamBatch(this.spec, this.g++, this.batch);
  }

  close(): void {}
}
