/**
 * Claim C9 (statistical): the sampler is right. Transition frequencies match (1+ρ)/2 per edge,
 * positives share x_0 (and are independent below it), negatives are independent of the anchor.
 * Each check runs the binomial tests of tupleLaw.ts on fixed trees (complete, irregular with
 * p_0 = 0.3, and for the batch sampler the paper's depth-5 tree) under five augmentations, and
 * decides them with src/stats/binomial.ts: false-failure rate α = 1e-6 for the claim (5e-7 per check,
 * Bonferroni-split over the tests), power: every test detects a deviation of δ = 0.05, else
 * 'inconclusive'. Streams are seeded from RunOptions.seed (deriveSeed), so CI is deterministic.
 */
import { Rng, deriveSeed } from '../../src/numeric/random.js';
import type { Check, CheckResult, ClaimRecord, CustomCheck, RunOptions } from '../../src/runner/check.js';
import { augmentationName, parseAugmentation, sampleTuple, type Augmentation } from '../../src/hltm/augmentation.js';
import { allocBatch, sampleBatch } from '../../src/hltm/batch.js';
import { decideFrequencies, type Counter } from '../../src/stats/index.js';
import { transitionCounters, tupleCounters } from '../../src/hltm/tupleLaw.js';
import { buildTree, completeTree, type Tree } from '../../src/hltm/tree.js';

export const record: ClaimRecord = {
  id: 'C9',
  title: 'The HLTM sampler is right',
  statement: 'The sampler is right: empirical transition frequencies match ρ; positives share z_0; negatives are independent',
  section: 'THEORY.md §1.1, §2 (C9)',
  kind: 'statistical',
  holdsFor: ['sampler (reference: sampleNodes/sampleTuple; fast: sampleBatch)'],
  breaksWith: [],
};

export const ALPHA_PER_CHECK = 5e-7;
export const DELTA = 0.05;
export const AUGMENTATIONS = ['root', 'level(1)', 'level(2)+flip(0.05)', 'flip(0.1)', 'none-shared'];

/** The fixed trees: ρ = ±1, 0 and in between; an irregular one with p_0 = 0.3; the paper's depth 5. */
export function c9Trees(): Record<string, Tree> {
  const rhos = [1, -1, 0, 0.5, -0.5, 0.9, 0.75, -0.25, 1, -1, 0, 0.6, -0.8, 0.3];
  const t1 = completeTree(3, 2, (_name, depth) => rhos[(depth * 5 + _name.length * 3 + Number(_name.slice(1) || 0)) % rhos.length]!, 0.5);
  const t2 = buildTree([[0, [0, 0]], 0, [[0, 0, 0]]], { s0: 0.8, s1: -0.6, s2: 1, s00: 0, s01: -1, s20: 0.4, s010: 0.7, s011: -0.9, s200: 0.2, s201: -1, s202: 0.95 }, 0.3);
  const r = new Rng(2010).fork();
  const t3 = completeTree(5, 2, () => (r.bernoulli(0.5) ? 1 : -1) * r.range(0.7, 1), 0.5);
  return { 'complete d3': t1, 'irregular p0=0.3': t2, 'paper d5': t3 };
}

/** Receives one tuple's full node vectors at the given offsets (negatives at negOff + h·nNodes). */
export type TupleSink = (anchor: Uint8Array, aOff: number, pos: Uint8Array, pOff: number, neg: Uint8Array, negOff: number) => void;
/** Draws `count` tuples of (tree, aug, H) from some sampler. */
export type TupleSource = (tree: Tree, aug: Augmentation, H: number, count: number, rng: Rng, sink: TupleSink) => void;

export const referenceSource: TupleSource = (tree, aug, H, count, rng, sink) => {
  const n = tree.nodes.length;
  const neg = new Uint8Array(H * n);
  for (let t = 0; t < count; t++) {
    const tuple = sampleTuple(tree, aug, H, rng);
    tuple.negs.forEach((v, h) => neg.set(v, h * n));
    sink(tuple.anchor, 0, tuple.pos, 0, neg, 0);
  }
};

export const batchSource: TupleSource = (tree, aug, H, count, rng, sink) => {
  const n = tree.nodes.length;
  const B = 1024;
  const batch = allocBatch(tree, H, B, { nodes: true });
  for (let done = 0; done < count; done += B) {
    sampleBatch(tree, aug, H, B, rng, batch);
    for (let b = 0; b < Math.min(B, count - done); b++) sink(batch.anchorNodes!, b * n, batch.posNodes!, b * n, batch.negNodes!, b * H * n);
  }
};

/** All C9 counters for one tree and augmentation: transitions of anchors and negatives, tuple events. */
export function c9Counters(tree: Tree, aug: Augmentation, source: TupleSource, count: number, rng: Rng, label = '', H = 2): Counter[] {
  const n = tree.nodes.length;
  const prefix = `${label}${augmentationName(aug)}: `;
  const trans = transitionCounters(tree, prefix, aug.flip);
  const tuples = tupleCounters(tree, aug, prefix);
  source(tree, aug, H, count, rng, (anchor, aOff, pos, pOff, neg, negOff) => {
    trans.add(anchor, aOff);
    for (let h = 0; h < H; h++) trans.add(neg, negOff + h * n);
    tuples.add(anchor, aOff, pos, pOff, neg, negOff, H);
  });
  return [...trans.counters, ...tuples.counters];
}

function samplerCheck(name: 'reference' | 'batch', source: TupleSource, trees: string[]): CustomCheck {
  const id = `C9/statistical/${name}-sampler`;
  return {
    type: 'custom',
    id,
    claim: 'C9',
    title: `${name} sampler: transitions, shared x_0 of positives, independent negatives`,
    variant: `${name} sampler; ${AUGMENTATIONS.join(', ')}`,
    expect: 'hold',
    arithmetic: 'statistical',
    run(options: RunOptions): Omit<CheckResult, 'ms'> {
      const count = options.numRuns ?? (options.scale === 'ci' ? 50_000 : 500_000);
      const all = c9Trees();
      const counters: Counter[] = [];
      let step = 0;
      for (const t of trees) {
        for (const a of AUGMENTATIONS) {
          const rng = new Rng(deriveSeed(options.seed, id, t, a)).fork(); // fork: a fresh xoroshiro state starts poorly mixed
          counters.push(...c9Counters(all[t]!, parseAugmentation(a), source, count, rng, `${t}, `));
          options.onProgress?.(++step / (trees.length * AUGMENTATIONS.length), id);
        }
      }
      const v = decideFrequencies(counters, ALPHA_PER_CHECK, DELTA);
      const w = v.worst;
      const error = w ? Math.abs(w.k / Math.max(1, w.n) - w.p) : 0;
      return {
        check: id,
        claim: 'C9',
        verdict: v.verdict,
        expect: 'hold',
        arithmetic: 'statistical',
        variant: `${name} sampler`,
        cases: count * trees.length * AUGMENTATIONS.length,
        worst: { ratio: error / v.detectable, error, tolerance: v.detectable },
        seed: options.seed,
        statistic: {
          test: 'two-sided Chernoff–Hoeffding binomial bound 2·exp(−n·KL(p̂‖p)), Bonferroni',
          alpha: v.alpha,
          alphaEach: v.alphaEach,
          tests: v.tests,
          delta: v.delta,
          detectable: v.detectable,
          tuplesPerCase: count,
          worst: w ? w.label : '-',
          worstZ: w ? w.z : 0,
        },
        message: v.message,
      };
    },
  };
}

export const checks: Check[] = [
  samplerCheck('reference', referenceSource, ['complete d3', 'irregular p0=0.3']),
  samplerCheck('batch', batchSource, ['complete d3', 'irregular p0=0.3', 'paper d5']),
];
