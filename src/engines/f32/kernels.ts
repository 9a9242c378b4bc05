/**
 * Hand-written forward and backward kernels of one tree segment (a level of a complete tree), for
 * a range of samples. Specialised per (in, out, activation, bias) by code generation: the `out`
 * accumulators live in local variables (registers), inputs are a loop. Layout: layout.ts.
 *
 * Forward, node μ, sample s (docs/theory.md §1.2):
 *   g_μ = b_μ + Σ_j W_μ[:, j]·v_j   (v = the children's values; v_j = 0 columns are skipped:
 *                                    ReLU outputs are ~half zeros, leaves are 0/1)
 *   G ← g_μ;  V ← ψ(g_μ) (the root: V ← g_L, the output layer is linear)
 * Backward, given dV = ∂L/∂f_μ (the root: ∂L/∂g_L, normalisation already applied):
 *   dg = dV ⊙ ψ'(g)    (root: dg = dV; ReLU'(0) = 0)
 *   ∂L/∂W[i, j] += dg_i·v_j,  ∂L/∂b_i += dg_i          (summed over the samples of the batch)
 *   dV_child_j = Σ_i W[i, j]·dg_i                       (only into internal children; with ReLU only
 *                                                         where v_j > 0: elsewhere the child's gate
 *                                                         is closed and the value is never read)
 * Arithmetic: V, G, P are float32 (rounded on store, as a float32 network); sums run in float64
 * registers; gradients and dV are float64 arrays.
 */
import { activationRecord, KERNEL_SCOPE, type Activation } from '../../network/activation.js';

/** (P, V, G, s0, s1, Vw, Gw, nodes, pOff, pStride, inOff, vOff, gOff) */
export type ForwardKernel = (
  P: Float32Array,
  V: Float32Array,
  G: Float32Array,
  s0: number,
  s1: number,
  Vw: number,
  Gw: number,
  nodes: number,
  pOff: number,
  pStride: number,
  inOff: number,
  vOff: number,
  gOff: number,
) => void;

/** (P, GR, V, G, dV, s0, s1, Vw, Gw, nodes, pOff, pStride, inOff, vOff, gOff) */
export type BackwardKernel = (
  P: Float32Array,
  GR: Float64Array,
  V: Float32Array,
  G: Float32Array,
  dV: Float64Array,
  s0: number,
  s1: number,
  Vw: number,
  Gw: number,
  nodes: number,
  pOff: number,
  pStride: number,
  inOff: number,
  vOff: number,
  gOff: number,
) => void;

export type KernelMode = 'dense' | 'branch' | 'compact';

export interface KernelShape {
  readonly in: number;
  readonly out: number;
  readonly bias: boolean;
  readonly activation: Activation;
  /** The root segment: linear output. */
  readonly isRoot: boolean;
  /** Propagate dV into the children (false when they are leaves). */
  readonly internalChildren: boolean;
  /**
   * How zero inputs are skipped: 'dense' (none), 'branch' (default: an if per input), 'compact' (a
   * branch-free list of the nonzero inputs, then a loop over it). Measured on the official network
   * (bench conditions, one core): branch 130k, compact 122k, dense 107k triples/s.
   */
  readonly mode?: KernelMode;
}

/** ψ(a) as a JS expression of the variable named `a` (the activation's record). */
function actExpr(act: Activation, a: string): string {
  return activationRecord(act).kernel.value(a, act);
}

/** ψ'(g)·d as a JS expression (g, d variable names). */
function gateExpr(act: Activation, g: string, d: string): string {
  return activationRecord(act).kernel.gate(g, d, act);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const cache = new Map<string, ForwardKernel | BackwardKernel>();

function key(kind: string, s: KernelShape): string {
  return JSON.stringify([kind, s.in, s.out, s.bias, s.activation, s.isRoot, s.internalChildren, s.mode ?? 'branch']);
}

/** Compiles a kernel body with the activations' KERNEL_SCOPE names and the scratch NZ bound. */
export function compile<F>(body: string): F {
  const scope = { ...KERNEL_SCOPE, NZ: new Int32Array(4096) };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(...Object.keys(scope), body)(...Object.values(scope)) as F;
}

/** The forward kernel of a segment shape (compiled once per shape). */
export function forwardKernel(s: KernelShape): ForwardKernel {
  const k = key('f', s);
  let fn = cache.get(k) as ForwardKernel | undefined;
  if (fn) return fn;
  const O = s.out;
  const I = s.in;
  const acc = range(O);
  const init = acc.map((i) => `a${i} = ${s.bias ? `P[po + ${I * O + i}]` : '0'}`).join(', ');
  const mac = acc.map((i) => `a${i} += P[w + ${i}] * v;`).join(' ');
  const mode = s.mode ?? 'branch';
  const loop =
    mode === 'compact'
      ? `let n = 0;
        for (let j = 0; j < ${I}; j++) { NZ[n] = j; n += +(V[io + j] !== 0); }
        for (let t = 0; t < n; t++) { const j = NZ[t], v = V[io + j], w = po + j * ${O}; ${mac} }`
      : `for (let j = 0; j < ${I}; j++) {
          const v = V[io + j];
          ${mode === 'branch' ? `if (v !== 0) { const w = po + j * ${O}; ${mac} }` : `const w = po + j * ${O}; ${mac}`}
        }`;
  const store = acc.map((i) => `G[go + ${i}] = a${i}; V[vo + ${i}] = ${s.isRoot ? `a${i}` : actExpr(s.activation, `a${i}`)};`).join('\n        ');
  const body = `return function forward(P, V, G, s0, s1, Vw, Gw, nodes, pOff, pStride, inOff, vOff, gOff) {
    for (let s = s0; s < s1; s++) {
      const vb = s * Vw, gb = s * Gw;
      for (let k = 0; k < nodes; k++) {
        const po = pOff + k * pStride, io = vb + inOff + k * ${I};
        let ${init};
        ${loop}
        const go = gb + gOff + k * ${O}, vo = vb + vOff + k * ${O};
        ${store}
      }
    }
  };`;
  fn = compile<ForwardKernel>(body);
  cache.set(k, fn);
  return fn;
}

/** The backward kernel of a segment shape (compiled once per shape). */
export function backwardKernel(s: KernelShape): BackwardKernel {
  const k = key('b', s);
  let fn = cache.get(k) as BackwardKernel | undefined;
  if (fn) return fn;
  const O = s.out;
  const I = s.in;
  const idx = range(O);
  const binaryGate = activationRecord(s.activation).binaryGate;
  const loadD = idx
    .map((i) => `const d${i} = ${s.isRoot ? `dV[dvo + ${i}]` : `${gateExpr(s.activation, `G[go + ${i}]`, `dV[dvo + ${i}]`)}`};`)
    .join('\n        ');
  const biasGrad = s.bias ? idx.map((i) => `GR[po + ${I * O + i}] += d${i};`).join(' ') : '';
  const wGrad = idx.map((i) => `GR[w + ${i}] += d${i} * v;`).join(' ');
  const back = idx.map((i) => `P[w + ${i}] * d${i}`).join(' + ');
  const mode = s.mode ?? 'branch';
  // With a binary gate (ReLU), v = ψ(g_child) > 0 exactly when the child's gate is open; closed gates
  // are never read, so zero inputs need neither a weight gradient nor a dV. Others need every dV.
  const skipZeros = mode !== 'dense' && (binaryGate || !s.internalChildren);
  const body1 = `const w = po + j * ${O}; ${wGrad}${s.internalChildren ? ` dV[dio + j] = ${back};` : ''}`;
  let loop: string;
  if (!skipZeros) {
    loop = `for (let j = 0; j < ${I}; j++) { const v = V[io + j]; ${body1} }`;
  } else if (mode === 'branch') {
    loop = `for (let j = 0; j < ${I}; j++) { const v = V[io + j]; if (v !== 0) { ${body1} } }`;
  } else {
    loop = `let n = 0;
        for (let j = 0; j < ${I}; j++) { NZ[n] = j; n += +(V[io + j] !== 0); }
        for (let t = 0; t < n; t++) { const j = NZ[t], v = V[io + j]; ${body1} }`;
  }
  const body = `return function backward(P, GR, V, G, dV, s0, s1, Vw, Gw, nodes, pOff, pStride, inOff, vOff, gOff) {
    for (let s = s0; s < s1; s++) {
      const vb = s * Vw, gb = s * Gw;
      for (let k = 0; k < nodes; k++) {
        const po = pOff + k * pStride, io = vb + inOff + k * ${I}, dio = io;
        const go = gb + gOff + k * ${O}, dvo = vb + vOff + k * ${O};
        ${loadD}
        ${biasGrad}
        ${loop}
      }
    }
  };`;
  fn = compile<BackwardKernel>(body);
  cache.set(k, fn);
  return fn;
}
