/**
 * The HLTM samplers (sampler.ts, augmentation.ts's augment/sampleTuple, batch.ts, bitslicedBatch.ts)
 * against the exact law, without sampling (issue 12 item 5, docs/mutation.md).
 *
 * Every draw is replaced by one of K equally likely values (uniform() = (j + ½)/K, u32() = (j + ½)·2^32/K,
 * j < K) and every sequence of draws a sampler can ask for is run once (depth-first over the choices),
 * weighted K^−(draws used). With every probability of the model (root prior, (1+ρ)/2, flip q) a multiple
 * of 1/K, a draw falls below a threshold with exactly that probability, so the weighted outputs are the
 * sampler's exact law. The oracle: the joint law of the nodes written out as a product over the edges
 * (test/support/hltmJoint.ts), conditioned on the kept prefix x_0 = nodes of depth ≤ k, each leaf of a
 * view flipped with probability q, views of one base independent given x_0, negatives from their own
 * bases (docs/theory.md §1.1). Both laws are exact rationals and must be equal.
 */
import { describe, expect, it } from 'vitest';
import { Rational } from '../src/numeric/rational.js';
import { Rng } from '../src/numeric/random.js';
import { buildTree, type Tree } from '../src/hltm/tree.js';
import { augment, parseAugmentation, sampleTuple, type Augmentation } from '../src/hltm/augmentation.js';
import { keepProbabilities, latentsOf, leavesOf, sampleFrom, sampleNodes } from '../src/hltm/sampler.js';
import { allocBatch, sampleBatch } from '../src/hltm/batch.js';
import { batchSampler, bern32, sampleBatchBitsliced } from '../src/hltm/bitslicedBatch.js';
import { joint } from './support/hltmJoint.js';

const ONE = Rational.ONE;
const ZERO = Rational.ZERO;
const TWO32 = 4294967296;

const TRUNCATED = '(more than maxDraws draws)';
/**
 * The exact law of `run`'s output (a string) when each draw is one of K equally likely values. With
 * `words`, u32() returns 0 or 0xffffffff (K = 2): every bit of every lane a fair coin, all lanes alike.
 * With `maxDraws`, longer runs are cut and their mass is reported under TRUNCATED.
 */
function lawOf(K: number, run: (rng: Rng) => string, o: { words?: boolean; maxDraws?: number } = {}): Map<string, Rational> {
  const counts = new Map<string, Map<number, bigint>>();
  // Every draw sequence once, in lexicographic order (an odometer): a run reads the script and extends
  // it with 0s; the next script increments the last draw it read that is below K − 1.
  const script: number[] = [];
  for (let runs = 0; ; runs++) {
    if (runs > 100_000) throw new Error('lawOf: too many draw sequences');
    let i = 0;
    const draw = () => {
      if (i === o.maxDraws) throw new RangeError(TRUNCATED);
      if (i === script.length) script.push(0);
      return script[i++]!;
    };
    const rng = { uniform: () => (draw() + 0.5) / K, u32: () => (o.words ? draw() * 0xffffffff : ((draw() + 0.5) * TWO32) / K) } as unknown as Rng;
    let key: string;
    try {
      key = run(rng);
    } catch (e) {
      if (!(e instanceof RangeError && e.message === TRUNCATED)) throw e;
      key = TRUNCATED;
    }
    script.length = i;
    const byLen = counts.get(key) ?? new Map<number, bigint>();
    byLen.set(i, (byLen.get(i) ?? 0n) + 1n);
    counts.set(key, byLen);
    while (script.length > 0 && script[script.length - 1] === K - 1) script.pop();
    if (script.length === 0) break;
    script[script.length - 1]!++;
  }
  const out = new Map<string, Rational>();
  for (const [key, byLen] of counts) {
    let p = ZERO;
    for (const [len, c] of byLen) p = p.add(Rational.of(c, BigInt(K) ** BigInt(len)));
    out.set(key, p);
  }
  return out;
}

/** Equal laws; with a truncated mass m, each probability may fall short of the oracle's by at most m. */
const sameLaw = (got: Map<string, Rational>, want: Map<string, Rational>) => {
  const cut = got.get(TRUNCATED) ?? ZERO;
  const keys = [...new Set([...got.keys(), ...want.keys()])].filter((k) => k !== TRUNCATED && ((got.get(k) ?? ZERO).sign() !== 0 || (want.get(k) ?? ZERO).sign() !== 0)).sort();
  for (const k of keys) {
    const g = got.get(k) ?? ZERO;
    const w = want.get(k) ?? ZERO;
    const msg = `P(${k}): ${g.toNumber()} vs ${w.toNumber()} (truncated mass ${cut.toNumber()})`;
    if (cut.sign() === 0) expect(g.equals(w), msg).toBe(true);
    else expect(w.sub(g).sign() >= 0 && w.sub(g).sub(cut).sign() <= 0, msg).toBe(true);
  }
  expect(keys.length).toBeGreaterThan(1);
};

const str = (v: ArrayLike<number>) => Array.from(v).join('');

/** The law of one view's node vector given the base's kept prefix: P(view = a | x_0 = key), by the joint. */
function viewLaw(t: Tree, kept: number[], q: Rational): Map<string, Map<string, Rational>> {
  const J = joint(t);
  const byKey = new Map<string, { z: number[]; p: Rational }[]>();
  for (const e of J) {
    const key = kept.map((i) => e.z[i]).join('');
    byKey.set(key, [...(byKey.get(key) ?? []), e]);
  }
  const out = new Map<string, Map<string, Rational>>();
  for (const [key, g] of byKey) {
    const pk = g.reduce((s, e) => s.add(e.p), ZERO);
    if (pk.sign() === 0) continue;
    const law = new Map<string, Rational>();
    for (const { z, p } of g) {
      // every flip pattern of the leaves
      for (let f = 0; f < 1 << t.leaves.length; f++) {
        const a = [...z];
        let w = p.div(pk);
        t.leaves.forEach((l, j) => {
          if ((f >> j) & 1) {
            a[l] = 1 - a[l]!;
            w = w.mul(q);
          } else w = w.mul(ONE.sub(q));
        });
        if (w.sign() === 0) continue;
        law.set(a.join(''), (law.get(a.join('')) ?? ZERO).add(w));
      }
    }
    out.set(key, law);
  }
  return out;
}

const keptNodes = (t: Tree, a: Augmentation) => {
  const k = a.base.kind === 'level' ? a.base.k : a.base.kind === 'root' ? 0 : a.base.kind === 'identity' ? Infinity : -1;
  return t.nodes.filter((nd) => nd.depth <= k).map((nd) => nd.index);
};

/** The law of the node vectors of (anchor, pos, neg_1..neg_H) of one tuple, keyed "a|p|n1|…". */
function tupleLaw(t: Tree, a: Augmentation, H: number): Map<string, Rational> {
  const kept = keptNodes(t, a);
  const V = viewLaw(t, kept, Rational.fromNumber(a.flip));
  const J = joint(t);
  const pKey = new Map<string, Rational>();
  for (const { z, p } of J) {
    const key = kept.map((i) => z[i]).join('');
    pKey.set(key, (pKey.get(key) ?? ZERO).add(p));
  }
  // One negative: Σ_key P(key)·P(view | key).
  const negLaw = new Map<string, Rational>();
  for (const [key, law] of V) for (const [v, p] of law) negLaw.set(v, (negLaw.get(v) ?? ZERO).add(pKey.get(key)!.mul(p)));
  let out = new Map<string, Rational>();
  for (const [key, law] of V) {
    for (const [va, pa] of law) for (const [vp, pp] of law) {
      const k = `${va}|${vp}`;
      out.set(k, (out.get(k) ?? ZERO).add(pKey.get(key)!.mul(pa).mul(pp)));
    }
  }
  for (let h = 0; h < H; h++) {
    const next = new Map<string, Rational>();
    for (const [k, p] of out) for (const [vn, pn] of negLaw) next.set(`${k}|${vn}`, p.mul(pn));
    out = next;
  }
  return out;
}

// K = 4: root prior 1/4, (1+ρ)/2 ∈ {3/4, 1/4, 1/2}, flips 1/4.
const small = (): Tree => buildTree([0, 0], { s0: 0.5, s1: -0.5 }, 0.25);
const tiny = (): Tree => buildTree([0], { s0: -0.5 }, 0.25);
const deeper = (): Tree => buildTree([[0, 0], 0], { s0: 0.5, s1: 0, s00: -0.5, s01: 1 }, 0.75);
// K = 2: every probability 0, 1/2 or 1.
const halves = (): Tree => buildTree([[0, 0], 0], { s0: 1, s1: 0, s00: -1, s01: 0 }, 0.5);
const halves2 = (): Tree => buildTree([0, 0], { s0: 0, s1: -1 }, 0.5);
/** For the bit-sliced sampler (every bit a fair coin): thresholds 2^30 (root prior ¼), 2^31, 2^32. */
const quarter2 = (): Tree => buildTree([0, 0], { s0: 0, s1: -1 }, 0.25);

describe('sampler.ts: ancestral sampling has the joint law', () => {
  it('sampleNodes (fresh, into out), sampleFrom a kept prefix', () => {
    for (const t of [small(), deeper()]) {
      const want = new Map(joint(t).map(({ z, p }) => [z.join(''), p] as const));
      sameLaw(lawOf(4, (rng) => str(sampleNodes(t, rng))), want);
      sameLaw(lawOf(4, (rng) => str(sampleNodes(t, rng, new Uint8Array(t.nodes.length)))), want);
      // Given the prefix nodes[0..2) = (1, 0): the joint conditioned on it.
      const cond = new Map<string, Rational>();
      let pk = ZERO;
      for (const [z, p] of want) if (z.startsWith('10')) pk = pk.add(p);
      for (const [z, p] of want) if (z.startsWith('10')) cond.set(z, p.div(pk));
      sameLaw(lawOf(4, (rng) => {
        const nodes = new Uint8Array(t.nodes.length).fill(1);
        nodes[1] = 0;
        return str(sampleFrom(t, rng, nodes, 2));
      }), cond);
    }
    expect(() => sampleNodes(small(), { uniform: () => 0 } as unknown as Rng, new Uint8Array(2))).toThrow('sampleNodes: out has length 2, the tree has 3 nodes');
    expect(Array.from(keepProbabilities(deeper()))).toEqual([0.75, 0.75, 0.5, 0.25, 1]);
  });

  it('leavesOf and latentsOf into a given buffer', () => {
    const t = deeper();
    const nodes = Uint8Array.from([1, 0, 1, 1, 0]);
    expect(Array.from(leavesOf(t, nodes, new Uint8Array(3).fill(7)))).toEqual([1, 1, 0]);
    expect(Array.from(latentsOf(t, nodes, new Uint8Array(2).fill(7)))).toEqual([1, 0]);
  });
});

describe('augmentation.ts: augment and sampleTuple have the tuple law', () => {
  it('augment: a view of a fixed base', () => {
    for (const [t, augText, K] of [[small(), 'root+flip(0.25)', 4], [deeper(), 'level(1)', 4], [deeper(), 'identity+flip(0.25)', 4], [halves(), 'none-shared+flip(0.5)', 2]] as const) {
      const a = parseAugmentation(augText);
      const base = Uint8Array.from([1, 1, 0, 0, 1].slice(0, t.nodes.length));
      const key = keptNodes(t, a).map((i) => base[i]).join('');
      const want = viewLaw(t, keptNodes(t, a), Rational.fromNumber(a.flip)).get(key)!;
      sameLaw(lawOf(K, (rng) => str(augment(t, a, base, rng))), want);
      sameLaw(lawOf(K, (rng) => str(augment(t, a, base, rng, new Uint8Array(t.nodes.length)))), want);
    }
  });

  it('sampleTuple: (x, x_+) of one base, negatives of their own', () => {
    for (const [t, augText, H, K] of [[tiny(), 'root', 0, 4], [tiny(), 'none-shared', 0, 4], [halves2(), 'identity+flip(0.5)', 0, 2], [halves2(), 'root', 1, 2], [halves2(), 'none-shared', 0, 2]] as const) {
      const a = parseAugmentation(augText);
      sameLaw(lawOf(K, (rng) => {
        const tu = sampleTuple(t, a, H, rng);
        expect(tu.negs.length).toBe(H);
        expect(tu.negBases.length).toBe(H);
        return [tu.anchor, tu.pos, ...tu.negs].map(str).join('|');
      }), tupleLaw(t, a, H));
    }
  });
});

/** Runs a batch sampler for B tuples and returns tuple `row`'s node vectors, checking the leaf and latent rows against them. */
function batchKey(t: Tree, sample: typeof sampleBatch, a: Augmentation, H: number, B: number, rng: Rng, rows: number[]): string {
  const n = t.nodes.length;
  const L = t.leaves.length;
  const nI = t.internal.length;
  const b = sample(t, a, H, B, rng, allocBatch(t, H, B, { nodes: true }));
  const keys: string[] = [];
  for (const i of rows) {
    const an = b.anchorNodes!.subarray(i * n, (i + 1) * n);
    const pn = b.posNodes!.subarray(i * n, (i + 1) * n);
    const ns = Array.from({ length: H }, (_, h) => b.negNodes!.subarray((i * H + h) * n, (i * H + h + 1) * n));
    const leavesOk = str(b.anchor.subarray(i * L, (i + 1) * L)) === str(leavesOf(t, an)) && str(b.pos.subarray(i * L, (i + 1) * L)) === str(leavesOf(t, pn)) && ns.every((v, h) => str(b.neg.subarray((i * H + h) * L, (i * H + h + 1) * L)) === str(leavesOf(t, v)));
    const latentsOk = str(b.anchorLatents.subarray(i * nI, (i + 1) * nI)) === str(latentsOf(t, an));
    keys.push([an, pn, ...ns].map(str).join('|') + (leavesOk && latentsOk ? '' : ' (rows disagree with the node vectors)'));
  }
  return keys.join(' / ');
}

describe('batch.ts: sampleBatch has the tuple law', () => {
  for (const [mk, augText, H, K] of [[small, 'root', 0, 4], [tiny, 'identity+flip(0.25)', 0, 4], [tiny, 'none-shared', 1, 4], [halves2, 'root', 1, 2], [halves, 'level(1)+flip(0.5)', 0, 2], [halves2, 'none-shared+flip(0.5)', 0, 2]] as const) {
    it(`${augText}, H = ${H}`, () => {
      const t = mk();
      const a = parseAugmentation(augText);
      sameLaw(lawOf(K, (rng) => batchKey(t, sampleBatch, a, H, 1, rng, [0])), tupleLaw(t, a, H));
    });
  }
  it('a second tuple of the batch: the same law, and the batch is reused', () => {
    const t = halves2();
    const a = parseAugmentation('root');
    const law = lawOf(2, (rng) => batchKey(t, sampleBatch, a, 0, 2, rng, [1]));
    sameLaw(law, tupleLaw(t, a, 0));
  });
});

describe('bitslicedBatch.ts: bern32 and sampleBatchBitsliced', () => {
  it('bern32: each lane is 1 with probability t/2^32 exactly (t a multiple of 2^30), lanes equal under equal draws', () => {
    for (const i of [1, 2, 3]) {
      const law = lawOf(2, (rng) => String(bern32(rng, i * 2 ** 30)), { words: true });
      const one = law.get('-1') ?? ZERO;
      expect(one.equals(Rational.of(BigInt(i), 4n)), `t = ${i}/4`).toBe(true);
      expect([...law.keys()].sort()).toEqual(['-1', '0']);
    }
    // Lane t compares U_t with t: with draws that differ per lane, the lanes differ accordingly.
    const draws = [0x80000000 | 0x0f0f0f0f, 0xffffffff, 0];
    let k = 0;
    const rng = { u32: () => draws[k++]! } as unknown as Rng;
    // t = 2^31: lanes whose bit of the first word is 0 are below (decided), the others equal at bit 31, then above (bit 30 of 0xffffffff is 1, t's is 0).
    expect(bern32(rng, 2 ** 31) >>> 0).toBe(~(0x80000000 | 0x0f0f0f0f) >>> 0);
    expect(k).toBe(2);
    expect(bern32({ u32: () => 0 } as unknown as Rng, 2 ** 32 - 1)).toBe(-1);
    expect(bern32({ u32: () => 0xffffffff } as unknown as Rng, 1)).toBe(0);
    expect(bern32({ u32: () => 0 } as unknown as Rng, 1)).toBe(-1);
    expect(bern32({ u32: () => 0 } as unknown as Rng, -5)).toBe(0);
    expect(bern32({ u32: () => 0xffffffff } as unknown as Rng, 2 ** 32 + 1)).toBe(-1);
  });

  for (const [augText, H] of [['root', 1], ['level(1)+flip(0.5)', 0], ['none-shared', 0], ['identity+flip(0.5)', 0]] as const) {
    it(`${augText}, H = ${H}: tuple 0 has the tuple law; with lane-equal draws every lane of the group is the same tuple`, () => {
      const t = quarter2();
      const a = parseAugmentation(augText);
      const B = 3;
      const law = lawOf(2, (rng) => {
        const key = batchKey(t, sampleBatchBitsliced, a, H, B, rng, [0, 1, 2]);
        const [k0, ...rest] = key.split(' / ');
        return rest.every((k) => k === k0) ? k0! : `lanes differ: ${key}`;
      }, { words: true, maxDraws: 14 });
      sameLaw(law, tupleLaw(t, a, H));
    });
  }

  it('batchSampler picks the sampler by name', () => {
    expect(batchSampler()).toBe(sampleBatch);
    expect(batchSampler('sequential')).toBe(sampleBatch);
    expect(batchSampler('bitsliced')).toBe(sampleBatchBitsliced);
  });
});

describe('sampler edges: a draw equal to its threshold is not below it; batch buffers and refusals', () => {
  // P(u < p) = p needs the strict test: a draw exactly at the threshold falls on the "not below" side
  // (z_0 = 0, a child flipped, a leaf not flipped).
  const t = buildTree([0, 0], { s0: 0, s1: 0.5 }, 0.5);
  it('uniform() = the threshold: sampleNodes, augment', () => {
    const keep = keepProbabilities(t);
    let k = 0;
    const script = [keep[0]!, keep[1]!, keep[2]!];
    const nodes = sampleNodes(t, { uniform: () => script[k++]! } as unknown as Rng);
    expect(Array.from(nodes)).toEqual([0, 1, 1]);
    const a = parseAugmentation('identity+flip(0.5)');
    expect(Array.from(augment(t, a, Uint8Array.from([1, 1, 0]), { uniform: () => 0.5 } as unknown as Rng))).toEqual([1, 1, 0]);
    expect(() => sampleTuple(t, a, -1, { uniform: () => 0.5 } as unknown as Rng)).toThrow(/^H: expected an integer >= 0, got -1/);
  });

  it('u32() = the threshold: sampleBatch', () => {
    // thresholds: root 2^31 (p_0 = ½), s0 2^31 ((1+0)/2), s1 3·2^30 ((1+½)/2), flip 2^31
    const script = [2 ** 31, 2 ** 31, 3 * 2 ** 30, 2 ** 31, 2 ** 31];
    let k = 0;
    const b = sampleBatch(t, parseAugmentation('none-shared+flip(0.5)'), 0, 1, { u32: () => script[k++ % script.length]! } as unknown as Rng, allocBatch(t, 0, 1, { nodes: true }));
    // none-shared: z_0 = 0 (not below), both children flipped from the root: 1, 1; flips not taken
    expect(Array.from(b.anchorNodes!)).toEqual([0, 1, 1]);
  });

  it('allocBatch gives node vectors only when asked; batchFor refuses a batch of another B, H or tree, naming the sampler', () => {
    const tree2 = buildTree([0, 0, 0, 0], () => 0.5);
    expect(allocBatch(t, 1, 2).anchorNodes).toBeUndefined();
    expect(allocBatch(t, 1, 2).negNodes).toBeUndefined();
    const rng = new Rng(1);
    const a = parseAugmentation('root');
    // Same anchor length (B·L = 4): only the B field tells them apart.
    expect(() => sampleBatch(t, a, 1, 2, rng, allocBatch(tree2, 1, 1))).toThrow('sampleBatch: out was allocated for B=1, H=1 and another tree');
    expect(() => sampleBatch(t, a, 2, 2, rng, allocBatch(t, 1, 2))).toThrow('sampleBatch: out was allocated for B=2, H=1 and another tree');
    // Same B and H, another tree: only the row length tells them apart.
    expect(() => sampleBatch(t, a, 1, 2, rng, allocBatch(tree2, 1, 2))).toThrow('sampleBatch: out was allocated for B=2, H=1 and another tree');
    expect(() => sampleBatchBitsliced(t, a, 2, 2, rng, allocBatch(t, 1, 2))).toThrow('sampleBatchBitsliced: out was allocated for B=2, H=1 and another tree');
    expect(() => sampleBatch(t, a, -1, 2, rng)).toThrow(/^H: expected an integer >= 0/);
    expect(() => sampleBatch(t, a, 1, 0, rng)).toThrow(/^B: expected an integer >= 1/);
  });

  it('bitsliced: every row of a batch of 33 tuples with H = 2 is written (two groups, the second of one lane)', () => {
    const tree = buildTree([[0, 0], 0], { s0: 0.5, s1: -0.25, s00: 0.75, s01: 0 }, 0.25);
    const [B, H] = [33, 2];
    const out = allocBatch(tree, H, B, { nodes: true });
    for (const arr of [out.anchor, out.pos, out.neg]) arr.fill(NaN);
    for (const arr of [out.anchorNodes!, out.posNodes!, out.negNodes!, out.anchorLatents]) arr.fill(7);
    sampleBatchBitsliced(tree, parseAugmentation('root+flip(0.25)'), H, B, new Rng(3), out);
    for (const [name, arr] of Object.entries({ anchor: out.anchor, pos: out.pos, neg: out.neg, anchorNodes: out.anchorNodes!, posNodes: out.posNodes!, negNodes: out.negNodes!, anchorLatents: out.anchorLatents })) {
      expect(Array.from(arr).every((v) => v === 0 || v === 1), name).toBe(true);
    }
  });
});
