/**
 * The generated segment kernels of the f32 engine (src/engines/f32/kernels.ts) against the formulas
 * written out here in float64 (issue 12 item 5, docs/mutation.md; docs/theory.md §1.2):
 *   forward, node k, sample s:  g_i = b_i + Σ_j W[i, j]·v_j   (sum in float64, bias first, j ascending)
 *                               G ← fround(g_i),  V ← fround(ψ(g_i))  (root: V ← fround(g_i))
 *   backward:                   d_i = ψ'(G_i)·dV_i  (root: d_i = dV_i)
 *                               GR[W_ij] += d_i·v_j,  GR[b_i] += d_i   (samples ascending)
 *                               dV_child_j = Σ_i W[i, j]·d_i  (internal children; a ReLU child with
 *                               v_j = 0 has a closed gate and its dV is never read: either value is right)
 * Every slot the kernel must not touch (other samples, gaps between nodes, the other regions) holds a
 * sentinel and must keep it. Every mode (dense, branch, compact, default), ReLU / leaky ReLU / tanh,
 * root and hidden segments, leaf and internal children, bias on and off; inputs with exact zeros (a
 * tanh child with v = 0 still needs its dV: ψ'(0) = 1).
 *
 * The kernels are cached per shape in the module; under StrykerJS (which loads src once per worker
 * and switches mutants at run time) a cached kernel would have been built before the mutant was
 * switched on. Each run of this file therefore asks for an input width no earlier run in the same
 * process asked for (a counter on globalThis, read inside each test; a plain vitest run always
 * uses the same widths).
 */
import { describe, expect, it } from 'vitest';
import { backwardKernel, forwardKernel, type KernelMode, type KernelShape } from '../src/engines/f32/kernels.js';
import { parseActivation, type Activation } from '../src/network/activation.js';
import { Rng } from '../src/numeric/random.js';

const g = globalThis as { __covcheckKernelRun?: number };
/** An input width no earlier call in this process asked for (called inside each test, at run time). */
const freshWidth = (): number => 3 + (g.__covcheckKernelRun = (g.__covcheckKernelRun ?? 0) + 1);
const SENT = 99.5;
const f = Math.fround;

const psi = (act: Activation, x: number): number =>
  act.kind === 'relu' ? Math.max(0, x) : act.kind === 'tanh' ? Math.tanh(x) : x > 0 ? x : (act as { slope: number }).slope * x;
const dpsi = (act: Activation, x: number): number =>
  act.kind === 'relu' ? (x > 0 ? 1 : 0) : act.kind === 'tanh' ? 1 - Math.tanh(x) * Math.tanh(x) : x > 0 ? 1 : (act as { slope: number }).slope;

function runCase(shape: KernelShape, seed: number) {
  const O = shape.out;
  const I = shape.in;
  const nodes = 2;
  const rng = new Rng(seed);
  const wSize = I * O + (shape.bias ? O : 0);
  const pOff = 5;
  const pStride = wSize + 3;
  const P = new Float32Array(pOff + nodes * pStride).fill(SENT);
  for (let k = 0; k < nodes; k++) for (let x = 0; x < wSize; x++) P[pOff + k * pStride + x] = f(rng.range(-1, 1));
  const vOff = 1;
  const inOff = vOff + nodes * O + 1;
  const Vw = inOff + nodes * I + 2;
  const gOff = 2;
  const Gw = gOff + nodes * O + 1;
  const S = 3;
  const [s0, s1] = [1, 3];
  const V = new Float32Array(S * Vw).fill(SENT);
  // inputs: a third exact zeros, the rest in (−1, 1) (leaf children: 0/1)
  for (let s = 0; s < S; s++) for (let x = 0; x < nodes * I; x++) {
    const u = rng.uniform();
    V[s * Vw + inOff + x] = u < 1 / 3 ? 0 : shape.internalChildren ? f(rng.range(-1, 1)) : 1;
  }
  const G = new Float32Array(S * Gw).fill(SENT);
  const V0 = V.slice();
  forwardKernel(shape)(P, V, G, s0, s1, Vw, Gw, nodes, pOff, pStride, inOff, vOff, gOff);

  const W = (k: number, i: number, j: number) => P[pOff + k * pStride + j * O + i]!;
  const wantV = V0.slice();
  const wantG = new Float32Array(S * Gw).fill(SENT);
  const gSum: number[][][] = [];
  for (let s = s0; s < s1; s++) {
    gSum[s] = [];
    for (let k = 0; k < nodes; k++) {
      gSum[s]![k] = [];
      for (let i = 0; i < O; i++) {
        let a = shape.bias ? P[pOff + k * pStride + I * O + i]! : 0;
        for (let j = 0; j < I; j++) a += W(k, i, j) * V0[s * Vw + inOff + k * I + j]!;
        gSum[s]![k]![i] = a;
        wantG[s * Gw + gOff + k * O + i] = a;
        wantV[s * Vw + vOff + k * O + i] = shape.isRoot ? a : psi(shape.activation, a);
      }
    }
  }
  expect(Array.from(G), 'G').toEqual(Array.from(wantG));
  expect(Array.from(V), 'V').toEqual(Array.from(wantV));

  // Backward: dV at the node outputs, a sentinel at the inputs; GR starts at 0.25.
  const dV = new Float64Array(S * Vw).fill(SENT);
  for (let s = 0; s < S; s++) for (let x = 0; x < nodes * O; x++) dV[s * Vw + vOff + x] = rng.range(-2, 2);
  const dV0 = dV.slice();
  const GR = new Float64Array(P.length).fill(0.25);
  backwardKernel(shape)(P, GR, V, G, dV, s0, s1, Vw, Gw, nodes, pOff, pStride, inOff, vOff, gOff);
  const wantGR = new Float64Array(P.length).fill(0.25);
  const binary = shape.activation.kind === 'relu';
  for (let s = s0; s < s1; s++) {
    for (let k = 0; k < nodes; k++) {
      const d = Array.from({ length: O }, (_, i) => {
        const dv = dV0[s * Vw + vOff + k * O + i]!;
        const gate = dpsi(shape.activation, G[s * Gw + gOff + k * O + i]!);
        return shape.isRoot ? dv : gate === 0 ? 0 : gate * dv; // a closed ReLU gate selects 0
      });
      const po = pOff + k * pStride;
      if (shape.bias) for (let i = 0; i < O; i++) wantGR[po + I * O + i] = wantGR[po + I * O + i]! + d[i]!;
      for (let j = 0; j < I; j++) {
        const x = s * Vw + inOff + k * I + j;
        const v = V[x]!;
        for (let i = 0; i < O; i++) wantGR[po + j * O + i] = wantGR[po + j * O + i]! + d[i]! * v;
        let back = 0;
        for (let i = 0; i < O; i++) back = i === 0 ? W(k, i, j) * d[i]! : back + W(k, i, j) * d[i]!;
        const got = dV[x]!;
        if (!shape.internalChildren) expect(got, `dV of leaf input ${x}`).toBe(SENT);
        else if (binary && v === 0) expect([SENT, back], `dV of closed input ${x}`).toContain(got);
        else expect(got, `dV of input ${x} (v = ${v})`).toBe(back);
        dV0[x] = got;
      }
    }
  }
  expect(Array.from(dV), 'dV elsewhere').toEqual(Array.from(dV0));
  expect(Array.from(GR), 'GR').toEqual(Array.from(wantGR));
}

describe('f32 segment kernels against the written-out formulas', () => {
  const modes: (KernelMode | undefined)[] = [undefined, 'dense', 'branch', 'compact'];
  const acts = ['relu', 'tanh', 'leaky_relu:0.25'].map((a) => parseActivation(a));
  let seed = 1;
  for (const mode of modes) {
    for (const activation of acts) {
      it(`mode ${mode ?? 'default'}, ${activation.kind}: root/hidden × leaf/internal children × bias`, () => {
        const I = freshWidth();
        for (const isRoot of [false, true]) for (const internalChildren of [false, true]) for (const bias of [false, true]) {
          const out = isRoot ? 2 : 3;
          runCase({ in: I, out, bias, activation, isRoot, internalChildren, ...(mode ? { mode } : {}) }, seed++);
        }
      });
    }
  }

  it('one compiled kernel per shape: the same function for an equal shape, another for another mode', () => {
    const act = parseActivation('relu');
    const I = freshWidth();
    const s: KernelShape = { in: I, out: 2, bias: true, activation: act, isRoot: false, internalChildren: true };
    expect(forwardKernel(s)).toBe(forwardKernel({ ...s }));
    expect(backwardKernel(s)).toBe(backwardKernel({ ...s, mode: 'branch' }));
    expect(backwardKernel({ ...s, mode: 'dense' })).not.toBe(backwardKernel(s));
    expect(forwardKernel(s)).not.toBe(backwardKernel(s));
  });
});
