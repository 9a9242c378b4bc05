/**
 * Claim C8 (exact): HLTM algebra. ρ_0ν = Π_{e on root→ν} ρ_e, and for any h of the leaves under μ
 *   E[h | z_0=1] − E[h | z_0=0] = ρ_0μ·(E[h | z_μ=1] − E[h | z_μ=0]).
 * Checked on generated irregular trees (ρ = ±1 and 0 included, 0 < p_0 < 1) by exact enumeration:
 * P(z_ν | z_0) by the forward channel recurrence (pathPolarity.ts), E[h | z_0] from the full tree's
 * leaf law given z_0, E[h | z_μ] from the subtree under μ (a leaf μ: E[h | x_μ = t] = h(t)).
 */
import * as fc from 'fast-check';
import type { Arith } from '../../src/numeric/arith.js';
import { EPS64, EXACT, F64 } from '../../src/numeric/arith.js';
import { Rng } from '../../src/numeric/random.js';
import type { Check, ClaimRecord, Measurement, PropertyCheck, Scale } from '../../src/runner/check.js';
import { parseAugmentation } from '../../src/hltm/augmentation.js';
import { leafDistribution } from '../../src/hltm/exactDistribution.js';
import { latentGivenRoot, pathProduct } from '../../src/hltm/pathPolarity.js';
import { restrictConfig, subtreeAt } from '../../src/hltm/subtree.js';
import { polaritiesOf, shapeOf, type Tree } from '../../src/hltm/tree.js';
import { arbTree, type TreeConstraints } from '../generators/tree.js';

export const record: ClaimRecord = {
  id: 'C8',
  title: 'HLTM algebra: polarities multiply along paths',
  statement:
    'Polarities multiply along a path, ρ_0ν = Π ρ_e; for any h that depends only on the subtree under μ, ' +
    'E[h | z_0=1] − E[h | z_0=0] = ρ_0μ·(E[h | z_μ=1] − E[h | z_μ=0]) (derived)',
  section: 'THEORY.md §1.1, §2 (C8); paper Section 6 (HLTM)',
  kind: 'exact',
  holdsFor: ['any tree (also irregular, ρ = ±1 or 0)', '0 < p_0 < 1'],
  breaksWith: [],
};

export interface C8Case {
  readonly tree: Tree;
  /** μ = pick mod (number of nodes): shrinks towards the root. */
  readonly pick: number;
  /** Seed of the random function h on the leaf configurations under μ. */
  readonly hSeed: number;
}

interface Comparison<T> {
  readonly what: string;
  readonly lhs: T;
  readonly rhs: T;
  /** float64 tolerance (unused in rationals). */
  readonly tol: number;
  readonly derivation: string;
}

/** All C8 comparisons for one case: the path polarity of every node, then the h identity at μ. */
export function c8Comparisons<T>(A: Arith<T>, c: C8Case, h: (size: number) => T[]): Comparison<T>[] {
  const { tree } = c;
  const N = tree.nodes.length;
  const out: Comparison<T>[] = [];
  const { given0, given1 } = latentGivenRoot(A, tree);
  for (let v = 1; v < N; v++) {
    const rho = pathProduct(A, tree, v);
    const d = tree.nodes[v]!.depth;
    const derivation = `tol = 8·depth·ε_64 = 8·${d}·ε (4 roundings per channel step and 1 per product factor, |π| ≤ 1)`;
    const name = tree.nodes[v]!.name;
    out.push({ what: `π_${name}(1) − π_${name}(0) = ρ_0${name}`, lhs: A.sub(given1[v]!, given0[v]!), rhs: rho, tol: 8 * d * EPS64, derivation });
    out.push({ what: `2·P(z_${name} = z_0 | z_0 = 0) − 1 = ρ_0${name}`, lhs: A.sub(A.one, A.add(given0[v]!, given0[v]!)), rhs: rho, tol: 8 * d * EPS64, derivation });
  }
  const mu = c.pick % N;
  const node = tree.nodes[mu]!;
  const sub = node.isLeaf ? undefined : subtreeAt(tree, mu);
  const leafMap = sub ? sub.leafMap : [node.leafIndex];
  const hv = h(2 ** leafMap.length);
  const full = leafDistribution(A, tree, parseAugmentation('root'));
  const given = (dist: { x0: { key: string }[]; cond: T[][]; nConfigs: number }, key: string, map: (c: number) => number) => {
    const row = dist.cond[dist.x0.findIndex((x) => x.key === key)]!;
    let e = A.zero;
    for (let cfg = 0; cfg < dist.nConfigs; cfg++) e = A.add(e, A.mul(row[cfg]!, hv[map(cfg)]!));
    return e;
  };
  const byRoot = (s: string) => given(full, s, (cfg) => restrictConfig(leafMap, cfg));
  const lhs = A.sub(byRoot('1'), byRoot('0'));
  let atMu: T;
  if (sub) {
    const local = leafDistribution(A, sub.tree, parseAugmentation('root'));
    atMu = A.sub(given(local, '1', (cfg) => cfg), given(local, '0', (cfg) => cfg));
  } else atMu = A.sub(hv[1]!, hv[0]!);
  const L = tree.leaves.length;
  const scale = hv.reduce((m, v) => Math.max(m, Math.abs(A.toNumber(v))), 0);
  out.push({
    what: `E[h|z_0=1] − E[h|z_0=0] = ρ_0μ·(E[h|z_μ=1] − E[h|z_μ=0]), μ = ${node.name}`,
    lhs,
    rhs: A.mul(pathProduct(A, tree, mu), atMu),
    tol: 4 * (2 ** L + 6 * N) * EPS64 * scale,
    derivation:
      `tol = c·n·ε_64·scale = 4·(2^L + 6·N)·ε·max|h| with L = ${L} leaves, N = ${N} nodes, max|h| = ${scale}: ` +
      `each P(x | z) is a product of ≤ 6N rounded factors, a sum over 2^L configurations adds γ_{2^L}·Σ P|h| ≤ γ_{2^L}·max|h|; ` +
      `two expectations per side, two sides`,
  });
  return out;
}

function measureWith<T>(A: Arith<T>, c: C8Case, h: (size: number) => T[]): Measurement {
  let worst: Measurement = { ok: true, error: 0, tolerance: 0 };
  let worstRatio = -1;
  for (const cmp of c8Comparisons(A, c, h)) {
    const error = Math.abs(A.toNumber(A.sub(cmp.lhs, cmp.rhs)));
    if (A.exact) {
      if (!A.eq(cmp.lhs, cmp.rhs)) return { ok: false, error, tolerance: 0, note: `${cmp.what}: ${String(cmp.lhs)} ≠ ${String(cmp.rhs)}` };
      continue;
    }
    const ratio = error / cmp.tol;
    if (!(ratio <= 1)) return { ok: false, error, tolerance: cmp.tol, derivation: cmp.derivation, note: cmp.what };
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = { ok: true, error, tolerance: cmp.tol, derivation: cmp.derivation, note: cmp.what };
    }
  }
  return A.exact ? { ok: true, error: 0, tolerance: 0, note: 'all comparisons equal (Rational.equals)' } : worst;
}

const describeCase = (c: C8Case) => ({
  shape: shapeOf(c.tree),
  polarities: polaritiesOf(c.tree),
  rootPrior: c.tree.rootPrior,
  node: c.tree.nodes[c.pick % c.tree.nodes.length]!.name,
  hSeed: c.hSeed,
});

const arbCase = (constraints: (scale: Scale) => TreeConstraints) => (scale: Scale) =>
  fc.record({ tree: arbTree(constraints(scale)), pick: fc.nat({ max: 1 << 20 }), hSeed: fc.nat({ max: 1 << 30 }) });

const rationalCheck: PropertyCheck<C8Case> = {
  type: 'property',
  id: 'C8/rational/path-algebra',
  claim: 'C8',
  title: 'ρ_0ν = Π ρ_e and the conditional-difference identity, exactly (dyadic ρ, p_0, h)',
  variant: 'irregular trees, dyadic ρ incl. ±1 and 0',
  expect: 'hold',
  arithmetic: 'rational',
  runs: { ci: 100, full: 1000 },
  arbitrary: arbCase((scale) => ({ maxDepth: scale === 'ci' ? 3 : 4, maxLeaves: scale === 'ci' ? 8 : 12, polarity: { kind: 'dyadic' } })),
  measure: (c) => measureWith(EXACT, c, (size) => dyadicH(c.hSeed, size).map((v) => EXACT.from(v))),
  describe: describeCase,
};

const floatCheck: PropertyCheck<C8Case> = {
  type: 'property',
  id: 'C8/float64/path-algebra',
  claim: 'C8',
  title: 'ρ_0ν = Π ρ_e and the conditional-difference identity in float64 (any ρ, p_0, h)',
  variant: 'irregular trees, any double ρ incl. ±1 and 0',
  expect: 'hold',
  arithmetic: 'float64',
  runs: { ci: 100, full: 1000 },
  arbitrary: arbCase((scale) => ({ maxDepth: scale === 'ci' ? 3 : 4, maxLeaves: scale === 'ci' ? 8 : 12, polarity: { kind: 'extremes-included' }, rootPrior: 'any' })),
  measure: (c) => measureWith(F64, c, (size) => { const r = new Rng(c.hSeed).fork(); return Array.from({ length: size }, () => r.range(-2, 2)); }),
  describe: describeCase,
};

/**
 * h on `size` configurations: k/8 with k uniform in −16..16 (dyadic, |h| ≤ 2). The stream is forked
 * once: the first draws of `new Rng(small seed)` are all close to 1.
 */
export function dyadicH(seed: number, size: number): number[] {
  const r = new Rng(seed).fork();
  return Array.from({ length: size }, () => (r.int(33) - 16) / 8);
}

export const checks: Check[] = [rationalCheck, floatCheck];
