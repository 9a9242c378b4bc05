/**
 * The large preset's batch stream (depth 10, binary, B 1 024, bit-sliced: hltm/batchStream.ts) sampled
 * by 0, 1, 2, … worker threads (hltm/parallelSampler.ts, `--sampler-threads`), and the large preset's
 * training throughput on f32 with and without them. Rows of `npm run bench` (bench/main.ts); the
 * GPU run (scripts/gpu/main.ts) measures the stream with all the machine's cores.
 * Run alone: node bin/run-ts.js bench/parallelSampler.ts [threads…]
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { parseAugmentation } from '../src/hltm/augmentation.js';
import type { StreamSpec } from '../src/hltm/batchStream.js';
import { openBatchStream } from '../src/hltm/parallelSampler.js';
import { completeTree } from '../src/hltm/tree.js';
import { PRESETS } from '../src/train/presets.js';
import { train } from '../src/train/train.js';

const LARGE = PRESETS.large!;

/** The large preset's stream of `batches` batches (a fixed tree of its size; the law's cost does not depend on ρ). */
export function largeStreamSpec(batches: number): StreamSpec {
  const tree = completeTree(LARGE.depth, LARGE.children, (name) => (name.length % 2 === 0 ? 0.8 : -0.9));
  return { tree, augmentation: parseAugmentation(LARGE.augmentation), H: LARGE.negatives, B: LARGE.batch, seed: 1, stepsPerEpoch: Math.ceil(LARGE.samplesPerEpoch / LARGE.batch), total: batches + 1 };
}

export interface StreamRate {
  readonly threads: number;
  /** Triples per second, wall clock, of the batches after the first (worker start-up excluded). */
  readonly triplesPerSecond: number;
  /** Triples per CPU-second of the whole process (every thread), the same batches. */
  readonly triplesPerCpuSecond: number;
}

/** The consumer takes `batches` batches (no training step) from `threads` workers. */
export function samplerStreamRate(threads: number, batches = 40): StreamRate {
  const spec = largeStreamSpec(batches);
  const stream = openBatchStream(spec, threads);
  try {
    stream.next(); // workers started and warm
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let g = 0; g < batches; g++) stream.next();
    const wall = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const triples = batches * spec.B;
    return { threads, triplesPerSecond: triples / wall, triplesPerCpuSecond: triples / ((c.user + c.system) / 1e6) };
  } finally {
    stream.close();
  }
}

/** Seconds the sampler alone needs for one epoch of the large preset (1 M triples) on `threads` cores at `perCore` triples/s each. */
export function epochSamplingSeconds(perCore: number, threads: number): number {
  return LARGE.samplesPerEpoch / (perCore * threads);
}

/** The large preset's training throughput on f32 (`steps` steps of 1 024, evaluation excluded) with `threads` sampler threads. */
export async function largeF32Rate(threads: number, steps = 2): Promise<number> {
  const r = await train({ preset: 'large', engine: 'f32', epochs: 1, samplesPerEpoch: steps * LARGE.batch, evalSamples: 2 }, undefined, { samplerThreads: threads });
  return r.epochs[1]!.triplesPerSecond;
}

const isMain = process.argv.slice(1).some((a) => resolve(a) === fileURLToPath(import.meta.url));
if (isMain) {
  const list = process.argv.slice(2).filter((a) => /^\d+$/.test(a)).map(Number);
  for (const n of list.length > 0 ? list : [0, 1, 2]) {
    const r = samplerStreamRate(n);
    console.log(`--sampler-threads ${n}: ${Math.round(r.triplesPerSecond).toLocaleString('en')} triples/s wall, ${Math.round(r.triplesPerCpuSecond).toLocaleString('en')} per CPU-second`);
  }
}
