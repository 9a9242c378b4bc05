/**
 * Claims C8 and C9: the negative controls that show the C9 tests have power (a biased sampler,
 * unshared positives, negatives sharing the anchor's base are caught), C8 not vacuous, and C9
 * inconclusive (never pass) with too few samples. The checks at CI scale: properties/claims.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { runCheck } from '../src/runner/run.js';
import { EXACT } from '../src/numeric/arith.js';
import { Rng } from '../src/numeric/random.js';
import { augment, parseAugmentation, sampleTuple } from '../src/hltm/augmentation.js';
import { sampleNodes } from '../src/hltm/sampler.js';
import { buildTree, polaritiesOf, shapeOf } from '../src/hltm/tree.js';
import { decideFrequencies } from '../src/stats/index.js';
import * as C8 from '../properties/claims/C8.js';
import * as C9 from '../properties/claims/C9.js';
import { CHECKS } from '../properties/registry.js';

// The C8 and C9 checks themselves run at CI scale in properties/claims.test.ts (the registry run,
// each with its declared verdict); here: what shows that they can fail.
describe('claims C8, C9: not vacuous, and with power', () => {
  it('the registry holds every C8 and C9 check, each expected to hold', () => {
    expect(C8.checks.length).toBeGreaterThan(0);
    expect(C9.checks.length).toBeGreaterThan(1);
    for (const check of [...C8.checks, ...C9.checks]) {
      expect(CHECKS, check.id).toContain(check);
      expect(check.expect, check.id).toBe('hold');
    }
  });
  it('C8 is not vacuous: both sides are usually non-zero', () => {
    const tree = buildTree([[0, 0], [0, [0, 0]]], { s0: 0.5, s1: -0.75, s00: 0.25, s01: 1, s10: -1, s11: 0.5, s110: 0.75, s111: -0.5 }, 0.25);
    let nonZero = 0;
    let total = 0;
    for (let pick = 1; pick < tree.nodes.length; pick++) {
      for (let hSeed = 1; hSeed <= 5; hSeed++) {
        const cmp = C8.c8Comparisons(EXACT, { tree, pick, hSeed }, (n) => C8.dyadicH(hSeed, n).map((v) => EXACT.from(v)));
        const last = cmp[cmp.length - 1]!;
        expect(last.lhs.equals(last.rhs)).toBe(true);
        total++;
        if (last.lhs.sign() !== 0) nonZero++;
      }
    }
    expect(nonZero).toBeGreaterThan(0.8 * total);
  });
  it('C9 with too few samples is inconclusive, never pass', async () => {
    const r = await runCheck(C9.checks[0]!, { seed: 42, scale: 'ci', numRuns: 300 });
    expect(r.verdict).toBe('inconclusive');
  });
});

describe('C9 negative controls (power)', () => {
  const tree = C9.c9Trees()['complete d3']!;
  const decide = (source: C9.TupleSource, a = 'root') =>
    decideFrequencies(C9.c9Counters(tree, parseAugmentation(a), source, 50_000, new Rng(1)), C9.ALPHA_PER_CHECK, C9.DELTA);

  it('a sampler whose keep probability on edge s0→s01 is off by 0.1 fails, naming the edge', () => {
    const pol = polaritiesOf(tree);
    const biased = buildTree(shapeOf(tree), { ...pol, s01: pol.s01! - 0.2 }, tree.rootPrior);
    const v = decide((_t, aug, H, count, rng, sink) => C9.referenceSource(biased, aug, H, count, rng, sink));
    expect(v.verdict).toBe('fail');
    expect(v.worst!.label).toContain('s0→s01');
  });
  it('positives that do not share z_0 fail', () => {
    const v = decide((t, _aug, H, count, rng, sink) => C9.referenceSource(t, parseAugmentation('none-shared'), H, count, rng, sink));
    expect(v.verdict).toBe('fail');
    expect(v.message).toContain('anchor = pos at s');
  });
  it('negatives drawn from the anchor’s own base sample fail', () => {
    const v = decide((t, aug, H, count, rng, sink) => {
      const n = t.nodes.length;
      const neg = new Uint8Array(H * n);
      for (let i = 0; i < count; i++) {
        const tuple = sampleTuple(t, aug, 0, rng);
        for (let h = 0; h < H; h++) neg.set(augment(t, aug, tuple.base, rng), h * n);
        sink(tuple.anchor, 0, tuple.pos, 0, neg, 0);
      }
    });
    expect(v.verdict).toBe('fail');
    expect(v.message).toMatch(/neg z_s/);
  });
  it('an augmentation that forgets to resample (identity instead of root) fails', () => {
    const v = decide((t, _aug, H, count, rng, sink) => C9.referenceSource(t, parseAugmentation('identity'), H, count, rng, sink));
    expect(v.verdict).toBe('fail');
    expect(sampleNodes(tree, new Rng(1)).length).toBe(tree.nodes.length);
  });
});
