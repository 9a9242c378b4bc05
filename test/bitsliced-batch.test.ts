/**
 * The bit-sliced batch sampler (src/hltm/bitslicedBatch.ts) against the sequential one (batch.ts,
 * itself checked against the exact law by C9): the same law, another stream.
 *
 * - bern32: each bit is 1 with probability t/2^32 (t = 0 and 2^32 exact);
 * - the tuple law: 40 indicator statistics (leaf values, anchor–positive, anchor–negative and
 *   negative–negative agreement, latent–leaf agreement) of 16 000 tuples from each sampler, two-sample
 *   z-tests with Bonferroni: the false-failure rate of the whole test is below 1e-6 (|z| > 5.73);
 * - shapes: a batch that is not a multiple of 32, H = 2 (negative h of tuple b is row b·H + h),
 *   node vectors that agree with the leaves and latents; determinism per seed.
 */
import { describe, expect, it } from 'vitest';
import { bern32, sampleBatchBitsliced } from '../src/hltm/bitslicedBatch.js';
import { allocBatch, sampleBatch, type Batch } from '../src/hltm/batch.js';
import { parseAugmentation } from '../src/hltm/augmentation.js';
import { completeTree } from '../src/hltm/tree.js';
import { Rng } from '../src/numeric/random.js';

const TWO32 = 4294967296;
const tree = completeTree(3, 2, (name) => (name.length % 3 === 0 ? -0.75 : 0.85));
const L = tree.leaves.length;
const nI = tree.internal.length;

describe('bern32', () => {
  it('t = 0 and t = 2^32 are exact; each bit is 1 with probability t/2^32 (z-test, false-failure rate < 1e-7 per t)', () => {
    const rng = new Rng(11);
    expect(bern32(rng, 0)).toBe(0);
    expect(bern32(rng, TWO32)).toBe(-1);
    for (const p of [0.5, 0.15, 0.925, 1 / 3, 2 ** -10]) {
      const t = Math.round(p * TWO32);
      const words = 20_000;
      let ones = 0;
      for (let i = 0; i < words; i++) {
        let w = bern32(rng, t);
        while (w !== 0) {
          w &= w - 1;
          ones++;
        }
      }
      const n = words * 32;
      const z = (ones / n - t / TWO32) / Math.sqrt(((t / TWO32) * (1 - t / TWO32)) / n);
      expect(Math.abs(z), `p ${p}: ${ones}/${n}`).toBeLessThan(5.33);
    }
  });
});

/** Indicator statistics of a batch, summed over its tuples. */
function features(b: Batch): number[] {
  const f: number[] = [];
  const add = (k: number, v: number) => (f[k] = (f[k] ?? 0) + v);
  for (let i = 0; i < b.B; i++) {
    const a = (j: number) => b.anchor[i * L + j]!;
    let k = 0;
    for (let j = 0; j < L; j++) add(k++, a(j));
    for (let j = 0; j < L; j++) add(k++, a(j) === b.pos[i * L + j]! ? 1 : 0);
    for (let j = 0; j < L; j++) add(k++, a(j) === b.neg[(i * b.H) * L + j]! ? 1 : 0);
    for (let j = 0; j < L; j++) add(k++, b.neg[(i * b.H) * L + j]! === b.neg[(i * b.H + 1) * L + j]! ? 1 : 0);
    for (let j = 0; j < nI; j++) add(k++, b.anchorLatents[i * nI + j]! === a(j % L) ? 1 : 0);
    add(k++, b.anchorLatents[i * nI]!);
  }
  return f;
}

describe('sampleBatchBitsliced', () => {
  it('has the law of sampleBatch: 40 statistics, two-sample z-tests, Bonferroni (false-failure rate < 1e-6)', () => {
    const aug = parseAugmentation('level(1)+flip(0.1)');
    const B = 1000;
    const rounds = 16;
    const seq = new Rng(1);
    const bit = new Rng(2);
    const sums = [new Array<number>(40).fill(0), new Array<number>(40).fill(0)];
    const out = allocBatch(tree, 2, B);
    for (let r = 0; r < rounds; r++) {
      features(sampleBatch(tree, aug, 2, B, seq, out)).forEach((v, k) => (sums[0]![k]! += v));
      features(sampleBatchBitsliced(tree, aug, 2, B, bit, out)).forEach((v, k) => (sums[1]![k]! += v));
    }
    const n = B * rounds;
    expect(sums[0]!.length).toBe(40);
    for (let k = 0; k < 40; k++) {
      const p1 = sums[0]![k]! / n;
      const p2 = sums[1]![k]! / n;
      const p = (p1 + p2) / 2;
      const z = p === 0 || p === 1 ? 0 : (p1 - p2) / Math.sqrt((p * (1 - p) * 2) / n);
      expect(Math.abs(z), `statistic ${k}: sequential ${p1}, bit-sliced ${p2}`).toBeLessThan(5.73);
    }
  });

  it('B not a multiple of 32, H = 2, node vectors: rows where they belong, leaves and latents from the same nodes', () => {
    const aug = parseAugmentation('root+flip(0.05)');
    const b = sampleBatchBitsliced(tree, aug, 2, 45, new Rng(3), allocBatch(tree, 2, 45, { nodes: true }));
    const n = tree.nodes.length;
    for (let i = 0; i < 45; i++) {
      tree.leaves.forEach((node, j) => {
        expect(b.anchor[i * L + j]).toBe(b.anchorNodes![i * n + node]);
        expect(b.pos[i * L + j]).toBe(b.posNodes![i * n + node]);
        for (let h = 0; h < 2; h++) expect(b.neg[(i * 2 + h) * L + j]).toBe(b.negNodes![(i * 2 + h) * n + node]);
      });
      tree.internal.forEach((node, k) => expect(b.anchorLatents[i * nI + k]).toBe(b.anchorNodes![i * n + node]));
      // root augmentation: anchor and positive share the root
      expect(b.anchorNodes![i * n]).toBe(b.posNodes![i * n]);
    }
    // the last group's lanes are filled (not left at 0 everywhere)
    expect(b.anchor.subarray(32 * L).some((v) => v === 1)).toBe(true);
  });

  it('the same seed gives the same batch, another seed another', () => {
    const aug = parseAugmentation('root');
    const one = sampleBatchBitsliced(tree, aug, 1, 64, new Rng(9));
    const two = sampleBatchBitsliced(tree, aug, 1, 64, new Rng(9));
    const other = sampleBatchBitsliced(tree, aug, 1, 64, new Rng(10));
    expect(Buffer.from(two.anchor.buffer).equals(Buffer.from(one.anchor.buffer))).toBe(true);
    expect(Buffer.from(two.neg.buffer).equals(Buffer.from(one.neg.buffer))).toBe(true);
    expect(Buffer.from(other.anchor.buffer).equals(Buffer.from(one.anchor.buffer))).toBe(false);
  });
});
