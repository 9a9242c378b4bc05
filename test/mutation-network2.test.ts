/**
 * The rest of src/network against oracles that share no code with it (issue 12 item 5,
 * docs/mutation.md): tree and MLP architectures against block lists written out by hand; isCut
 * against an enumeration of every input-to-output path (leaf → parent chain); the in-batch pairing
 * against written-out anchor lists; the initialisations against their stated laws (support, mean and
 * variance within 5 standard errors: false-failure rate < 1e-6 per check); the path-sum bounds
 * against hand-computed sums and against |g| of the forward pass; the TF.js forms of the activations
 * against their formulas on a stand-in `tf` that computes with numbers.
 */
import { describe, expect, it } from 'vitest';
import { EXACT, F64 } from '../src/numeric/arith.js';
import { Rational } from '../src/numeric/rational.js';
import { Rng } from '../src/numeric/random.js';
import { buildTree, completeTree, type Tree } from '../src/hltm/tree.js';
import { isCut, mlpArchitecture, paramCount, treeArchitecture, type Architecture, type NetworkSpec, type Params } from '../src/network/architecture.js';
import { RELU, activationRecord, parseActivation, type Activation } from '../src/network/activation.js';
import { explicitExpansion, inBatchAnchors, interleaveViews } from '../src/network/inBatchPairs.js';
import { initParams, toArith } from '../src/network/init.js';
import { connectionBound, jacobianBounds, magnitude, pathSums } from '../src/network/magnitude.js';
import { forward } from '../src/network/forward.js';
import { batchLoss } from '../src/network/batchGradient.js';
import { inBatchLoss, inBatchOutputGradient } from '../src/network/inBatchGradient.js';
import { parseLoss } from '../src/losses/index.js';
import { expectWithin, withinBound } from './support/within.js';
import { PHI_OPS, phiCdf } from './support/phiCdf.js';

const pol = () => 0.5;
/** s → [s0 → (s00, s01), s1 → (s10 → (s100, s101), s11), s2] */
const mixed = (): Tree => buildTree([[0, 0], [[0, 0], 0], 0], pol);

describe('architectures against block lists written out by hand', () => {
  it('tree-matched network of a mixed tree: blocks deepest first, sources, offsets, consumers, cuts', () => {
    const a = treeArchitecture(mixed(), 2, 3);
    const shape = a.blocks.map((b) => ({ index: b.index, name: b.name, out: b.out, in: b.in, sources: b.sources, offsets: b.offsets, consumers: b.consumers, node: b.node, depth: b.depth }));
    expect(shape).toEqual([
      { index: 0, name: 's10', out: 2, in: 2, sources: [{ kind: 'input', index: 4 }, { kind: 'input', index: 5 }], offsets: [0, 1], consumers: [{ block: 1, offset: 0 }], node: 6, depth: 2 },
      { index: 1, name: 's1', out: 2, in: 3, sources: [{ kind: 'block', block: 0 }, { kind: 'input', index: 3 }], offsets: [0, 2], consumers: [{ block: 3, offset: 2 }], node: 2, depth: 1 },
      { index: 2, name: 's0', out: 2, in: 2, sources: [{ kind: 'input', index: 1 }, { kind: 'input', index: 2 }], offsets: [0, 1], consumers: [{ block: 3, offset: 0 }], node: 1, depth: 1 },
      { index: 3, name: 's', out: 3, in: 5, sources: [{ kind: 'block', block: 2 }, { kind: 'block', block: 1 }, { kind: 'input', index: 0 }], offsets: [0, 2, 4], consumers: [], node: 0, depth: 0 },
    ]);
    expect([a.kind, a.nInputs, a.output, a.nOut]).toEqual(['tree', 6, 3, 3]);
    expect(a.tree).toBeDefined();
    expect(a.layers).toEqual([{ name: 'depth 0', blocks: [3] }]); // the root has a leaf child: no deeper level cut
    expect(treeArchitecture(mixed(), 2).nOut).toBe(2); // outWidth defaults to hid
    expect(() => treeArchitecture(mixed(), 0)).toThrow(/hid/);
    expect(() => treeArchitecture(mixed(), 2, 0)).toThrow(/out width/);
  });

  it('level cuts stop at the first level where some node has a leaf child', () => {
    // s → [s0 → [s00 → (s000, s001)], s1 → (s10, s11)]: s1's children are leaves.
    const a = treeArchitecture(buildTree([[[0, 0]], [0, 0]], pol), 1);
    expect(a.layers).toEqual([{ name: 'depth 0', blocks: [3] }, { name: 'depth 1', blocks: [1, 2] }]);
  });

  it('complete tree: level cuts depth 0, 1, 2 with sorted block indices', () => {
    const a = treeArchitecture(completeTree(3, 2, pol), 1);
    // internal nodes in BFS order s, s0, s1, s00, s01, s10, s11; blocks are that order reversed.
    expect(a.blocks.map((b) => b.name)).toEqual(['s11', 's10', 's01', 's00', 's1', 's0', 's']);
    expect(a.layers).toEqual([
      { name: 'depth 0', blocks: [6] },
      { name: 'depth 1', blocks: [4, 5] },
      { name: 'depth 2', blocks: [0, 1, 2, 3] },
    ]);
  });

  it('MLP: blocks l1..lL, errors name the field; paramCount sums out·in', () => {
    const a = mlpArchitecture([4, 3, 2]);
    expect(a.blocks.map((b) => ({ name: b.name, out: b.out, in: b.in, sources: b.sources, offsets: b.offsets, consumers: b.consumers, node: b.node, depth: b.depth, index: b.index }))).toEqual([
      { name: 'l1', out: 3, in: 4, sources: [{ kind: 'all-inputs' }], offsets: [0], consumers: [{ block: 1, offset: 0 }], node: -1, depth: 1, index: 0 },
      { name: 'l2', out: 2, in: 3, sources: [{ kind: 'block', block: 0 }], offsets: [0], consumers: [], node: -1, depth: 0, index: 1 },
    ]);
    expect([a.kind, a.nInputs, a.output, a.nOut, 'tree' in a]).toEqual(['mlp', 4, 1, 2, false]);
    expect(a.layers).toEqual([{ name: 'l1', blocks: [0] }, { name: 'l2', blocks: [1] }]);
    expect(mlpArchitecture([2, 5]).blocks.length).toBe(1);
    expect(() => mlpArchitecture([3])).toThrow('widths: an MLP needs an input width and at least one layer width');
    expect(() => mlpArchitecture([3, 1.5])).toThrow(/widths\[1\]/);
    expect(paramCount(a, [0, 1])).toBe(18);
    expect(paramCount(a, [1])).toBe(6);
    expect(paramCount(treeArchitecture(mixed(), 2, 3), [1, 3])).toBe(2 * 3 + 3 * 5);
  });

  it('isCut agrees with an enumeration of the leaf-to-root paths, for every subset of blocks', () => {
    const pathCut = (a: Architecture, t: Tree, set: Set<number>) => {
      const blockOfNode = new Map(a.blocks.map((b) => [b.node, b.index]));
      return t.leaves.every((leaf) => {
        let hits = 0;
        for (let n = t.nodes[leaf]!.parent; n >= 0; n = t.nodes[n]!.parent) if (set.has(blockOfNode.get(n)!)) hits++;
        return hits === 1;
      });
    };
    for (const t of [mixed(), completeTree(3, 2, pol), completeTree(2, 3, pol)]) {
      const a = treeArchitecture(t, 2);
      const n = a.blocks.length;
      for (let mask = 0; mask < 1 << n; mask++) {
        const blocks = [...Array(n).keys()].filter((i) => (mask >> i) & 1);
        expect(isCut(a, blocks)).toBe(pathCut(a, t, new Set(blocks)));
      }
    }
    const m = mlpArchitecture([2, 2, 2, 2]);
    for (let mask = 0; mask < 8; mask++) {
      const blocks = [0, 1, 2].filter((i) => (mask >> i) & 1);
      expect(isCut(m, blocks)).toBe(blocks.length === 1);
    }
  });
});

describe('in-batch pairing against written-out anchor lists', () => {
  it('anchors, symmetric anchors, interleaving, the explicit expansion, bad B', () => {
    expect(inBatchAnchors(2, false)).toEqual([
      { anchor: 0, positive: 1, negatives: [2, 3] },
      { anchor: 2, positive: 3, negatives: [0, 1] },
    ]);
    expect(inBatchAnchors(3, true)).toEqual([
      { anchor: 0, positive: 1, negatives: [2, 3, 4, 5] },
      { anchor: 2, positive: 3, negatives: [0, 1, 4, 5] },
      { anchor: 4, positive: 5, negatives: [0, 1, 2, 3] },
      { anchor: 1, positive: 0, negatives: [2, 3, 4, 5] },
      { anchor: 3, positive: 2, negatives: [0, 1, 4, 5] },
      { anchor: 5, positive: 4, negatives: [0, 1, 2, 3] },
    ]);
    expect(interleaveViews(['a', 'b', 'c'], ['A', 'B', 'C'])).toEqual(['a', 'A', 'b', 'B', 'c', 'C']);
    expect(explicitExpansion(['a', 'b'], ['A', 'B'], false)).toEqual({ x: ['a', 'b'], pos: ['A', 'B'], neg: [['b', 'B'], ['a', 'A']] });
    expect(explicitExpansion(['a', 'b'], ['A', 'B'], true)).toEqual({
      x: ['a', 'b', 'A', 'B'], pos: ['A', 'B', 'a', 'b'], neg: [['b', 'B'], ['a', 'A'], ['b', 'B'], ['a', 'A']],
    });
    for (const B of [1, 0, 2.5, NaN]) expect(() => inBatchAnchors(B, false)).toThrow(`in-batch negatives need B >= 2 rows, got ${B}`);
    expect(() => inBatchAnchors(1, false)).toThrow(/batch\.x/);
  });

  it('in-batch stats are ½‖u_a − u_o‖² of the views; the default reduction is the mean', () => {
    const views = [[0, 1], [1, 1], [3, 0], [2, 2]];
    const nce = parseLoss({ name: 'nce', tau: 0.5 });
    const o = inBatchOutputGradient(F64, views, nce, false);
    const half = (a: number[], b: number[]) => 0.5 * a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0);
    expect(o.stats.pos).toEqual([half(views[0]!, views[1]!), half(views[2]!, views[3]!)]);
    expect(o.stats.neg).toEqual([[half(views[0]!, views[2]!), half(views[0]!, views[3]!)], [half(views[2]!, views[0]!), half(views[2]!, views[1]!)]]);
    const mean = inBatchOutputGradient(F64, views, nce, false, 'mean');
    const sum = inBatchOutputGradient(F64, views, nce, false, 'sum');
    expect(o.value).toBe(mean.value);
    // mean = (1/B)·Σ with B = 2 anchors (losses/loss.ts reduceTuples): 1/2 and the products by 1/2, 2 are exact.
    expect(sum.value).toBe(2 * mean.value);
    const spec: NetworkSpec = { arch: mlpArchitecture([2, 2]), activation: { kind: 'relu' } as Activation, bias: false, normalize: false, eps: 0 };
    const params: Params<number> = { W: [[1, 0.5, -0.25, 1]], b: null };
    const rows = { x: [[1, 2], [0.5, -1]], pos: [[1, 1], [2, 0]] };
    expect(inBatchLoss(F64, spec, params, rows, nce, false).value).toBe(inBatchLoss(F64, spec, params, rows, nce, false, 'mean').value);
    const batch = { x: rows.x, pos: rows.pos, neg: [[[0, 1]], [[1, 0]]] };
    const bm = batchLoss(F64, spec, params, batch, nce);
    expect(bm.value).toBe(batchLoss(F64, spec, params, batch, nce, 'mean').value);
    expect(batchLoss(F64, spec, params, batch, nce, 'sum').value).toBe(2 * bm.value); // B = 2: exact, as above
  });
});

describe('initialisations against their stated laws', () => {
  /** Built inside each test (not at collection), so StrykerJS sees the architecture's mutants per test. */
  const bigSpec = (): NetworkSpec => ({ arch: mlpArchitecture([400, 50]), activation: { kind: 'relu' } as Activation, bias: true, normalize: false, eps: 0 });
  const moments = (v: number[]) => {
    const m = v.reduce((s, x) => s + x, 0) / v.length;
    return { m, v: v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length };
  };
  /** mean within 5 SE of 0, variance within 5 SE of `want` (SE of the variance ≈ want·√(κ−1)/√n, κ ≤ 3). */
  const lawOk = (v: number[], want: number) => {
    const { m, v: s2 } = moments(v);
    expect(Math.abs(m)).toBeLessThan(5 * Math.sqrt(want / v.length));
    expect(Math.abs(s2 - want)).toBeLessThan(5 * want * Math.sqrt(2 / v.length));
  };

  it('pytorch: W and b ~ U(−1/√fan_in, 1/√fan_in)', () => {
    const p = initParams(bigSpec(), new Rng(1), { scheme: 'pytorch' });
    const w = p.W[0]!;
    expect(w.length).toBe(20000);
    expect(Math.max(...w.map(Math.abs))).toBeLessThan(1 / 20);
    lawOk([...w], 1 / 400 / 3);
    expect(p.b![0]!.length).toBe(50);
    expect(p.b![0]!.every((x) => Math.abs(x) < 1 / 20)).toBe(true);
    expect(p.b![0]!.filter((x) => x !== 0).length).toBe(50);
  });

  it('gaussian (the default) and uniform: variance scale²/fan_in, biases 0', () => {
    for (const [opts, scale] of [[{}, 1], [{ scheme: 'gaussian' as const, scale: 2 }, 2], [{ scheme: 'uniform' as const }, 1], [{ scheme: 'uniform' as const, scale: 3 }, 3]] as const) {
      const p = initParams(bigSpec(), new Rng(2), opts);
      lawOk([...p.W[0]!], scale ** 2 / 400);
      expect(p.b![0]!.every((x) => x === 0)).toBe(true);
      // Uniform stays inside √3·σ; Gaussian leaves it (P(|z| < √3)^20000 ≈ 0.917^20000 ≈ 0).
      const maxAbs = Math.max(...p.W[0]!.map(Math.abs));
      if (opts.scheme === 'uniform') expect(maxAbs).toBeLessThan((Math.sqrt(3) * scale) / 20);
      else expect(maxAbs).toBeGreaterThan((Math.sqrt(3) * scale) / 20);
    }
    expect(initParams({ ...bigSpec(), bias: false }, new Rng(2)).b).toBeNull();
  });

  it('dyadic: every k/2^bits with |k| ≤ 2^bits·scale occurs, nothing else (default bits 3, scale 1)', () => {
    const support = (p: Params<number>) => new Set([...p.W[0]!, ...p.b![0]!]);
    const d3 = support(initParams(bigSpec(), new Rng(3), { scheme: 'dyadic' }));
    expect([...d3].sort((a, b) => a - b)).toEqual(Array.from({ length: 17 }, (_, i) => (i - 8) / 8));
    const d2 = support(initParams(bigSpec(), new Rng(3), { scheme: 'dyadic', bits: 2, scale: 2 }));
    expect([...d2].sort((a, b) => a - b)).toEqual(Array.from({ length: 17 }, (_, i) => (i - 8) / 4));
  });

  it('toArith converts exactly and keeps a missing bias missing', () => {
    const p = { W: [[0.1, -0.375]], b: [[1e-300]] };
    const q = toArith(EXACT, p);
    expect(q.W[0]!.map((r) => r.equals(Rational.fromNumber(p.W[0]![0]!)) || r.equals(Rational.fromNumber(p.W[0]![1]!)))).toEqual([true, true]);
    expect(q.W[0]![1]!.toString()).toBe('-3/8');
    expect(q.b![0]![0]!.equals(Rational.fromNumber(1e-300))).toBe(true);
    expect(toArith(EXACT, { W: [[1]], b: null }).b).toBeNull();
  });
});

describe('path-sum bounds against hand-computed sums and the forward pass', () => {
  const mlp = (activation: string, normalize = false): NetworkSpec => ({ arch: mlpArchitecture([2, 2, 1]), activation: parseActivation(activation), bias: true, normalize, eps: 0.5 });
  const params: Params<number> = { W: [[1, -2, 0.5, 3], [-1.5, 2]], b: [[0.25, -1], [0.5]] };
  const x = [-1, 2];

  it('ḡ = |W|ī + |b| with ī = d̄·ḡ(source) + offset (relu, leaky slope 2, softplus)', () => {
    // block 1: ḡ = [|1|·1 + |−2|·2 + 0.25, 0.5·1 + 3·2 + 1] = [5.25, 7.5]
    for (const [act, d, off] of [['relu', 1, 0], ['leaky_relu:2', 2, 0], ['softplus', 1, Math.log(2)]] as const) {
      const { gbar, ibar } = pathSums(mlp(act), params, x);
      expect(gbar[0]).toEqual([5.25, 7.5]);
      expect(ibar[0]).toEqual([1, 2]);
      const i1 = [5.25 * d + off, 7.5 * d + off];
      expect(ibar[1]).toEqual(i1);
      // pathSums starts from |b| and adds |W_j|·ī_j in j order: the same roundings, exact.
      expect(gbar[1]![0]).toBe(0.5 + 1.5 * i1[0]! + 2 * i1[1]!);
    }
    // A tree network reads single inputs: ḡ of s0 = |W|·|x_1, x_2|.
    const t = treeArchitecture(mixed(), 1, 1);
    const spec: NetworkSpec = { arch: t, activation: parseActivation('relu'), bias: false, normalize: false, eps: 0 };
    const tp: Params<number> = { W: t.blocks.map((b) => Array.from({ length: b.in }, (_, j) => (j % 2 ? -1 : 2))), b: null };
    const xs = [1, -2, 3, -4, 5, -6];
    const g = pathSums(spec, tp, xs).gbar;
    expect(g[0]).toEqual([2 * 5 + 6]); // s10 reads x_4, x_5
    expect(g[2]).toEqual([2 * 2 + 3]); // s0 reads x_1, x_2
  });

  it('ḡ bounds |g| of the forward pass, with equality when everything is non-negative', () => {
    const rng = new Rng(9);
    const spec: NetworkSpec = { arch: treeArchitecture(completeTree(2, 3, pol), 3), activation: parseActivation('relu'), bias: true, normalize: false, eps: 0 };
    for (let rep = 0; rep < 20; rep++) {
      const p = initParams(spec, rng, { scheme: 'pytorch' });
      const xs = Array.from({ length: 9 }, () => rng.range(-2, 2));
      const { gbar } = pathSums(spec, p, xs);
      const g = forward(F64, spec, p, xs).g;
      // |g| ≤ ḡ exactly; both are rounded sums of products: the table's identity bound at ḡ, n = magnitude's chain.
      const { ops } = magnitude(spec, p, xs);
      g.forEach((gb, k) => gb.forEach((v, i) => expect(Math.abs(v)).toBeLessThanOrEqual(gbar[k]![i]! + withinBound(gbar[k]![i]!, { ops }).tol)));
      const abs = { W: p.W.map((w) => w.map(Math.abs)), b: p.b!.map((w) => w.map(Math.abs)) };
      const ax = xs.map(Math.abs);
      const ga = forward(F64, spec, abs, ax).g;
      const gb = pathSums(spec, abs, ax).gbar;
      // Non-negative everything: ψ(g) = g·d̄ + 0 and the same sums in the same order (|b|, then |W_j|·ī_j): exact.
      expect(ga).toEqual(gb);
      expect(magnitude(spec, p, xs).scale).toBe(Math.max(...gbar[spec.arch.output]!));
    }
  });

  it('J̄ by hand: output 1 (2/(‖g_L‖+ε) normalised), hidden Σ_i J̄_out,i·|W_out[i, j]|·d̄', () => {
    expect(jacobianBounds(mlp('relu'), params)).toEqual([[1.5, 2], [1]]);
    expect(jacobianBounds(mlp('leaky_relu:2'), params)).toEqual([[3, 4], [1]]);
    const n = 2 / (1.5 + 0.5);
    expect(jacobianBounds(mlp('relu', true), params, 1.5)).toEqual([[1.5 * n, 2 * n], [n]]);
    // A tree: s1 is read by the root at offset 2; J̄_s1[j] = Σ_i J̄_root,i·|W_root[i, 2 + j]|.
    const t = treeArchitecture(mixed(), 2, 2);
    const spec: NetworkSpec = { arch: t, activation: parseActivation('relu'), bias: false, normalize: false, eps: 0 };
    const W = t.blocks.map((b) => Array.from({ length: b.out * b.in }, (_, k) => k + 1));
    const jb = jacobianBounds(spec, { W, b: null });
    // root W is 2×5: rows [1..5], [6..10]; columns 2, 3 belong to s1, columns 0, 1 to s0.
    expect(jb[3]).toEqual([1, 1]);
    expect(jb[1]).toEqual([3 + 8, 4 + 9]);
    expect(jb[2]).toEqual([1 + 6, 2 + 7]);
    // s10 is read by s1 (2×3, rows [1,2,3], [4,5,6]) at offset 0: J̄_s10[j] = Σ_i J̄_s1,i·W_s1[i, j].
    expect(jb[0]).toEqual([11 * 1 + 13 * 4, 11 * 2 + 13 * 5]);
  });

  it('ops = depth·(widest + bias + ψ) + [nOut + 4], gradientOps = ops + depth·(widest + ψ′) + [nOut + 6] + 1 + max in·out; the connection bound is max J̄·max ī', () => {
    const t = treeArchitecture(mixed(), 2, 3);
    const spec: NetworkSpec = { arch: t, activation: parseActivation('relu'), bias: false, normalize: false, eps: 0 };
    const W = t.blocks.map((b) => new Array<number>(b.out * b.in).fill(1));
    // The tree: depth 3, widest 5 (the root reads 5), ReLU (no roundings), the root's 5·3 = 15 rows the largest block.
    const mt = magnitude(spec, { W, b: null }, [1, 1, 1, 1, 1, 1]);
    expect(mt.ops).toBe(3 * 5);
    expect(mt.gradientOps).toBe(15 + 3 * 5 + 1 + 15);
    // tanh (1 and 4 roundings), biases and normalisation (nOut = 3): every term.
    const tanh = magnitude({ ...spec, activation: parseActivation('tanh'), bias: true, normalize: true }, { W, b: t.blocks.map((b) => new Array<number>(b.out).fill(0)) }, [1, 1, 1, 1, 1, 1]);
    expect(tanh.ops).toBe(3 * (5 + 1 + 1) + 3 + 4);
    expect(tanh.gradientOps).toBe(tanh.ops + 3 * (5 + 4) + 3 + 6 + 1 + 15);
    // The MLP [2, 2, 1] with biases: depth 2, widest 2, rows 2·2.
    const mm = magnitude(mlp('relu'), params, x);
    expect(mm.ops).toBe(2 * (2 + 1));
    expect(mm.gradientOps).toBe(6 + 2 * 2 + 1 + 4);
    const { ibar } = pathSums(mlp('relu'), params, x);
    const jb = jacobianBounds(mlp('relu'), params);
    // block 0: max J̄ 2 × max ī 2 = 4; block 1: 1 × max(ī_1) = 7.5
    expect(Math.max(...ibar[1]!)).toBe(7.5);
    expect(connectionBound(mlp('relu'), params, x)).toBe(Math.max(Math.max(...jb[0]!) * 2, 7.5));
    expect(connectionBound(mlp('relu'), params, [0, 0])).toBe(1);
    // The hidden block dominates: J̄_0 = [15, 20], ī_0 = [1, 2] → 40 (the larger J̄ entry, not 15·2).
    const p2: Params<number> = { W: [params.W[0]!, [-15, 20]], b: params.b };
    expect(jacobianBounds(mlp('relu'), p2)[0]).toEqual([15, 20]);
    expect(connectionBound(mlp('relu'), p2, x)).toBe(40); // ī_0 = |x| = 0, ī_1 = |b_0| = [0.25, 1]
  });
});

describe('activations: TF.js forms on a stand-in tf of numbers, names and exactness', () => {
  const fake = {
    relu: (g: number) => Math.max(0, g),
    leakyRelu: (g: number, s: number) => (g > 0 ? g : s * g),
    tanh: Math.tanh,
    softplus: (g: number) => Math.log(1 + Math.exp(g)),
    mul: (a: number, b: number) => a * b,
    add: (a: number, b: number) => a + b,
    erf: (v: number) => 2 * phiCdf(v * Math.SQRT2) - 1,
  };
  const tfOf = (s: string, g: number) => {
    const a = parseActivation(s);
    return (activationRecord(a).tf as unknown as (tf: typeof fake, g: number, p: Activation) => number)(fake, g, a);
  };
  it('each tf form computes ψ; RELU is relu', () => {
    expect(RELU).toEqual({ kind: 'relu' });
    for (const g of [-1.5, -0.2, 0.7, 2]) {
      expect(tfOf('relu', g)).toBe(Math.max(0, g));
      expect(tfOf('leaky_relu:0.3', g)).toBe(g > 0 ? g : 0.3 * g);
      expect(tfOf('linear', g)).toBe(g);
      expect(tfOf('tanh', g)).toBe(Math.tanh(g));
      expect(tfOf('softplus', g)).toBe(Math.log(1 + Math.exp(g))); // the stand-in's softplus is this formula
      // (g·0.5)·(1 + (2Φ(g·SQRT1_2·SQRT2) − 1)) against g·Φ(g) (Φ: test/support/phiCdf.ts): g·SQRT1_2, ·SQRT2
      // (the shifted end moves Φ by φ(g)·|g|·2ε ≤ 0.25·2ε: within them), Φ's PHI_OPS, 2Φ − 1, 1 +, · (0.5·g
      // exact): PHI_OPS + 5; terms 0.5·|g|·(1 + |2Φ − 1|) ≤ |g| (1 + erf cancels for g < 0: not |want|).
      expectWithin(tfOf('gelu', g), g * phiCdf(g), { ops: PHI_OPS + 5, scale: Math.abs(g), what: 'tf.gelu' });
    }
  });
  it('a colon at position 0 is no parameter; float-only activations name themselves in rationals', () => {
    expect(() => parseActivation(':0.1')).toThrow(/unknown activation ':0\.1'/);
    const one = Rational.ONE;
    for (const name of ['softplus', 'gelu']) {
      const r = activationRecord(parseActivation(name));
      expect(() => r.value(EXACT, one, parseActivation(name))).toThrow(new RegExp(`cannot compute ${name}:`));
      expect(() => r.derivative(EXACT, one, parseActivation(name))).toThrow(new RegExp(`cannot compute ${name}:`));
    }
  });
});
