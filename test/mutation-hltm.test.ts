/**
 * src/hltm against an oracle that shares no code with it (issue 12 item 5, docs/mutation.md): the
 * joint law of every node of a small HLTM written out as a product over the edges,
 *   P(z) = p_0^{z_0}(1 − p_0)^{1−z_0} · Π_{ν ≠ root} ((1 + ρ_ν)/2 if z_ν = z_parent else (1 − ρ_ν)/2),
 * and summed over all 2^(nodes) assignments in exact rationals (docs/theory.md §1.1). From it: the
 * law of x_0 and of an augmented view given x_0 (kept nodes: depth ≤ k; flips q per leaf), the joint
 * of a latent and the leaves, P(z_ν = 1 | z_0), ρ_0ν, and the subtree's names and leaf map.
 */
import { describe, expect, it } from 'vitest';
import { EXACT } from '../src/numeric/arith.js';
import { Rational } from '../src/numeric/rational.js';
import { buildTree, completeShape, completeTree, pathPolarity, polaritiesOf, shapeOf, type Tree } from '../src/hltm/tree.js';
import { parseAugmentation, augmentationName, keptCount } from '../src/hltm/augmentation.js';
import { leafDistribution, requireEnumerable, viewMarginal } from '../src/hltm/exactDistribution.js';
import { jointLatentLeaf } from '../src/hltm/latentLeaf.js';
import { latentGivenRoot, pathProduct } from '../src/hltm/pathPolarity.js';
import { restrictConfig, subtreeAt } from '../src/hltm/subtree.js';
import { certainTree, completeTree22 as complete, joint, mixedTree as mixed, POL } from './support/hltmJoint.js';

const ONE = Rational.ONE;
const ZERO = Rational.ZERO;
/** Polarities ±1 make some node and leaf configurations impossible (left out of x_0's support). */
const certain = (): Tree => certainTree(0.25);
const certainRoot = (): Tree => certainTree(1);

const leafConfig = (t: Tree, z: number[]) => t.leaves.reduce((c, leaf, j) => c | (z[leaf]! << j), 0);
/** P(view leaves = c | base leaves = b) with independent flips q. */
const flipKernel = (L: number, q: Rational, b: number, c: number) => {
  let p = ONE;
  for (let j = 0; j < L; j++) p = p.mul(((b ^ c) >> j) & 1 ? q : ONE.sub(q));
  return p;
};

/** The oracle law: x_0 = the kept nodes' bits (kept: depth ≤ k; identity: the leaves), view given x_0. */
function oracle(t: Tree, kept: number[] | 'leaves' | 'none', q: Rational): Map<string, { prob: Rational; cond: Rational[] }> {
  const L = t.leaves.length;
  const J = joint(t);
  const out = new Map<string, { prob: Rational; cond: Rational[] }>();
  const keyOf = (z: number[]) => (kept === 'none' ? '-' : kept === 'leaves' ? t.leaves.map((l) => z[l]).join('') : kept.map((i) => z[i]).join(''));
  // P(x_0 = key, view = c) = Σ_z P(z) [key(z)] P(view = c | x_0 = key(z)); the view resamples the rest
  // given x_0, i.e. its leaves are drawn from P(leaves | key) — the same conditional as the base.
  const byKey = new Map<string, { prob: Rational; leaves: Rational[] }>();
  for (const { z, p } of J) {
    const k = keyOf(z);
    const e = byKey.get(k) ?? { prob: ZERO, leaves: new Array<Rational>(1 << L).fill(ZERO) };
    e.prob = e.prob.add(p);
    const c = leafConfig(t, z);
    e.leaves[c] = e.leaves[c]!.add(p);
    byKey.set(k, e);
  }
  for (const [k, e] of byKey) {
    if (e.prob.sign() === 0) continue;
    if (kept === 'leaves') {
      const b = parseInt([...k].reverse().join(''), 2);
      out.set(k, { prob: e.prob, cond: Array.from({ length: 1 << L }, (_, c) => flipKernel(L, q, b, c)) });
      continue;
    }
    const base = e.leaves.map((v) => v.div(e.prob));
    const cond = q.sign() === 0 ? base : Array.from({ length: 1 << L }, (_, c) => base.reduce((s, pb, b) => (pb.sign() === 0 ? s : s.add(pb.mul(flipKernel(L, q, b, c)))), ZERO));
    out.set(k, { prob: e.prob, cond });
  }
  return out;
}

describe('exact laws against the enumerated joint of all nodes', () => {
  const cases: [string, () => Tree, string, (t: Tree) => number[] | 'leaves' | 'none'][] = [
    ['mixed', mixed, 'root+flip(0.125)', () => [0]],
    ['mixed', mixed, 'level(1)', (t) => t.nodes.filter((n) => n.depth <= 1).map((n) => n.index)],
    ['mixed', mixed, 'level(2)', (t) => t.nodes.filter((n) => n.depth <= 2).map((n) => n.index)],
    ['mixed', mixed, 'identity+flip(0.125)', () => 'leaves'],
    ['complete', complete, 'none-shared+flip(0.375)', () => 'none'],
    ['complete', complete, 'level(1)+flip(0.5)', (t) => t.nodes.filter((n) => n.depth <= 1).map((n) => n.index)],
    ['complete', complete, 'identity', () => 'leaves'],
    ['certain', certain, 'identity+flip(0.25)', () => 'leaves'],
    ['certain', certain, 'level(1)', (t) => t.nodes.filter((n) => n.depth <= 1).map((n) => n.index)],
    ['certain (root prior 1)', certainRoot, 'root+flip(0.25)', () => [0]],
    ['certain (root prior 1)', certainRoot, 'level(1)+flip(0.5)', (t) => t.nodes.filter((n) => n.depth <= 1).map((n) => n.index)],
    ['certain (root prior 1)', certainRoot, 'identity', () => 'leaves'],
  ];
  for (const [name, mk, augText, keptOf] of cases) {
    it(`${name} tree, ${augText}: P(x_0) and P(x | x_0) exactly`, () => {
      const t = mk();
      const aug = parseAugmentation(augText);
      const d = leafDistribution(EXACT, t, aug);
      const want = oracle(t, keptOf(t), Rational.fromNumber(aug.flip));
      expect(d.x0.map((v) => v.key).sort()).toEqual([...want.keys()].sort());
      d.x0.forEach((v, i) => {
        const w = want.get(v.key)!;
        expect(v.prob.equals(w.prob), `P(x_0 = ${v.key})`).toBe(true);
        expect(d.cond[i]!.every((p, c) => p.equals(w.cond[c]!)), `P(x | x_0 = ${v.key})`).toBe(true);
      });
      const kept = keptOf(t);
      expect(d.x0Nodes).toEqual(kept === 'leaves' ? t.leaves : kept === 'none' ? [] : kept);
      expect(d.nConfigs).toBe(2 ** t.leaves.length);
      expect(d.configs.map((c) => Array.from(c))).toEqual(Array.from({ length: d.nConfigs }, (_, c) => t.leaves.map((_, j) => (c >> j) & 1)));
      // The view's marginal: Σ_key P(key)·P(x | key).
      const vm = viewMarginal(EXACT, d);
      const wm = Array.from({ length: d.nConfigs }, (_, c) => [...want.values()].reduce((s, w) => s.add(w.prob.mul(w.cond[c]!)), ZERO));
      expect(vm.length).toBe(d.nConfigs);
      expect(vm.every((p, c) => p.equals(wm[c]!))).toBe(true);
    });
  }

  it('keptCount and augmentationName', () => {
    const t = mixed();
    expect(['root', 'level(0)', 'level(1)', 'level(2)', 'level(9)', 'identity', 'none-shared'].map((s) => keptCount(t, parseAugmentation(s)))).toEqual([1, 1, 4, 8, 10, 10, 0]);
    expect(['root', 'level(2)+flip(0.05)', 'flip(0.1)', 'identity', 'none-shared+flip(0.5)'].map((s) => augmentationName(parseAugmentation(s)))).toEqual(['root', 'level(2)+flip(0.05)', 'flip(0.1)', 'identity', 'none-shared+flip(0.5)']);
  });

  it('the joint of each latent with the leaves, P(z_ν = 1 | z_0), ρ_0ν', () => {
    for (const t of [mixed(), complete()]) {
      const J = joint(t);
      const L = t.leaves.length;
      const got = jointLatentLeaf(EXACT, t);
      t.internal.forEach((mu, k) => {
        const want = new Array<Rational>(1 << L).fill(ZERO);
        for (const { z, p } of J) if (z[mu]) want[leafConfig(t, z)] = want[leafConfig(t, z)]!.add(p);
        expect(got[k]!.every((v, c) => v.equals(want[c]!)), `node ${mu}`).toBe(true);
      });
      const { given0, given1 } = latentGivenRoot(EXACT, t);
      for (const node of t.nodes) {
        for (const [s, g] of [[0, given0], [1, given1]] as const) {
          let num = ZERO;
          let den = ZERO;
          for (const { z, p } of J) {
            if (z[0] !== s) continue;
            den = den.add(p);
            if (z[node.index]) num = num.add(p);
          }
          expect(g[node.index]!.equals(num.div(den)), `P(z_${node.name} = 1 | z_0 = ${s})`).toBe(true);
        }
        let rho = ONE;
        for (let n = node; n.parent >= 0; n = t.nodes[n.parent]!) rho = rho.mul(Rational.fromNumber(n.polarity));
        expect(pathProduct(EXACT, t, node.index).equals(rho)).toBe(true);
        expect(given1[node.index]!.sub(given0[node.index]!).equals(rho)).toBe(true);
      }
    }
  });

  it('the subtree under a node: names, polarities, leaf map; restrictConfig; refusals', () => {
    const t = mixed();
    const s1 = t.nodes.find((n) => n.name === 's1')!.index;
    const sub = subtreeAt(t, s1, 0.25);
    expect(sub.tree.nodes.map((n) => [n.name, n.polarity])).toEqual([['s', 0], ['s0', 0.625], ['s1', 0.25], ['s00', -0.75], ['s01', 0.125]]);
    expect(sub.tree.rootPrior).toBe(0.25);
    expect(subtreeAt(t, s1).tree.rootPrior).toBe(0.5);
    // subtree leaves s1 (= s11), s00 (= s100), s01 (= s101); leaf order of the tree: s2, s00, s01, s11, s100, s101
    expect(sub.leafMap).toEqual([3, 4, 5]);
    expect(restrictConfig([3, 4, 5], 0b101000)).toBe(0b101);
    expect(restrictConfig([5, 0], 0b100000)).toBe(0b01);
    expect(restrictConfig([5, 0], 0b000001)).toBe(0b10);
    expect(() => subtreeAt(t, 99)).toThrow('node: no node 99 in a tree of 10 nodes');
    expect(() => subtreeAt(t, t.leaves[0]!)).toThrow(`node: node 's2' is a leaf, it has no subtree`);
  });

  it('size limits name the field and the limit', () => {
    const big = completeTree(5, 2, () => 0.5);
    expect(() => requireEnumerable(big)).toThrow('depth: depth 5, children 2 gives 32 leaves: exact enumeration is limited to 16 leaves (65536 configurations)');
    expect(() => requireEnumerable(mixed(), { maxLeaves: 5 })).toThrow('leaves: 6 leaves: exact enumeration is limited to 5 leaves (32 configurations)');
    expect(() => requireEnumerable(mixed(), { maxLeaves: 5, field: 'x' })).toThrow(/^x: 6 leaves/);
    expect(requireEnumerable(mixed(), { maxLeaves: 6 })).toBe('leaves');
    expect(requireEnumerable(complete())).toBe('depth');
    const t = complete();
    expect(() => leafDistribution(EXACT, t, parseAugmentation('level(1)'), { maxX0Values: 7 })).toThrow('augmentation: augmentation level(1) has more than 7 values of x_0 (limit 7 values and 4194304 table entries with 16 configurations)');
    expect(() => leafDistribution(EXACT, t, parseAugmentation('level(1)'), { maxEntries: 100 })).toThrow('augmentation: augmentation level(1) has 8 values of x_0 (limit 4096 values and 100 table entries with 16 configurations)');
    expect(leafDistribution(EXACT, t, parseAugmentation('level(1)'), { maxX0Values: 8, maxEntries: 128 }).x0.length).toBe(8);
    expect(() => leafDistribution(EXACT, t, parseAugmentation('level(1)'), { maxX0Values: 8, maxEntries: 127 })).toThrow('has 8 values of x_0 (limit 8 values and 127 table entries');
    expect(() => leafDistribution(EXACT, t, parseAugmentation('identity'), { maxX0Values: 15 })).toThrow(/^depth: augmentation identity has more than 15 values of x_0/);
  });
});

describe('tree construction (docs/theory.md §1.1)', () => {
  it('refusals name the field; shapeOf inverts buildTree; polaritiesOf and pathPolarity by hand', () => {
    expect(() => buildTree(0, {})).toThrow('shape: the root must have at least one child');
    expect(() => buildTree([], {})).toThrow('shape: the root must have at least one child');
    expect(() => buildTree([[], 0], { s0: 0.5, s1: 0.5 })).toThrow('shape.s0: an internal node must have at least one child');
    expect(() => buildTree([0, 0], { s0: 0.5 })).toThrow('polarities.s1: missing polarity for this edge');
    expect(() => buildTree([0], { s0: 1.5 })).toThrow(/^polarities\.s0: /);
    expect(() => buildTree([0], { s0: 0.5 }, 2)).toThrow(/^root_prior: /);
    const t = mixed();
    expect(shapeOf(t)).toEqual([[0, 0], [[0, 0], 0], 0]);
    expect(shapeOf(t, 2)).toEqual([[0, 0], 0]);
    expect(polaritiesOf(t)).toEqual(POL);
    const s101 = t.nodes.find((n) => n.name === 's101')!.index;
    expect(pathPolarity(t, s101)).toBe(-0.25 * 0.625 * 0.125);
    expect(pathPolarity(t, 0)).toBe(1);
    expect([t.complete, complete().complete]).toEqual([undefined, { depth: 2, children: 2 }]);
    expect(t.nodes.map((n) => n.height)).toEqual([3, 1, 2, 0, 0, 0, 1, 0, 0, 0]);
    expect(t.nodes.map((n) => n.leafIndex)).toEqual([-1, -1, -1, 0, 1, 2, -1, 3, 4, 5]);
  });
});

describe('augmentation parsing, tree shapes: messages and edge values', () => {
  it('parseAugmentation refusals name the field and quote the input; q = 0 and q = 1 are flips', () => {
    const msg = 'expected an augmentation such as "root" or "level(1)+flip(0.05)"';
    for (const bad of [5, '', '   ', undefined]) expect(() => parseAugmentation(bad as string)).toThrow(`augmentation: ${msg}`);
    expect(() => parseAugmentation('', 'aug2')).toThrow(`aug2: ${msg}`);
    expect(() => parseAugmentation('level(1.5)')).toThrow('augmentation: level(k) needs an integer k >= 0, got 1.5');
    expect(() => parseAugmentation('flip(1.5)')).toThrow('augmentation: flip(q) needs q in [0, 1], got 1.5');
    expect(() => parseAugmentation('flip(0.1)+root+flip(0.2)')).toThrow('augmentation: flip given twice in "flip(0.1)+root+flip(0.2)"');
    expect(() => parseAugmentation('root+bogus')).toThrow('augmentation: unknown augmentation "bogus" (expected root, level(k), identity, none-shared, flip(q), joined by +)');
    expect(() => parseAugmentation('root+identity')).toThrow('augmentation: two base augmentations in "root+identity"');
    expect(parseAugmentation('flip(0)')).toEqual({ base: { kind: 'identity' }, flip: 0 });
    expect(parseAugmentation('root+flip(1)')).toEqual({ base: { kind: 'root' }, flip: 1 });
  });

  it('completeShape names its field; a tree is complete only with equal leaf depths and equal child counts', () => {
    expect(() => completeShape(0, 2)).toThrow(/^depth: expected an integer >= 1, got 0/);
    expect(() => completeShape(2, 0)).toThrow(/^children: expected an integer >= 1, got 0/);
    const pol = () => 0.5;
    expect(buildTree([[0, 0], [0, 0, 0]], pol).complete).toBeUndefined(); // equal depths, counts 2 and 3
    expect(buildTree([[0, 0], 0], pol).complete).toBeUndefined(); // counts 2, leaf depths 1 and 2
    expect(buildTree([[0, 0], [0, 0]], pol).complete).toEqual({ depth: 2, children: 2 });
  });
});
