/**
 * Micro-benchmark of the HLTM batch sampler (src/hltm/batch.ts): triples (x, x_+, x_−) per second
 * for the paper's tree (depth 5, binary: 63 nodes, 32 leaves), `root` augmentation, H = 1, one core.
 * Run: node bin/run-ts.js bench/hltm.ts
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { Rng } from '../src/numeric/random.js';
import { completeTree } from '../src/hltm/tree.js';
import { parseAugmentation } from '../src/hltm/augmentation.js';
import { allocBatch } from '../src/hltm/batch.js';
import { batchSampler } from '../src/hltm/bitslicedBatch.js';

export interface SamplerBenchOptions {
  readonly depth?: number;
  readonly children?: number;
  readonly augmentation?: string;
  readonly H?: number;
  readonly B?: number;
  /** Minimum measuring time in milliseconds (after a warm-up of the same length / 4). */
  readonly ms?: number;
  /** 'sequential' (batch.ts, default) or 'bitsliced' (bitslicedBatch.ts). */
  readonly sampler?: 'sequential' | 'bitsliced';
}

/** Triples per second of `sampleBatch` (best of the measured rounds). */
export function benchSampler(options: SamplerBenchOptions = {}): number {
  const { depth = 5, children = 2, augmentation = 'root', H = 1, B = 128, ms = 500 } = options;
  const sampleBatch = batchSampler(options.sampler);
  const rng = new Rng(1);
  const tree = completeTree(depth, children, (name) => (name.length % 2 === 0 ? 0.8 : -0.9));
  const aug = parseAugmentation(augmentation);
  const out = allocBatch(tree, H, B);
  const round = (budget: number): number => {
    let triples = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < budget) {
      for (let r = 0; r < 16; r++) sampleBatch(tree, aug, H, B, rng, out);
      triples += 16 * B;
      t = performance.now();
    }
    return (triples * 1000) / (t - t0);
  };
  round(ms / 4);
  let best = 0;
  for (let r = 0; r < 3; r++) best = Math.max(best, round(ms / 3));
  return best;
}

const isMain = process.argv.slice(1).some((a) => resolve(a) === fileURLToPath(import.meta.url));
if (isMain) {
  for (const augmentation of ['root', 'level(2)+flip(0.05)', 'identity', 'none-shared']) {
    const rate = benchSampler({ augmentation });
    console.log(`sampleBatch depth 5 binary, ${augmentation.padEnd(20)} H=1: ${Math.round(rate).toLocaleString('en')} triples/s`);
  }
}
