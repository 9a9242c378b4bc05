/**
 * The f32 engine's driver (src/engines/f32/engine.ts), issue 12 item 5, docs/mutation.md: the
 * evaluation sums over sets of several chunks, the chunked forward and backward, the parameter
 * packing, the optimiser step and the non-finite probe, each against an oracle of its own:
 * - unitSums: the sums written out by hand (Σz, Σ(g−c), Σ(g−c)², Σz(g−c), c = the first sample's
 *   pre-activations) from one-row forwards of the kernel path (tableMax 0, itself checked against
 *   the float64 reference in test/engine-f32.test.ts). Kernel path: the same float64 additions in
 *   the same row order, so equal bit for bit; tables (histograms): the same terms in another order,
 *   |Δ| ≤ c·n·ε₆₄·Σ|terms| (tolerance table, float64 'identity');
 * - gradient and pre-activations: independent of the chunk size bit for bit (each gradient entry is
 *   one node's, summed over the rows in ascending order whatever the chunks);
 * - packing: P[pOff + j·out + i] = W[i·in + j], the bias after the weights, written out;
 * - SGD and Adam: the step written out from the engine's own gradient (float64, then float32);
 * - nonFinite: the deepest non-finite block (nodes in reverse order), W before b;
 * - the table switches: tables exist iff tableMax ≥ 2 and the plan (tables.ts tablePlan, called
 *   here with the same limits) has nodes; a forward uses them iff every leaf is 0 or 1; a batch with
 *   other values gives the kernel path's gradient bit for bit, tables built or not.
 */
import { describe, expect, it } from 'vitest';
import { buildTree, completeTree, type Tree } from '../src/hltm/tree.js';
import { parseAugmentation } from '../src/hltm/augmentation.js';
import { allocBatch, sampleBatch } from '../src/hltm/batch.js';
import { treeArchitecture, type NetworkSpec } from '../src/network/architecture.js';
import { parseActivation } from '../src/network/activation.js';
import { initParams } from '../src/network/init.js';
import { Rng } from '../src/numeric/random.js';
import { tolerance } from '../src/numeric/tolerance.js';
import { F32Engine, unpackParams } from '../src/engines/f32/engine.js';
import { drawEvalSet } from '../src/train/evaluate.js';
import type { EvalSet, UnitSums } from '../src/engines/unitSums.js';
import { ENGINE_LOSSES as LOSSES, gradientTolerance, roundParams } from '../properties/claims/C2/index.js';
import { tablePlan } from '../src/engines/f32/tables.js';
import { batchLoss } from '../src/network/batchGradient.js';
import { F64 } from '../src/numeric/arith.js';

/** The engine with its table state readable (protected in engine.ts). */
class Probe extends F32Engine {
  get state() {
    return { tables: this.tables, usedTables: this.usedTables };
  }
}

const trees: [string, Tree][] = [
  ['irregular', buildTree([[0, [0, 0, 0]], 0, [[0, 0], 0]], () => 0.75)],
  ['complete', completeTree(4, 2, (n) => (n.length % 2 ? 0.8 : -0.9))],
];

function setup(t: Tree, bias = true, act = 'relu') {
  const spec: NetworkSpec = { arch: treeArchitecture(t, 4), activation: parseActivation(act), bias, normalize: true, eps: 1e-4 };
  return { spec, params: roundParams(initParams(spec, new Rng(3), { scheme: 'pytorch' })) };
}

type Opts = { tableMax?: number; partialMax?: number; chunk?: number; optimizer?: { name: 'sgd' | 'adam'; lr: number }; B?: number; H?: number };
const engine = (spec: NetworkSpec, params: ReturnType<typeof setup>['params'], o: Opts = {}) =>
  new F32Engine({ spec, params, loss: LOSSES['nce(τ=0.5)']!, optimizer: o.optimizer ?? { name: 'sgd', lr: 0.1 }, B: o.B ?? 3, H: o.H ?? 2, ...o });

/** The sums written out: one forward per row (kernel path), float64 sums in row order. */
function handSums(spec: NetworkSpec, params: ReturnType<typeof setup>['params'], set: EvalSet): UnitSums & { abs: { sg: number[]; sgg: number[]; szg: number[] } } {
  const e = engine(spec, params, { tableMax: 0 });
  const L = spec.arch.nInputs;
  const nI = e.layout.nodes.length;
  const Gw = e.layout.Gw;
  const sz = new Float64Array(nI);
  const [sg, sgg, szg] = [new Float64Array(Gw), new Float64Array(Gw), new Float64Array(Gw)];
  const abs = { sg: new Array<number>(Gw).fill(0), sgg: new Array<number>(Gw).fill(0), szg: new Array<number>(Gw).fill(0) };
  let c: number[] = [];
  for (let s = 0; s < set.n; s++) {
    const g = Array.from(e.forwardPre(set.x.slice(s * L, (s + 1) * L), 1));
    if (s === 0) c = g;
    e.layout.nodes.forEach((n, k) => {
      const z = set.z[s * nI + k]!;
      sz[k] = sz[k]! + z;
      for (let i = 0; i < n.out; i++) {
        const u = n.gpos + i;
        const d = g[u]! - c[u]!;
        sg[u] = sg[u]! + d;
        sgg[u] = sgg[u]! + d * d;
        szg[u] = szg[u]! + z * d;
        abs.sg[u] = abs.sg[u]! + Math.abs(d);
        abs.sgg[u] = abs.sgg[u]! + d * d;
        abs.szg[u] = abs.szg[u]! + Math.abs(z * d);
      }
    });
  }
  return { n: set.n, sz, sg, sgg, szg, abs };
}

function expectSums(got: UnitSums, want: ReturnType<typeof handSums>, exact: boolean, what: string) {
  expect(got.n, what).toBe(want.n);
  expect(Array.from(got.sz), `${what}: sz`).toEqual(Array.from(want.sz));
  for (const k of ['sg', 'sgg', 'szg'] as const) {
    if (exact) expect(Array.from(got[k]), `${what}: ${k}`).toEqual(Array.from(want[k]));
    else got[k].forEach((v, u) => expect(Math.abs(v - want[k][u]!), `${what}: ${k}[${u}]`).toBeLessThanOrEqual(tolerance('float64', 'identity', want.n, want.abs[k][u]!).tol));
  }
}

describe('f32 engine: evaluation sums over several chunks = the sums written out', () => {
  for (const [name, t] of trees) {
    it(`${name} tree: kernels and tables, one chunk and chunks of 1, 7, 16; 0/1 inputs, other inputs, a mix`, () => {
      const { spec, params } = setup(t);
      const L = spec.arch.nInputs;
      const binary = drawEvalSet(t, parseAugmentation('root'), 37, new Rng(6));
      const other: EvalSet = { ...binary, x: binary.x.map((v, i) => (i % 3 === 0 ? 0.5 : v)) };
      // Rows 8..15 not 0/1: with chunks of 8 (and 7) some chunks take the kernels, some the histograms.
      const mixed: EvalSet = { ...binary, x: binary.x.map((v, i) => (i >= 8 * L && i < 16 * L && i % 2 ? 0.25 : v)) };
      for (const [setName, set] of [['0/1', binary], ['½', other], ['mixed', mixed]] as const) {
        const want = handSums(spec, params, set);
        for (const chunk of [1, 7, 8, 16, 2048]) {
          // Kernel path: the same additions in the same order.
          expectSums(engine(spec, params, { tableMax: 0 }).unitSums(set, chunk), want, true, `${setName}, kernels, chunk ${chunk}`);
          const tab = engine(spec, params, { tableMax: 32, partialMax: 64 });
          expectSums(tab.unitSums(set, chunk), want, setName === '½', `${setName}, tables, chunk ${chunk}`);
          // A second evaluation with the same engine (buffers already grown) gives the same sums.
          expectSums(tab.unitSums(set, chunk), want, setName === '½', `${setName}, tables again, chunk ${chunk}`);
        }
      }
    });
  }

  it('an empty set gives n = 0 and zero sums, a one-sample set zero sums but Σz', () => {
    const { spec, params } = setup(trees[1]![1]);
    const set = drawEvalSet(trees[1]![1], parseAugmentation('root'), 1, new Rng(2));
    for (const tableMax of [0, 32]) {
      const e = engine(spec, params, { tableMax });
      const empty = e.unitSums({ n: 0, x: new Float32Array(0), z: new Uint8Array(0) });
      expect(empty.n).toBe(0);
      for (const k of ['sz', 'sg', 'sgg', 'szg'] as const) expect(empty[k].every((v) => v === 0), k).toBe(true);
      const one = e.unitSums(set);
      expect(Array.from(one.sz)).toEqual(Array.from(set.z));
      for (const k of ['sg', 'sgg', 'szg'] as const) expect(one[k].every((v) => v === 0), k).toBe(true);
    }
  });
});

describe('f32 engine: chunked forward and backward', () => {
  for (const [name, t] of trees) {
    it(`${name} tree: gradient, loss and pre-activations are the same for chunks of 1, 4, 7, S − 1, S, S + 5`, () => {
      for (const act of ['relu', 'tanh']) {
        const { spec, params } = setup(t, true, act);
        const [B, H] = [3, 2];
        const S = B * (2 + H);
        const batch = sampleBatch(t, parseAugmentation('root'), H, B, new Rng(5), allocBatch(t, H, B));
        for (const tableMax of [0, 32]) {
          const run = (chunk: number) => {
            const e = engine(spec, params, { tableMax, partialMax: 64, chunk, B, H });
            const value = e.gradient(batch);
            return { value, grad: Array.from(e.grad), pre: Array.from(e.lastPre()), out: Array.from(e.outputs()) };
          };
          const ref = run(S);
          expect(ref.pre.length).toBe(S * engine(spec, params).layout.Gw);
          for (const chunk of [1, 4, 7, S - 1, S + 5]) {
            const got = run(chunk);
            const what = `${act}, tables ≤ ${tableMax}, chunk ${chunk}`;
            expect(got.grad, what).toEqual(ref.grad);
            expect(got.value, what).toBe(ref.value);
            expect(got.pre, what).toEqual(ref.pre);
            expect(got.out, what).toEqual(ref.out);
          }
          // lastPre: the rows anchor, positive, negatives, as forwardPre computes them (kernel path:
          // with tables, training leaves G of the tabulated nodes below the frontier unwritten).
          const x = new Float32Array([...batch.anchor, ...batch.pos, ...batch.neg]);
          if (tableMax === 0) expect(ref.pre, `${act}, tables ≤ ${tableMax}: lastPre`).toEqual(Array.from(engine(spec, params, { tableMax, partialMax: 64 }).forwardPre(x, S)));
        }
      }
    });
  }

  it('forwardPre on more rows than the engine was built for, then fewer: each row as computed alone', () => {
    for (const [name, t] of trees) {
      const { spec, params } = setup(t);
      const L = spec.arch.nInputs;
      const rng = new Rng(7);
      for (const tableMax of [0, 32]) {
        const e = engine(spec, params, { tableMax, B: 1, H: 1, chunk: 4 });
        const alone = engine(spec, params, { tableMax, B: 1, H: 1 });
        for (const [S, binary] of [[30, true], [5, false], [50, false], [9, true]] as const) {
          const x = Float32Array.from({ length: S * L }, () => (binary ? rng.int(2) : Math.fround(rng.range(-1, 2))));
          const got = Array.from(e.forwardPre(x, S));
          const want = Array.from({ length: S }, (_, s) => Array.from(alone.forwardPre(x.slice(s * L, (s + 1) * L), 1))).flat();
          expect(got, `${name}, tables ≤ ${tableMax}, S ${S}`).toEqual(want);
        }
      }
    }
  });

  it('refuses a batch of another shape, naming B and H', () => {
    const t = trees[1]![1];
    const { spec, params } = setup(t);
    const e = engine(spec, params, { B: 3, H: 2 });
    expect(() => e.gradient(sampleBatch(t, parseAugmentation('root'), 2, 4, new Rng(1), allocBatch(t, 2, 4)))).toThrow('F32Engine: batch B=4, H=2; engine built for B=3, H=2');
    expect(() => e.gradient(sampleBatch(t, parseAugmentation('root'), 1, 3, new Rng(1), allocBatch(t, 1, 3)))).toThrow('batch B=3, H=1');
  });
});

describe('f32 engine: parameters, steps and the non-finite probe', () => {
  it('packs W transposed per node and the bias after it; params() returns them; without bias b is null', () => {
    for (const [name, t] of trees) {
      for (const bias of [true, false]) {
        const { spec, params } = setup(t, bias);
        const e = engine(spec, params);
        let count = 0;
        for (const n of e.layout.nodes) {
          const W = params.W[n.block]!;
          for (let i = 0; i < n.out; i++) for (let j = 0; j < n.in; j++) expect(e.P[n.pOff + j * n.out + i], `${name} W`).toBe(W[i * n.in + j]);
          count += n.in * n.out;
          if (bias) for (let i = 0; i < n.out; i++) expect(e.P[n.pOff + n.in * n.out + i], `${name} b`).toBe(params.b![n.block]![i]);
          if (bias) count += n.out;
        }
        expect(count).toBe(e.P.length);
        const back = e.params();
        expect(back.W).toEqual(params.W);
        expect(back.b).toEqual(bias ? params.b : null);
      }
    }
  });

  it('step: SGD and Adam written out from the engine\'s own gradient, three steps', () => {
    const t = trees[0]![1];
    const { spec, params } = setup(t);
    for (const name of ['sgd', 'adam'] as const) {
      const lr = 0.05;
      const e = engine(spec, params, { optimizer: { name, lr } });
      const n = e.P.length;
      const [m, v] = [new Float64Array(n), new Float64Array(n)];
      for (let step = 1; step <= 3; step++) {
        const batch = sampleBatch(t, parseAugmentation('root'), 2, 3, new Rng(10 + step), allocBatch(t, 2, 3));
        const before = Float32Array.from(e.P);
        const probe = engine(spec, e.params());
        const wantLoss = probe.gradient(batch);
        const g = Float64Array.from(probe.grad);
        expect(e.step(batch).loss).toBe(wantLoss);
        expect(Array.from(e.grad)).toEqual(Array.from(g));
        for (let i = 0; i < n; i++) {
          let want: number;
          if (name === 'sgd') want = before[i]! - lr * g[i]!;
          else {
            m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
            v[i] = 0.999 * v[i]! + 0.001 * g[i]! * g[i]!;
            want = before[i]! - (lr * (m[i]! / (1 - 0.9 ** step))) / (Math.sqrt(v[i]! / (1 - 0.999 ** step)) + 1e-8);
          }
          expect(e.P[i], `${name} step ${step} [${i}]`).toBe(Math.fround(want));
        }
      }
    }
  });

  it('nonFinite: null for finite (also ±3e38), else the deepest block holding ±Inf or NaN, W before b', () => {
    for (const [name, t] of trees) {
      for (const bias of [true, false]) {
        const { spec, params } = setup(t, bias);
        const e = engine(spec, params);
        const blockName = (k: number) => spec.arch.blocks[e.layout.nodes[k]!.block]!.name;
        const nodes = e.layout.nodes;
        const last = nodes.length - 1;
        expect(e.nonFinite()).toBeNull();
        e.P[nodes[0]!.pOff] = 3e38;
        e.P[nodes[last]!.pOff] = -3e38;
        expect(e.nonFinite(), name).toBeNull();
        for (const bad of [Number.NaN, Infinity, -Infinity]) {
          // The last weight of the first node (the root): found.
          const wEnd = nodes[0]!.pOff + nodes[0]!.in * nodes[0]!.out - 1;
          const keep = e.P[wEnd]!;
          e.P[wEnd] = bad;
          expect(e.nonFinite(), `${name} ${bad} root W`).toEqual({ block: blockName(0), what: 'W' });
          // A second bad entry in a deeper node (its bias, or its first weight): that node is reported.
          const k = last - 1;
          const at = bias ? nodes[k]!.pOff + nodes[k]!.in * nodes[k]!.out + nodes[k]!.out - 1 : nodes[k]!.pOff;
          const keep2 = e.P[at]!;
          e.P[at] = bad;
          expect(e.nonFinite(), `${name} ${bad} node ${k}`).toEqual({ block: blockName(k), what: bias ? 'b' : 'W' });
          if (bias) {
            // W and b of one node bad: W is reported.
            const w0 = nodes[k]!.pOff + 1;
            const keep3 = e.P[w0]!;
            e.P[w0] = bad;
            expect(e.nonFinite(), `${name} ${bad} node ${k} W and b`).toEqual({ block: blockName(k), what: 'W' });
            e.P[w0] = keep3;
          }
          e.P[at] = keep2;
          e.P[wEnd] = keep;
          expect(e.nonFinite()).toBeNull();
        }
      }
    }
  });
});

describe('f32 engine: options and table switches', () => {
  it('tables exist iff tableMax ≥ 2 and tablePlan(tableMax, partialMax) has nodes, with that plan; chunk as given, 64 by default', () => {
    for (const [name, t] of trees) {
      const { spec, params } = setup(t);
      for (const [tableMax, partialMax] of [[0, 0], [1, 64], [2, 0], [2, 64], [3, 8], [4, 0], [4, 8], [8, 8], [8, 64], [32, 16], [32, 64], [undefined, undefined]] as const) {
        const e = new Probe({ spec, params, loss: LOSSES['nce(τ=0.5)']!, optimizer: { name: 'sgd', lr: 0.1 }, B: 2, H: 1, ...(tableMax === undefined ? {} : { tableMax, partialMax }) });
        const plan = tablePlan(e.layout, tableMax ?? 32, partialMax ?? 64);
        const what = `${name}, tables ≤ ${tableMax}, partial ≤ ${partialMax}`;
        if ((tableMax ?? 32) >= 2 && plan.nodes.length > 0) expect(e.state.tables?.plan, what).toEqual(plan);
        else expect(e.state.tables, what).toBeNull();
      }
      expect(new Probe({ spec, params, loss: LOSSES.simp!, optimizer: { name: 'sgd', lr: 0.1 }, B: 2, H: 1, chunk: 7 }).chunk).toBe(7);
      expect(new Probe({ spec, params, loss: LOSSES.simp!, optimizer: { name: 'sgd', lr: 0.1 }, B: 2, H: 1 }).chunk).toBe(64);
    }
  });

  it('a forward uses the tables iff every leaf is 0 or 1 (bits 0 and 0x3f800000); other values: the kernels\' gradient bit for bit', () => {
    for (const [name, t] of trees) {
      const { spec, params } = setup(t);
      const [B, H] = [3, 2];
      const batch = sampleBatch(t, parseAugmentation('root'), H, B, new Rng(5), allocBatch(t, H, B));
      const e = new Probe({ spec, params, loss: LOSSES['nce(τ=0.5)']!, optimizer: { name: 'sgd', lr: 0.1 }, B, H });
      expect(e.state.tables, name).not.toBeNull();
      expect(e.state.usedTables).toBe(false);
      e.gradient(batch);
      expect(e.state.usedTables, `${name}: 0/1 batch`).toBe(true);
      // One leaf of one negative changed to v: the whole forward takes the kernels.
      for (const v of [0.5, 2, -1, -0, 1.5, 0.25, 2 ** -149]) {
        const neg = batch.neg.slice();
        neg[neg.length - 1] = v;
        const odd = { ...batch, neg };
        const kernels = engine(spec, params, { tableMax: 0, B, H });
        const want = kernels.gradient(odd);
        expect(e.gradient(odd), `${name}, leaf ${v}`).toBe(want);
        expect(e.state.usedTables, `${name}, leaf ${v}`).toBe(false);
        expect(Array.from(e.grad), `${name}, leaf ${v}`).toEqual(Array.from(kernels.grad));
        // The next 0/1 batch uses the tables again.
        e.gradient(batch);
        expect(e.state.usedTables, `${name}: 0/1 batch after ${v}`).toBe(true);
      }
      // forwardPre and unitSums set the flag the same way.
      const L = spec.arch.nInputs;
      e.forwardPre(new Float32Array(L).fill(1), 1);
      expect(e.state.usedTables).toBe(true);
      e.forwardPre(new Float32Array(L).fill(0.5), 1);
      expect(e.state.usedTables).toBe(false);
    }
  });

  it("names itself 'f32' and refuses per-block activations that differ, naming the engine", () => {
    const t = trees[1]![1];
    const { spec, params } = setup(t);
    expect(engine(spec, params).name).toBe('f32');
    const activations = spec.arch.blocks.map((_, i) => parseActivation(i === 1 ? 'tanh' : 'relu'));
    expect(() => engine({ ...spec, activations }, params)).toThrow(/the f32 engine needs one activation for every hidden block/);
  });

  it("normalizeForm 'max' reaches the loss stage: gradient = float64 reference (C2 engine tolerance)", () => {
    for (const [name, t] of trees) {
      const { spec: base, params } = setup(t);
      const spec: NetworkSpec = { ...base, normalizeForm: 'max' };
      const [B, H] = [4, 2];
      const hb = sampleBatch(t, parseAugmentation('root'), H, B, new Rng(5), allocBatch(t, H, B));
      const L = spec.arch.nInputs;
      const rows = (a: Float32Array, n: number) => Array.from({ length: n }, (_, r) => Array.from(a.subarray(r * L, (r + 1) * L)));
      const neg = rows(hb.neg, B * H);
      const batch = { x: rows(hb.anchor, B), pos: rows(hb.pos, B), neg: Array.from({ length: B }, (_, i) => neg.slice(i * H, (i + 1) * H)) };
      const loss = 'nce(τ=0.5)';
      const ref = batchLoss(F64, spec, params, batch, LOSSES[loss]!);
      const plus = batchLoss(F64, base, params, batch, LOSSES[loss]!);
      const e = engine(spec, params, { B, H });
      e.gradient(hb);
      const got = unpackParams(e.layout, e.grad);
      const flat = (p: { W: readonly (readonly number[])[]; b: readonly (readonly number[])[] | null | undefined }) => [...p.W.flat(), ...(p.b ?? []).flat()];
      const want = flat({ W: ref.grads.W, b: ref.grads.b });
      const other = flat({ W: plus.grads.W, b: plus.grads.b });
      const { tol } = gradientTolerance(spec, params, { net: { spec, params }, batch, loss }, ref);
      const err = Math.max(...flat(got).map((v, i) => Math.abs(v - want[i]!)));
      expect(err, name).toBeLessThanOrEqual(tol);
      // The C2 bound is loose next to the forms' difference here (≈ 4e-4): the engine must also lie
      // nearer the 'max' reference than half the distance between the two forms.
      const separation = Math.max(...other.map((v, i) => Math.abs(v - want[i]!)));
      expect(err, name).toBeLessThan(separation / 2);
    }
  });
});
