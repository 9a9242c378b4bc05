/**
 * HLTM machinery (docs/theory.md §1.1): sampler, augmentations, batch sampler, exact leaf law, generators.
 * The claim checks themselves (C8, C9) run in hltm-claims.test.ts.
 */
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { EXACT, F64 } from '../src/numeric/arith.js';
import { Rational } from '../src/numeric/rational.js';
import { tolerance } from '../src/numeric/tolerance.js';
import { Rng } from '../src/numeric/random.js';
import { InputError } from '../src/errors.js';
import { buildTree, completeTree, type Tree } from '../src/hltm/tree.js';
import { latentsOf, leavesOf, sampleNodes } from '../src/hltm/sampler.js';
import { augment, augmentationName, keptCount, parseAugmentation, sampleTuple } from '../src/hltm/augmentation.js';
import { allocBatch, sampleBatch } from '../src/hltm/batch.js';
import { leafDistribution, viewMarginal } from '../src/hltm/exactDistribution.js';
import { jointLatentLeaf } from '../src/hltm/latentLeaf.js';
import { marginals } from '../src/hltm/tupleLaw.js';
import { expectWithin } from './support/within.js';
import { arbPolarity, arbShape, arbTree } from '../properties/generators/tree.js';

const R = (s: string) => Rational.parse(s);
const strs = (xs: readonly Rational[]) => xs.map((x) => x.toString());
/** |k − n·p| ≤ 6 sd (+1): a false alarm has probability < 1e-8 per call. */
const near = (k: number, n: number, p: number) => expect(Math.abs(k - n * p)).toBeLessThanOrEqual(6 * Math.sqrt(n * p * (1 - p)) + 1);

const irregular = buildTree([[0, [0, 0]], 0, [[0, 0]]], { s0: 0.5, s1: -0.75, s2: 1, s00: 0, s01: -1, s20: 0.25, s010: 0.75, s011: -0.5, s200: 0.125, s201: 1 }, 0.25);

describe('golden cases by hand', () => {
  const t = buildTree([0, 0], { s0: 0.5, s1: 0.5 });
  it('root, ρ = 1/2: P(x | z_0) = (3/4)^agree (1/4)^disagree', () => {
    const d = leafDistribution(EXACT, t, parseAugmentation('root'));
    expect(d.x0.map((v) => [v.key, v.prob.toString()])).toEqual([['0', '1/2'], ['1', '1/2']]);
    // config c: leaf j = bit j, so c = 1 is (x_0, x_1) = (1, 0)
    expect(strs(d.cond[0]!)).toEqual(['9/16', '3/16', '3/16', '1/16']);
    expect(strs(d.cond[1]!)).toEqual(['1/16', '3/16', '3/16', '9/16']);
    expect(Array.from(d.configs[1]!)).toEqual([1, 0]);
  });
  it('flip(1/4) turns the edge keep probability 3/4 into 3/4·3/4 + 1/4·1/4 = 5/8', () => {
    const d = leafDistribution(EXACT, t, parseAugmentation('root+flip(0.25)'));
    expect(strs(d.cond[0]!)).toEqual(['25/64', '15/64', '15/64', '9/64']);
  });
  it('identity: x_0 is the leaf configuration (P(00) = ½·9/16 + ½·1/16 = 5/16); none-shared: one value', () => {
    const d = leafDistribution(EXACT, t, parseAugmentation('identity'));
    expect(d.x0.map((v) => [v.key, v.prob.toString()])).toEqual([['00', '5/16'], ['10', '3/16'], ['01', '3/16'], ['11', '5/16']]);
    expect(strs(d.cond[1]!)).toEqual(['0', '1', '0', '0']);
    const n = leafDistribution(EXACT, t, parseAugmentation('none-shared'));
    expect(n.x0.map((v) => v.key)).toEqual(['-']);
    expect(strs(n.cond[0]!)).toEqual(['5/16', '3/16', '3/16', '5/16']);
  });
  it('ρ = ±1 and p_0 ∈ {0, 1} leave only the values with positive probability', () => {
    const u = buildTree([0, [0]], { s0: -1, s1: 1, s10: 1 }, 1);
    const d = leafDistribution(EXACT, u, parseAugmentation('level(1)'));
    expect(d.x0.map((v) => [v.key, v.prob.toString()])).toEqual([['101', '1']]);
    expect(strs(d.cond[0]!)).toEqual(['0', '0', '1', '0']); // x = (0, 1)
  });
});

describe('sampler', () => {
  it('transition frequencies match (1+ρ)/2 and the root prior', () => {
    const rng = new Rng(1);
    const N = 40_000;
    const nodes = new Uint8Array(irregular.nodes.length);
    const same = new Array<number>(irregular.nodes.length).fill(0);
    let root = 0;
    for (let s = 0; s < N; s++) {
      sampleNodes(irregular, rng, nodes);
      root += nodes[0]!;
      for (let v = 1; v < nodes.length; v++) if (nodes[v] === nodes[irregular.nodes[v]!.parent]) same[v]!++;
    }
    near(root, N, 0.25);
    for (let v = 1; v < nodes.length; v++) near(same[v]!, N, (1 + irregular.nodes[v]!.polarity) / 2);
  });
  it('leavesOf and latentsOf read the node vector in leaf / internal order', () => {
    const nodes = sampleNodes(irregular, new Rng(3));
    expect(Array.from(leavesOf(irregular, nodes))).toEqual(irregular.leaves.map((l) => nodes[l]));
    expect(Array.from(latentsOf(irregular, nodes))).toEqual(irregular.internal.map((l) => nodes[l]));
  });
  it('the exact law agrees with Monte Carlo: P(x | x_0) and P(x), every configuration within 6 sd', () => {
    for (const a of ['none-shared', 'root+flip(0.1)', 'level(1)']) {
      const aug = parseAugmentation(a);
      const d = leafDistribution(F64, irregular, aug);
      const row = new Map(d.x0.map((v, i) => [v.key, i]));
      const m = keptCount(irregular, aug);
      const counts = d.cond.map(() => new Array<number>(d.nConfigs).fill(0));
      const rng = new Rng(7);
      const N = 40_000;
      for (let s = 0; s < N; s++) {
        const base = sampleNodes(irregular, rng);
        const x = leavesOf(irregular, augment(irregular, aug, base, rng));
        const i = row.get(m === 0 ? '-' : Array.from(base.subarray(0, m)).join(''))!;
        counts[i]![x.reduce((c, b, j) => c | (b << j), 0)]!++;
      }
      counts.forEach((byConfig, i) => {
        const n = byConfig.reduce((u, v) => u + v, 0);
        near(n, N, d.x0[i]!.prob);
        byConfig.forEach((k, c) => near(k, n, d.cond[i]![c]!));
      });
      const marginal = viewMarginal(F64, d);
      marginal.forEach((p, c) => near(counts.reduce((u, byConfig) => u + byConfig[c]!, 0), N, p));
    }
  });
});

describe('augmentations', () => {
  it('parses the grammar, names round-trip, bad input names its field', () => {
    expect(parseAugmentation('root')).toEqual({ base: { kind: 'root' }, flip: 0 });
    expect(parseAugmentation('level(2)')).toEqual({ base: { kind: 'level', k: 2 }, flip: 0 });
    expect(parseAugmentation('flip(0.1)')).toEqual({ base: { kind: 'identity' }, flip: 0.1 });
    expect(parseAugmentation(' level(1) + flip(0.05) ')).toEqual({ base: { kind: 'level', k: 1 }, flip: 0.05 });
    for (const s of ['root', 'level(2)', 'identity', 'none-shared', 'flip(0.1)', 'root+flip(0.1)', 'level(1)+flip(0.05)']) {
      expect(augmentationName(parseAugmentation(s))).toBe(s);
    }
    for (const bad of ['', 'roots', 'level(-1)', 'level(1.5)', 'flip(2)', 'root+identity', 'flip(0.1)+flip(0.2)']) {
      expect(() => parseAugmentation(bad, 'loss.augmentation')).toThrow(InputError);
      try {
        parseAugmentation(bad, 'loss.augmentation');
      } catch (e) {
        expect((e as InputError).field).toBe('loss.augmentation');
      }
    }
  });
  it('root keeps z_0 and resamples the rest; level(k) keeps depth ≤ k; identity keeps everything', () => {
    const rng = new Rng(11);
    const kept = { root: 1, 'level(1)': 4, 'level(2)': 7, identity: irregular.nodes.length, 'none-shared': 0 };
    for (const [a, m] of Object.entries(kept)) {
      const aug = parseAugmentation(a);
      expect(keptCount(irregular, aug)).toBe(m);
      let changedBelow = 0;
      for (let s = 0; s < 2000; s++) {
        const base = sampleNodes(irregular, rng);
        const view = augment(irregular, aug, base, rng);
        for (let i = 0; i < m; i++) expect(view[i]).toBe(base[i]);
        for (let i = m; i < base.length; i++) if (view[i] !== base[i]) changedBelow++;
      }
      if (m < irregular.nodes.length) expect(changedBelow).toBeGreaterThan(100);
      for (const node of irregular.nodes) expect(node.index < m).toBe(a === 'none-shared' ? false : node.depth <= (a === 'identity' ? 99 : a === 'root' ? 0 : Number(a[6])));
    }
  });
  it('flip(q) flips each leaf with probability q, never a latent', () => {
    const rng = new Rng(5);
    const aug = parseAugmentation('flip(0.2)');
    let flips = 0;
    const N = 5000;
    for (let s = 0; s < N; s++) {
      const base = sampleNodes(irregular, rng);
      const view = augment(irregular, aug, base, rng);
      for (const i of irregular.internal) expect(view[i]).toBe(base[i]);
      for (const l of irregular.leaves) flips += view[l] !== base[l] ? 1 : 0;
    }
    near(flips, N * irregular.leaves.length, 0.2);
  });
  it('tuples: positives share the base, negatives have their own (root equality ≈ p_0² + (1−p_0)²)', () => {
    const rng = new Rng(9);
    const N = 20_000;
    let equalRoots = 0;
    for (let s = 0; s < N; s++) {
      const t = sampleTuple(irregular, parseAugmentation('root'), 2, rng);
      expect(t.anchor[0]).toBe(t.base[0]);
      expect(t.pos[0]).toBe(t.base[0]);
      expect(t.negs.map((v, h) => v[0] === t.negBases[h]![0])).toEqual([true, true]);
      if (t.negs[0]![0] === t.anchor[0]) equalRoots++;
    }
    near(equalRoots, N, 0.25 ** 2 + 0.75 ** 2);
  });
});

describe('batch sampler', () => {
  const tree = completeTree(3, 2, (n) => (n.length % 2 ? 0.75 : -0.5), 0.5);
  it('leaf arrays, latents and node vectors agree; identity gives anchor = pos', () => {
    for (const a of ['root', 'level(1)+flip(0.2)', 'identity', 'none-shared']) {
      const aug = parseAugmentation(a);
      const H = 3;
      const B = 64;
      const b = sampleBatch(tree, aug, H, B, new Rng(2), allocBatch(tree, H, B, { nodes: true }));
      const n = tree.nodes.length;
      const L = tree.leaves.length;
      for (let i = 0; i < B; i++) {
        tree.leaves.forEach((l, j) => {
          expect(b.anchor[i * L + j]).toBe(b.anchorNodes![i * n + l]);
          expect(b.pos[i * L + j]).toBe(b.posNodes![i * n + l]);
          for (let h = 0; h < H; h++) expect(b.neg[(i * H + h) * L + j]).toBe(b.negNodes![(i * H + h) * n + l]);
        });
        tree.internal.forEach((v, k) => expect(b.anchorLatents[i * tree.internal.length + k]).toBe(b.anchorNodes![i * n + v]));
        const m = keptCount(tree, aug);
        for (let v = 0; v < m; v++) if (!tree.nodes[v]!.isLeaf || aug.flip === 0) expect(b.posNodes![i * n + v]).toBe(b.anchorNodes![i * n + v]);
      }
    }
  });
  it('reuses its buffers and rejects a mismatched one', () => {
    const out = allocBatch(tree, 1, 8);
    expect(sampleBatch(tree, parseAugmentation('root'), 1, 8, new Rng(1), out)).toBe(out);
    expect(() => sampleBatch(tree, parseAugmentation('root'), 2, 8, new Rng(1), out)).toThrow(RangeError);
  });
});

describe('exact leaf law', () => {
  const augs = ['root', 'level(1)', 'level(2)+flip(0.125)', 'identity', 'flip(0.25)', 'none-shared', 'root+flip(0.5)'];
  it('each cond row and the x_0 probabilities sum to 1 exactly; every augmentation keeps the view law', () => {
    fc.assert(
      fc.property(arbTree({ maxLeaves: 6 }), fc.constantFrom(...augs), (tree, a) => {
        const aug = parseAugmentation(a);
        const d = leafDistribution(EXACT, tree, aug);
        const sum = (xs: Rational[]) => xs.reduce((s, x) => s.add(x), Rational.ZERO);
        expect(sum(d.x0.map((v) => v.prob)).equals(Rational.ONE)).toBe(true);
        for (const row of d.cond) expect(sum(row).equals(Rational.ONE)).toBe(true);
        const ref = viewMarginal(EXACT, leafDistribution(EXACT, tree, { base: { kind: 'none-shared' }, flip: aug.flip }));
        expect(strs(viewMarginal(EXACT, d))).toEqual(strs(ref));
        const f = leafDistribution(F64, tree, aug);
        // The table's float64 expectation bound: a sum-product over the tree (a multiply and an add per
        // edge and value of each node: 4 per node), probabilities ≤ 1 (src/numeric/tolerance.ts).
        const tol = tolerance('float64', 'expectation', 4 * tree.nodes.length, 1).tol;
        d.cond.forEach((row, i) => row.forEach((v, c) => expect(Math.abs(v.toNumber() - f.cond[i]![c]!)).toBeLessThanOrEqual(tol)));
      }),
      { seed: 42, numRuns: 60 },
    );
  });
  it('jointLatentLeaf: Σ_c P(z_μ = 1, x = c) = P(z_μ = 1); the root row is p_0·P(x | z_0 = 1)', () => {
    const joint = jointLatentLeaf(EXACT, irregular);
    const pi = marginals(irregular);
    // pi: float64 down the tree (the table's expectation bound as for cond above, 4 per node, on
    // probabilities ≤ 1); the exact sum rounds once.
    const ops = 4 * irregular.nodes.length + 1;
    irregular.internal.forEach((mu, k) => expectWithin(joint[k]!.reduce((s, x) => s.add(x)).toNumber(), pi[mu]!, { kind: 'expectation', ops, scale: 1, what: `P(z_${mu} = 1)` }));
    const d = leafDistribution(EXACT, irregular, parseAugmentation('root'));
    expect(strs(joint[0]!)).toEqual(strs(d.cond[1]!.map((x) => x.mul(R('1/4')))));
  });
  it('refuses above the size limit and names the field', () => {
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return [(e as InputError).field, (e as Error).message];
      }
      return ['no error', ''];
    };
    const [f1, m1] = field(() => leafDistribution(F64, completeTree(5, 2, () => 0.5), parseAugmentation('root')));
    expect(f1).toBe('depth');
    expect(m1).toMatch(/16 leaves/);
    const wide: Tree = buildTree([0, Array.from({ length: 16 }, () => 0)], () => 0.5);
    expect(field(() => leafDistribution(F64, wide, parseAugmentation('root')))[0]).toBe('leaves');
    expect(field(() => leafDistribution(F64, completeTree(4, 2, () => 0.5), parseAugmentation('identity')))[0]).toBe('depth');
    expect(field(() => leafDistribution(F64, completeTree(4, 2, () => 0.5), parseAugmentation('level(3)')))[0]).toBe('augmentation');
    expect(field(() => leafDistribution(F64, completeTree(3, 2, () => 0.5), parseAugmentation('root'), { maxLeaves: 4, field: 'case.depth' }))[0]).toBe('case.depth');
  });
});

describe('tree generators', () => {
  const trees = fc.sample(arbTree(), { seed: 42, numRuns: 500 });
  it('reach depth 3, irregular shapes, ±1 and 0 polarities; respect maxLeaves; 0 < p_0 < 1', () => {
    expect(trees.some((t) => t.nodes[0]!.height >= 3)).toBe(true);
    expect(trees.filter((t) => !t.complete).length).toBeGreaterThan(100);
    const rhos = trees.flatMap((t) => t.nodes.slice(1).map((n) => n.polarity));
    for (const v of [1, -1, 0]) expect(rhos.filter((r) => r === v).length).toBeGreaterThan(20);
    expect(rhos.every((r) => Number.isInteger(r * 64) && Math.abs(r) <= 1 && !Object.is(r, -0))).toBe(true);
    expect(trees.every((t) => t.leaves.length <= 16 && t.rootPrior > 0 && t.rootPrior < 1)).toBe(true);
  });
  it('other constraint settings: complete shapes, any/extremes polarities', () => {
    const shapes = fc.sample(arbShape({ irregular: false, maxDepth: 4, maxChildren: 2 }), { seed: 1, numRuns: 100 });
    expect(shapes.every((s) => buildTree(s, () => 0).complete !== undefined)).toBe(true);
    const any = fc.sample(arbPolarity({ kind: 'any' }), { seed: 1, numRuns: 500 });
    expect(any.every((r) => r >= -1 && r <= 1)).toBe(true);
    expect(any.some((r) => !Number.isInteger(r * 2 ** 20))).toBe(true);
    const ext = fc.sample(arbPolarity({ kind: 'extremes-included' }), { seed: 1, numRuns: 500 });
    for (const v of [1, -1, 0]) expect(ext).toContain(v);
  });
  it('shrink to a root with one leaf, polarity 0, p_0 = 1/2', () => {
    const r = fc.check(fc.property(arbTree(), (_t: Tree) => false), { seed: 3 });
    const t = r.counterexample![0];
    expect(t.nodes.map((n) => [n.name, n.polarity])).toEqual([['s', 0], ['s0', 0]]);
    expect(t.rootPrior).toBe(0.5);
    const big = fc.check(fc.property(arbTree(), (x) => x.leaves.length < 3), { seed: 3 });
    expect(big.counterexample![0].leaves.length).toBe(3);
    expect(big.counterexample![0].nodes.length).toBeLessThanOrEqual(5);
  });
});
