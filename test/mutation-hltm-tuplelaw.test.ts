/**
 * src/hltm/tupleLaw.ts (the event frequencies claim C9's binomial tests expect of the sampler) against
 * the enumerated joint law of every node (test/support/hltmJoint.ts, exact rationals; issue 12 item 5,
 * docs/mutation.md). No sampling: the claimed probabilities are compared exactly (dyadic polarities,
 * priors and flips, so every float step of tupleLaw.ts is exact), and the counters' `add` is fed fixed
 * node vectors whose counts are tallied here by the definitions.
 *   marginal:      P(z_ν = 1) = Σ_z P(z)·z_ν
 *   transition:    P(view_ν = s | z_μ = s) for each edge μ→ν and s with P(z_μ = s) > 0, a leaf's view
 *                  flipped with probability q
 *   anchor = pos:  Σ_{x_0} P(x_0)·(v² + (1 − v)²), v = P(view_ν = 1 | x_0) (kept nodes: the prefix
 *                  of depth ≤ k; two views of one base are independent given x_0)
 *   negatives:     P(neg z_0 = 1 | anchor z_0 = s) = p_0, P(anchor z_0 = neg z_0) = p_0² + (1 − p_0)²
 */
import { describe, expect, it } from 'vitest';
import { Rational } from '../src/numeric/rational.js';
import type { Tree } from '../src/hltm/tree.js';
import { parseAugmentation } from '../src/hltm/augmentation.js';
import { marginals, transitionCounters, tupleCounters } from '../src/hltm/tupleLaw.js';
import type { Counter } from '../src/stats/binomial.js';
import { certainTree, completeTree22 as complete, joint, mixedTree as mixed } from './support/hltmJoint.js';

const ONE = Rational.ONE;
const ZERO = Rational.ZERO;
/** Certain edges: z_0 = 1 always, s0 = 0 always (ρ = −1), s1 = 1 always (ρ = 1). */
const certain = (): Tree => certainTree(1);
const q = (x: number) => Rational.fromNumber(x);
const exact = (got: number, want: Rational, what: string) => expect(q(got).equals(want), `${what}: ${got} vs ${want.toNumber()}`).toBe(true);

/** A fixed pseudo-random bit source (mulberry32), biased per node so that no count is symmetric. */
function bits(seed: number): (p: number) => number {
  let a = seed >>> 0;
  return (p) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32 < p ? 1 : 0;
  };
}
const vectors = (n: number, count: number, seed: number): number[][] => {
  const bit = bits(seed);
  return Array.from({ length: count }, () => Array.from({ length: n }, (_, i) => bit(0.2 + (0.6 * i) / n)));
};
const byLabel = (cs: readonly Counter[], label: string): Counter => {
  const c = cs.find((x) => x.label === label);
  expect(c, label).toBeDefined();
  return c!;
};

describe('tupleLaw: marginals and transition probabilities against the joint law', () => {
  for (const [name, mk] of [['mixed', mixed], ['complete', complete], ['certain', certain]] as const) {
    it(`${name} tree: P(z_ν = 1) and P(view_ν = s | z_μ = s), flips 0 and 0.125`, () => {
      const t = mk();
      const J = joint(t);
      const pi = marginals(t);
      expect(pi.length).toBe(t.nodes.length);
      t.nodes.forEach((node, v) => exact(pi[v]!, J.reduce((s, { z, p }) => (z[v] ? s.add(p) : s), ZERO), `P(z_${node.name} = 1)`));
      for (const flip of [0, 0.125]) {
        const want: { label: string; p: Rational }[] = [{ label: `pre: P(z_s = 1)`, p: q(t.rootPrior) }];
        for (const node of t.nodes.slice(1)) {
          const parent = t.nodes[node.parent]!;
          for (const s of [0, 1]) {
            let den = ZERO;
            let same = ZERO;
            for (const { z, p } of J) {
              if (z[parent.index] !== s) continue;
              den = den.add(p);
              if (z[node.index] === s) same = same.add(p);
            }
            if (den.sign() === 0) continue;
            const stay = same.div(den);
            const f = q(node.isLeaf ? flip : 0);
            want.push({ label: `pre: edge ${parent.name}→${node.name} given z_${parent.name} = ${s}`, p: stay.mul(ONE.sub(f)).add(ONE.sub(stay).mul(f)) });
          }
        }
        const got = transitionCounters(t, 'pre: ', flip).counters;
        expect(got.map((c) => c.label)).toEqual(want.map((w) => w.label));
        got.forEach((c, i) => {
          exact(c.p, want[i]!.p, c.label);
          expect([c.n, c.k]).toEqual([0, 0]);
        });
      }
      expect(transitionCounters(t).counters[0]!.label).toBe('P(z_s = 1)');
    });
  }

  it('add: counts each edge given its parent value from node vectors at an offset; impossible parent values are skipped', () => {
    for (const t of [mixed(), certain()]) {
      const n = t.nodes.length;
      const vs = vectors(n, 57, n);
      if (t.rootPrior === 1) vs.push(new Array(n).fill(0), new Array(n).fill(1));
      const tc = transitionCounters(t);
      const buf = new Uint8Array(3 + vs.length * n).fill(1);
      vs.forEach((z, j) => buf.set(z, 3 + j * n));
      vs.forEach((_, j) => tc.add(buf, 3 + j * n));
      const root = byLabel(tc.counters, 'P(z_s = 1)');
      expect([root.n, root.k]).toEqual([vs.length, vs.filter((z) => z[0] === 1).length]);
      for (const node of t.nodes.slice(1)) {
        const parent = t.nodes[node.parent]!;
        for (const s of [0, 1]) {
          const c = tc.counters.find((x) => x.label === `edge ${parent.name}→${node.name} given z_${parent.name} = ${s}`);
          if (!c) continue;
          const rows = vs.filter((z) => z[parent.index] === s);
          expect([c.n, c.k], c.label).toEqual([rows.length, rows.filter((z) => z[node.index] === s).length]);
        }
      }
      // The default offset is 0 (every parent value possible in the mixed tree: one trial per node).
      if (t.rootPrior === 1) continue;
      const t0 = transitionCounters(t);
      t0.add(Uint8Array.from(vs[0]!));
      expect(t0.counters.reduce((s, c) => s + c.n, 0)).toBe(n);
    }
  });
});

describe('tupleLaw: anchor = pos, negatives, against the joint law', () => {
  const cases: [string, () => Tree, string][] = [
    ['mixed', mixed, 'root+flip(0.125)'],
    ['mixed', mixed, 'level(1)'],
    ['mixed', mixed, 'level(2)+flip(0.25)'],
    ['mixed', mixed, 'identity+flip(0.125)'],
    ['mixed', mixed, 'none-shared+flip(0.375)'],
    ['complete', complete, 'level(1)+flip(0.5)'],
    ['complete', complete, 'none-shared'],
    ['complete', complete, 'identity'],
    ['certain', certain, 'root+flip(0.25)'],
  ];
  for (const [name, mk, augText] of cases) {
    it(`${name} tree, ${augText}: P(anchor_ν = pos_ν) and the negatives' counters`, () => {
      const t = mk();
      const aug = parseAugmentation(augText);
      const k = aug.base.kind === 'level' ? aug.base.k : aug.base.kind === 'root' ? 0 : aug.base.kind === 'identity' ? Infinity : -1;
      const kept = t.nodes.filter((nd) => nd.depth <= k).map((nd) => nd.index);
      const f = q(aug.flip);
      const J = joint(t);
      const groups = new Map<string, { z: number[]; p: Rational }[]>();
      for (const e of J) {
        const key = kept.map((i) => e.z[i]).join('');
        groups.set(key, [...(groups.get(key) ?? []), e]);
      }
      const got = tupleCounters(t, aug, 'pre: ');
      t.nodes.forEach((node, v) => {
        let want = ZERO;
        for (const g of groups.values()) {
          const pk = g.reduce((s, e) => s.add(e.p), ZERO);
          if (pk.sign() === 0) continue;
          let v1 = g.reduce((s, e) => (e.z[v] ? s.add(e.p) : s), ZERO).div(pk);
          if (node.isLeaf) v1 = v1.mul(ONE.sub(f)).add(ONE.sub(v1).mul(f));
          want = want.add(pk.mul(v1.mul(v1).add(ONE.sub(v1).mul(ONE.sub(v1)))));
        }
        exact(byLabel(got.counters, `pre: anchor = pos at ${node.name}`).p, want, `anchor = pos at ${node.name}`);
      });
      const p0 = q(t.rootPrior);
      const negLabels = [0, 1].filter((s) => (s ? p0 : ONE.sub(p0)).sign() > 0).map((s) => `pre: P(neg z_s = 1 | anchor z_s = ${s})`);
      expect(got.counters.map((c) => c.label)).toEqual([...t.nodes.map((nd) => `pre: anchor = pos at ${nd.name}`), ...negLabels, 'pre: anchor z_s = neg z_s']);
      for (const l of negLabels) exact(byLabel(got.counters, l).p, p0, l);
      exact(byLabel(got.counters, 'pre: anchor z_s = neg z_s').p, p0.mul(p0).add(ONE.sub(p0).mul(ONE.sub(p0))), 'anchor z_s = neg z_s');
      expect(got.counters.every((c) => c.n === 0 && c.k === 0)).toBe(true);
    });
  }

  it('add: anchor = pos per node, negatives given the anchor root (all H), root pairs (first negative only), at offsets', () => {
    const t = mixed();
    const n = t.nodes.length;
    const tc = tupleCounters(t, parseAugmentation('root'));
    const vs = vectors(n, 4 * 40, 7);
    let calls = 0;
    const same = new Array<number>(n).fill(0);
    const neg = [ { n: 0, k: 0 }, { n: 0, k: 0 } ];
    const pair = { n: 0, k: 0 };
    for (let j = 0; j + 4 <= vs.length; j += 4) {
      const H = j % 3 === 0 ? 0 : j % 3 === 1 ? 1 : 3;
      const [a, p] = [vs[j]!, vs[j + 1]!];
      const negs = Array.from({ length: H }, (_, h) => vs[(j + 2 + h) % vs.length]!);
      const A = new Uint8Array(2 + n).fill(1);
      A.set(a, 2);
      const P = new Uint8Array(5 + n).fill(1);
      P.set(p, 5);
      const N = new Uint8Array(1 + H * n).fill(1);
      negs.forEach((z, h) => N.set(z, 1 + h * n));
      tc.add(A, 2, P, 5, N, 1, H);
      calls++;
      for (let i = 0; i < n; i++) if (a[i] === p[i]) same[i]!++;
      for (const z of negs) {
        neg[a[0]!]!.n++;
        neg[a[0]!]!.k += z[0]!;
      }
      if (H > 0) {
        pair.n++;
        if (negs[0]![0] === a[0]) pair.k++;
      }
    }
    t.nodes.forEach((nd, i) => expect([byLabel(tc.counters, `anchor = pos at ${nd.name}`).n, byLabel(tc.counters, `anchor = pos at ${nd.name}`).k], nd.name).toEqual([calls, same[i]]));
    for (const s of [0, 1]) {
      const c = byLabel(tc.counters, `P(neg z_s = 1 | anchor z_s = ${s})`);
      expect([c.n, c.k], c.label).toEqual([neg[s]!.n, neg[s]!.k]);
    }
    const r = byLabel(tc.counters, 'anchor z_s = neg z_s');
    expect([r.n, r.k]).toEqual([pair.n, pair.k]);
    expect(pair.n).toBeGreaterThan(0);
    expect(neg[0]!.n + neg[1]!.n).toBeGreaterThan(pair.n);
  });
});
