/**
 * C2, third witness: float32 engines against the float64 reference (docs/theory.md §3, "float32
 * backends are checked against the float64 reference, never against themselves").
 *
 *  - TensorFlow.js autograd (tf.variableGrads through engines/tfjs/*: per-block graphs for any
 *    network, level-batched graphs for complete trees, every built-in loss in tf ops) must give the
 *    gradient of network/batchGradient.ts (hand-written backward, float64), and the same forward
 *    values (outputs and pre-activations);
 *  - the hand-written f32 kernels (engines/f32/*, pattern tables included) likewise.
 * Runs on the current TF.js backend when one is initialised (the CLI's --backend, the vitest test's
 * wasm), else on cpu (engines/backend.ts syncBackend). Parameters are rounded to float32 first, so
 * the reference sees exactly the engine's weights and only the arithmetic differs.
 *
 * Tolerance (numeric/tolerance.ts, float32 'engine', c = 8): tol = c·n·ε₃₂·scale with
 *  - forward: n = ops (deepest chain: depth × widest input + nOut, network/magnitude.ts),
 *    scale = ḡ_ν, the path-sum bound of every partial sum of block ν (|W|, |b|, |x|, ψ → identity);
 *    normalised outputs: ×2/(‖g_L‖+ε);
 *  - gradient Σ_s K_s·δ_s: n = 2·ops + S + 8 (forward chain, backward chain of equal length, the
 *    sum over the S samples, the loss stage), scale = Σ_s K̄_s·(‖δ_s‖₁ + κ·Σ|β_s|·ō_s) where K̄_s
 *    bounds |K_ν(s)| (magnitude.ts connectionBound; with biases also |J_ν(s)|, their connection), ō_s·n·ε bounds the outputs' rounding (ō = ḡ_L,
 *    or ḡ_L/(‖g_L‖+ε) after normalisation), and κ = 1 + 2·r_max/τ bounds the relative change of β under a relative change of
 *    the distances (β of nce/tri/official_nce is a softmax/sigmoid of r/τ; 1 for simp, subtract):
 *    δ = Σ β·(o − o′) inherits the outputs' rounding through both factors.
 * ReLU-type networks are differentiable only a.e.: a case where some reference pre-activation lies
 * within the forward tolerance of a kink is skipped (noted), as C2 holds off gate flips.
 */
import * as fc from 'fast-check';
import type * as tfType from '@tensorflow/tfjs';
import { F64 } from '../../src/numeric/arith.js';
import type { Check, ClaimRecord, Measurement, PropertyCheck } from '../../src/runner/check.js';
import type { Activation } from '../../src/network/activation.js';
import { isHomogeneous } from '../../src/network/activation.js';
import type { NetworkSpec, Params } from '../../src/network/architecture.js';
import { batchLoss, type Batch, type BatchResult } from '../../src/network/batchGradient.js';
import { forward } from '../../src/network/forward.js';
import { connectionBound, jacobianBounds, magnitude, pathSums } from '../../src/network/magnitude.js';
import { tolerance, type Tolerance } from '../../src/numeric/tolerance.js';
import { parseLoss, type Loss } from '../../src/losses/index.js';
import { syncBackend } from '../../src/engines/backend.js';
import { tfNetwork, type TfLayout } from '../../src/engines/tfjs/treeNetwork.js';
import { tfLoss } from '../../src/engines/tfjs/losses.js';
import { F32Engine, unpackParams } from '../../src/engines/f32/engine.js';
import { arbBatch, arbNetwork, describeNetwork, type GeneratedNetwork, type NetworkConstraints } from '../generators/network.js';
import { withinTolerance } from './compare.js';
import { record as C2 } from './C2.js';

/** No record of its own: these checks belong to C2 (properties/claims/C2.ts holds its record). */
export const records: readonly ClaimRecord[] = [];

const ANY: Activation[] = [{ kind: 'relu' }, { kind: 'leaky_relu', slope: 0.25 }, { kind: 'linear' }, { kind: 'tanh' }, { kind: 'softplus' }, { kind: 'gelu' }];

export const LOSSES: Record<string, Loss> = {
  simp: parseLoss({ name: 'simp' }),
  'tri(τ=0.5,r0=0.25)': parseLoss({ name: 'tri', tau: 0.5, r0: 0.25 }),
  'nce(τ=0.5)': parseLoss({ name: 'nce', tau: 0.5 }),
  'official_nce(τ=0.5)': parseLoss({ name: 'official_nce', tau: 0.5 }),
  official_subtract: parseLoss({ name: 'official_subtract' }),
};

export interface EngineCase {
  readonly net: GeneratedNetwork;
  readonly batch: Batch<number>;
  readonly loss: string;
}

/** Float32-rounded parameters (what a float32 engine holds). */
export function roundParams(p: Params<number>): Params<number> {
  return { W: p.W.map((w) => w.map(Math.fround)), b: p.b ? p.b.map((b) => b.map(Math.fround)) : null };
}

export const arbEngineCase = (nc: NetworkConstraints, losses: readonly string[] = Object.keys(LOSSES)): fc.Arbitrary<EngineCase> =>
  fc.record({ net: arbNetwork(nc), loss: fc.constantFrom(...losses) }).chain(({ net, loss }) =>
    fc.record({
      net: fc.constant({ ...net, params: roundParams(net.params) }),
      batch: arbBatch(net.spec.arch.nInputs, { maxH: loss.startsWith('tri') ? 1 : 2, maxB: 4 }),
      loss: fc.constant(loss),
    }),
  );

const samplesOf = (b: Batch<number>) => [...b.x, ...b.pos, ...b.neg.flat()];

/** Forward tolerance of one input and the chain length (see the module comment). */
function forwardTolerance(spec: NetworkSpec, params: Params<number>, x: readonly number[]): Tolerance & { ops: number; scale: number } {
  const m = magnitude(spec, params, x);
  return { ...tolerance('float32', 'engine', m.ops, m.scale), ops: m.ops, scale: m.scale };
}

/** True when some reference pre-activation of a kinked activation is within `tol` of 0 (a gate may flip). */
function nearKink(spec: NetworkSpec, params: Params<number>, samples: readonly (readonly number[])[]): boolean {
  if (!isHomogeneous(spec.activation) || spec.activation.kind === 'linear') return false;
  return samples.some((x) => {
    const t = forward(F64, spec, params, x);
    const tol = forwardTolerance(spec, params, x).tol;
    return t.g.some((g, b) => b !== spec.arch.output && g.some((v) => v !== 0 && Math.abs(v) <= tol));
  });
}

/** The gradient tolerance of a batch (module comment). */
export function gradientTolerance(spec: NetworkSpec, params: Params<number>, c: EngineCase, ref: BatchResult<number>): Tolerance {
  const samples = samplesOf(c.batch);
  const deltas = [...ref.dOut.x, ...ref.dOut.pos, ...ref.dOut.neg.flat()];
  const B = c.batch.x.length;
  const betaAbs = (s: number): number => {
    if (s < B) return Math.abs(ref.betaPos[s]!) + ref.betaNeg[s]!.reduce((a, v) => a + Math.abs(v), 0);
    if (s < 2 * B) return Math.abs(ref.betaPos[s - B]!);
    const q = s - 2 * B;
    const H = ref.betaNeg[0]!.length;
    return Math.abs(ref.betaNeg[Math.floor(q / H)]![q % H]!);
  };
  const loss = LOSSES[c.loss]!;
  const tau = loss.params.tau;
  const rmax = Math.max(...ref.f.x.map((fx, b) => Math.max(...[ref.f.pos[b]!, ...ref.f.neg[b]!].map((o) => o.reduce((a, v, i) => a + (v - fx[i]!) ** 2, 0) / 2))));
  const kappa = tau === undefined ? 1 : 1 + (2 * rmax) / tau;
  let scale = 0;
  let ops = 0;
  samples.forEach((x, s) => {
    const t = forward(F64, spec, params, x);
    const m = magnitude(spec, params, x);
    // Absolute output error ≤ n·ε·ḡ_L before normalisation, ÷(‖g_L‖+ε) after it.
    const obar = spec.normalize ? m.scale / ((t.norm ?? 0) + spec.eps) : m.scale;
    const l1 = deltas[s]!.reduce((a, v) => a + Math.abs(v), 0);
    const kbar = connectionBound(spec, params, x, t.norm ?? 0);
    const bound = spec.bias ? Math.max(kbar, ...jacobianBounds(spec, params, t.norm ?? 0).flat()) : kbar;
    scale += bound * (l1 + kappa * betaAbs(s) * obar);
    ops = Math.max(ops, m.ops);
  });
  return tolerance('float32', 'engine', 2 * ops + samples.length + 8, scale);
}

function toMatrix(b: Batch<number>, L: number): { x: Float32Array; S: number; B: number; H: number } {
  const samples = samplesOf(b);
  const x = new Float32Array(samples.length * L);
  samples.forEach((s, i) => x.set(s, i * L));
  return { x, S: samples.length, B: b.x.length, H: b.neg[0]!.length };
}

/** TF.js autograd gradient (row-major per block, flat) of the case's loss. */
export function tfGradient(tf: typeof tfType, c: EngineCase, layout: TfLayout): { value: number; W: number[]; b: number[] } {
  const { spec, params } = c.net;
  const net = tfNetwork(tf, spec, params, layout);
  try {
    const { x, S, B, H } = toMatrix(c.batch, spec.arch.nInputs);
    const { value, grads } = tf.tidy(() => {
      const xt = tf.tensor2d(x, [S, spec.arch.nInputs]);
      return tf.variableGrads(() => tfLoss(tf, LOSSES[c.loss]!, net.forward(xt).out, B, H), net.variables);
    });
    const g = net.paramsOf(net.variables.map((v) => grads[v.name]!));
    const out = { value: value.dataSync()[0]!, W: g.W.flat(), b: g.b ? g.b.flat() : [] };
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  } finally {
    net.dispose();
  }
}

function measureTfGradient(c: EngineCase, layout: TfLayout): Measurement {
  const tf = syncBackend();
  const { spec, params } = c.net;
  if (nearKink(spec, params, samplesOf(c.batch))) return { ok: true, error: 0, tolerance: 0, note: 'a pre-activation lies within rounding of a kink: skipped (C2 holds a.e.)' };
  const ref = batchLoss(F64, spec, params, c.batch, LOSSES[c.loss]!);
  const got = tfGradient(tf, c, layout);
  const t = gradientTolerance(spec, params, c, ref);
  const want = [...ref.grads.W.flat(), ...(ref.grads.b ? ref.grads.b.flat() : [])];
  return withinTolerance([...got.W, ...got.b], want, t, `TF.js ${tf.getBackend()} (${layout}) vs float64 backward pass`);
}

function measureTfForward(c: EngineCase, layout: TfLayout): Measurement {
  const tf = syncBackend();
  const { spec, params } = c.net;
  const samples = samplesOf(c.batch);
  const net = tfNetwork(tf, spec, params, layout);
  try {
    const { x, S } = toMatrix(c.batch, spec.arch.nInputs);
    const out = tf.tidy(() => net.forward(tf.tensor2d(x, [S, spec.arch.nInputs])).out.dataSync());
    const pre = spec.arch.kind === 'tree' ? tf.tidy(() => net.preActivations(tf.tensor2d(x, [S, spec.arch.nInputs]))) : null;
    const got: number[] = [];
    const want: number[] = [];
    let tol = 0;
    let derivation = '';
    const tree = spec.arch.tree;
    const blockOf = new Map(spec.arch.blocks.map((b) => [b.node, b.index]));
    samples.forEach((xs, s) => {
      const t = forward(F64, spec, params, xs);
      const ft = forwardTolerance(spec, params, xs);
      const gbar = pathSums(spec, params, xs).gbar;
      // Normalised outputs: the relative error of g carries over; bound by ft.tol/‖g‖ + ε-term.
      const outTol = spec.normalize ? (2 * ft.tol) / ((t.norm ?? 0) + spec.eps) : ft.tol;
      if (outTol > tol) {
        tol = outTol;
        derivation = ft.derivation + (spec.normalize ? '; normalised outputs: ×2/(‖g_L‖+ε)' : '');
      }
      for (let k = 0; k < spec.arch.nOut; k++) {
        got.push(out[s * spec.arch.nOut + k]!);
        want.push(t.out[k]!);
      }
      if (pre && tree) {
        const Gw = pre.length / S;
        let off = 0;
        for (const n of tree.internal) {
          const b = blockOf.get(n)!;
          const g = t.g[b]!;
          g.forEach((v, i) => {
            got.push(pre[s * Gw + off + i]!);
            want.push(v);
            const bt = tolerance('float32', 'engine', ft.ops, gbar[b]![i]!);
            if (bt.tol > tol) {
              tol = bt.tol;
              derivation = `${bt.derivation} (pre-activation of ${spec.arch.blocks[b]!.name})`;
            }
          });
          off += g.length;
        }
      }
    });
    return withinTolerance(got, want, { tol, derivation }, `TF.js ${tf.getBackend()} (${layout}) forward vs float64`);
  } finally {
    net.dispose();
  }
}

function measureF32Gradient(c: EngineCase): Measurement {
  const { spec, params } = c.net;
  if (nearKink(spec, params, samplesOf(c.batch))) return { ok: true, error: 0, tolerance: 0, note: 'a pre-activation lies within rounding of a kink: skipped (C2 holds a.e.)' };
  const ref = batchLoss(F64, spec, params, c.batch, LOSSES[c.loss]!);
  const { x, B, H } = toMatrix(c.batch, spec.arch.nInputs);
  const L = spec.arch.nInputs;
  const e = new F32Engine({ spec, params, loss: LOSSES[c.loss]!, optimizer: { name: 'sgd', lr: 1 }, B, H });
  e.gradient({ B, H, anchor: x.subarray(0, B * L), pos: x.subarray(B * L, 2 * B * L), neg: x.subarray(2 * B * L), anchorLatents: new Uint8Array(0) });
  const g = unpackParams(e.layout, e.grad);
  const t = gradientTolerance(spec, params, c, ref);
  const want = [...ref.grads.W.flat(), ...(ref.grads.b ? ref.grads.b.flat() : [])];
  return withinTolerance([...g.W.flat(), ...(g.b ? g.b.flat() : [])], want, t, 'f32 kernels vs float64 backward pass');
}

function property<V>(id: string, variant: string, arb: () => fc.Arbitrary<V>, measure: (v: V) => Measurement, describe: (v: V) => unknown, runs = 40): PropertyCheck<V> {
  return { type: 'property', id, claim: 'C2', title: `${C2.title} (float32 engines)`, variant, expect: 'hold', arithmetic: 'float32', runs: { ci: runs, full: runs * 10 }, arbitrary: arb, measure, describe };
}

const describeCase = (c: EngineCase) => ({ network: describeNetwork(c.net), batch: c.batch, loss: c.loss });
const ANY_NET: NetworkConstraints = { activation: ANY, bias: true, normalize: true, values: 'float' };
const anyNetwork = () => fc.oneof(arbEngineCase({ ...ANY_NET, normalize: false }), arbEngineCase(ANY_NET));
const completeTrees = (nc: NetworkConstraints) => arbEngineCase({ ...nc, kind: 'tree', tree: { irregular: false } });
const trees = (nc: NetworkConstraints) => arbEngineCase({ ...nc, kind: 'tree' });

export const checks: readonly Check[] = [
  property('C2/float32/tfjs-autograd', 'TF.js per-block graphs: any network, activation, bias, normalisation, every loss', anyNetwork, (c) => measureTfGradient(c, 'block'), describeCase),
  property('C2/float32/tfjs-level-autograd', 'TF.js level-batched graphs: complete trees, every loss', () => completeTrees(ANY_NET), (c) => measureTfGradient(c, 'level'), describeCase),
  property('C2/float32/tfjs-forward', 'TF.js forward pass: outputs and pre-activations', anyNetwork, (c) => measureTfForward(c, 'block'), describeCase, 30),
  property('C2/float32/f32-kernels', 'hand-written f32 kernels (tree networks, pattern tables): every loss, bias, normalisation', () => fc.oneof(trees(ANY_NET), trees({ ...ANY_NET, normalize: false, bias: false })), measureF32Gradient, describeCase),
];
