/**
 * Networks of network/architecture.ts as TensorFlow.js graphs, trained by autograd
 * (tf.variableGrads), in two layouts:
 *
 *  - 'block': one variable pair per block: Wᵀ_ν [in × out] and b_ν [out]; a block's input is the
 *    concatenation of its sources (consecutive leaf inputs are one slice). Any architecture:
 *    tree-matched (any shape) or MLP. Ops per forward: ~4 per block.
 *  - 'level': complete trees only; all nodes of a depth form one batched product (one op per tree
 *    level, not per node). Activations are node-major A_d [N_d, S, out]; level d reads
 *      X_d = reshape(transpose(reshape(A_{d+1}, [N_d, k, S, out]), [0, 2, 1, 3]), [N_d, S, k·out])
 *      G_d = matMul(X_d, W_d) + b_d,   W_d [N_d, k·out_child, out], b_d [N_d, 1, out]
 *    (leaves: x [S, L] → [L, S] → [N_{D−1}, k, S, 1] → the same transpose).
 * Output: g_L [S, nOut] (the root block), then f/(‖f‖+ε) with normalisation; the norm is
 * sqrt(max(‖g‖², 1e-30)) so that the gradient at g = 0 is 0 (as the reference's), not NaN.
 */
import type * as tfType from '@tensorflow/tfjs';
import { InputError } from '../../errors.js';
import { uniformActivation, type NetworkSpec, type Params } from '../../network/architecture.js';
import { activationRecord } from '../../network/activation.js';
import { formOf } from '../../network/normalization.js';

export type TfLayout = 'block' | 'level';

export interface TfForward {
  /** What the loss sees, [S, nOut]. */
  readonly out: tfType.Tensor2D;
  /** g_L before normalisation, [S, nOut]. */
  readonly raw: tfType.Tensor2D;
  /** Pre-activations per block (arch block order), [S, out_ν] ('block') or per level ('level'). */
  readonly pre: readonly tfType.Tensor[];
}

export interface TfNetwork {
  readonly layout: TfLayout;
  readonly spec: NetworkSpec;
  readonly variables: tfType.Variable[];
  /** Forward pass of x [S, nInputs] (call inside tf.tidy or dispose the results). */
  forward(x: tfType.Tensor2D): TfForward;
  /** Pre-activations of every internal node, [S × Gw] in tree.internal order (tree networks). */
  preActivations(x: tfType.Tensor2D): Float32Array;
  /** Row-major float64 copies of the parameters. */
  params(): Params<number>;
  /** The same conversion for tensors shaped like `variables` (e.g. their gradients). */
  paramsOf(values: readonly tfType.Tensor[]): Params<number>;
  dispose(): void;
}

/** True when `spec` is a complete tree whose levels can be batched. */
export function canLevelBatch(spec: NetworkSpec): boolean {
  const t = spec.arch.tree;
  return spec.arch.kind === 'tree' && t !== undefined && t.complete !== undefined;
}

export function tfNetwork(tf: typeof tfType, spec: NetworkSpec, params: Params<number>, layout: TfLayout = 'level'): TfNetwork {
  if (layout === 'level' && !canLevelBatch(spec)) {
    if (spec.arch.kind === 'tree') throw new InputError('engine', "the 'level' TF.js layout needs a complete tree");
    layout = 'block';
  }
  return layout === 'level' ? levelNetwork(tf, spec, params) : blockNetwork(tf, spec, params);
}

/** A trainable variable holding `t` (t itself is disposed: the variable keeps its own reference). */
let instances = 0;
function variableOf(tf: typeof tfType, t: tfType.Tensor, name: string): tfType.Variable {
  // Variable names are global in tfjs: suffix a counter so several networks can live at once.
  const v = tf.variable(t, true, `${name}#${instances++}`);
  t.dispose();
  return v;
}

/** out = g_L/d(‖g_L‖) (network/normalization.ts), ‖g‖ = √max(‖g‖², 1e-30) so the gradient at g = 0 is 0. */
function normalizeOut(tf: typeof tfType, spec: NetworkSpec, raw: tfType.Tensor2D): tfType.Tensor2D {
  if (!spec.normalize) return raw;
  const sq = tf.sum(tf.square(raw), 1, true);
  const norm = tf.sqrt(tf.maximum(sq, 1e-30));
  return tf.div(raw, formOf(spec).tf(tf, norm, spec.eps)) as tfType.Tensor2D;
}

/** ψ as a TF.js op (the activation's record; autograd supplies ψ'). */
function activationOp(tf: typeof tfType, spec: NetworkSpec): (g: tfType.Tensor) => tfType.Tensor {
  const activation = uniformActivation(spec, 'the TF.js engine');
  const record = activationRecord(activation);
  return (g) => record.tf(tf, g, activation);
}

/** Wᵀ [in × out] of a row-major W [out × in]. */
function transposed(W: readonly number[], out: number, inn: number): Float32Array {
  const t = new Float32Array(out * inn);
  for (let i = 0; i < out; i++) for (let j = 0; j < inn; j++) t[j * out + i] = W[i * inn + j]!;
  return t;
}

/** Internal nodes in tree.internal order: (block index, gpos, out). */
function unitLayout(spec: NetworkSpec): { blocks: number[]; gpos: number[]; Gw: number } {
  const tree = spec.arch.tree!;
  const blockOf = new Map<number, number>();
  spec.arch.blocks.forEach((b) => blockOf.set(b.node, b.index));
  let Gw = 0;
  const blocks: number[] = [];
  const gpos: number[] = [];
  for (const n of tree.internal) {
    const b = blockOf.get(n)!;
    blocks.push(b);
    gpos.push(Gw);
    Gw += spec.arch.blocks[b]!.out;
  }
  return { blocks, gpos, Gw };
}

function blockNetwork(tf: typeof tfType, spec: NetworkSpec, params: Params<number>): TfNetwork {
  const { arch } = spec;
  const Ws = arch.blocks.map((b) => variableOf(tf, tf.tensor2d(transposed(params.W[b.index]!, b.out, b.in), [b.in, b.out]), `W_${b.name}`));
  const bs = spec.bias ? arch.blocks.map((b) => variableOf(tf, tf.tensor1d(Float32Array.from(params.b![b.index]!)), `b_${b.name}`)) : [];
  // Group consecutive input sources into slices.
  const plans = arch.blocks.map((b) => {
    const parts: ({ kind: 'x'; start: number; len: number } | { kind: 'all' } | { kind: 'block'; block: number })[] = [];
    for (const s of b.sources) {
      const last = parts[parts.length - 1];
      if (s.kind === 'input') {
        if (last && last.kind === 'x' && last.start + last.len === s.index) last.len++;
        else parts.push({ kind: 'x', start: s.index, len: 1 });
      } else if (s.kind === 'all-inputs') parts.push({ kind: 'all' });
      else parts.push({ kind: 'block', block: s.block });
    }
    return parts;
  });
  const psi = activationOp(tf, spec);
  const forward = (x: tfType.Tensor2D): TfForward => {
    const S = x.shape[0];
    const f: tfType.Tensor2D[] = [];
    const pre: tfType.Tensor2D[] = [];
    for (const b of arch.blocks) {
      const parts = plans[b.index]!.map((p) => (p.kind === 'x' ? tf.slice(x, [0, p.start], [S, p.len]) : p.kind === 'all' ? x : f[p.block]!));
      const input = parts.length === 1 ? parts[0]! : tf.concat(parts, 1);
      let g: tfType.Tensor2D = tf.matMul(input, Ws[b.index]! as tfType.Tensor2D);
      if (spec.bias) g = tf.add(g, bs[b.index]!) as tfType.Tensor2D;
      pre.push(g);
      f.push(b.index === arch.output ? g : (psi(g) as tfType.Tensor2D));
    }
    const raw = pre[arch.output]!;
    return { raw, out: normalizeOut(tf, spec, raw), pre };
  };
  return {
    layout: 'block',
    spec,
    variables: [...Ws, ...bs],
    forward,
    preActivations(x) {
      const { blocks, gpos, Gw } = unitLayout(spec);
      const S = x.shape[0];
      const out = new Float32Array(S * Gw);
      tf.tidy(() => {
        const { pre } = forward(x);
        blocks.forEach((b, k) => {
          const w = arch.blocks[b]!.out;
          const d = pre[b]!.dataSync();
          for (let s = 0; s < S; s++) for (let i = 0; i < w; i++) out[s * Gw + gpos[k]! + i] = d[s * w + i]!;
        });
      });
      return out;
    },
    params() {
      return this.paramsOf([...Ws, ...bs]);
    },
    paramsOf(values) {
      return {
        W: arch.blocks.map((b) => {
          const t = values[b.index]!.dataSync();
          const W = new Array<number>(b.out * b.in);
          for (let i = 0; i < b.out; i++) for (let j = 0; j < b.in; j++) W[i * b.in + j] = t[j * b.out + i]!;
          return W;
        }),
        b: spec.bias ? arch.blocks.map((b) => Array.from(values[arch.blocks.length + b.index]!.dataSync())) : null,
      };
    },
    dispose() {
      for (const v of [...Ws, ...bs]) v.dispose();
    },
  };
}

function levelNetwork(tf: typeof tfType, spec: NetworkSpec, params: Params<number>): TfNetwork {
  const { arch } = spec;
  const tree = arch.tree!;
  const { depth: D, children: k } = tree.complete!;
  // Blocks per depth in BFS order.
  const byDepth: number[][] = Array.from({ length: D }, () => []);
  const blockOf = new Map<number, number>();
  arch.blocks.forEach((b) => blockOf.set(b.node, b.index));
  for (const n of tree.internal) byDepth[tree.nodes[n]!.depth]!.push(blockOf.get(n)!);
  const levels = byDepth.map((blocks, d) => {
    const b0 = arch.blocks[blocks[0]!]!;
    const N = blocks.length;
    const F = b0.in;
    const out = b0.out;
    const w = new Float32Array(N * F * out);
    blocks.forEach((b, n) => w.set(transposed(params.W[b]!, out, F), n * F * out));
    const W = variableOf(tf, tf.tensor3d(w, [N, F, out]), `W_depth${d}`);
    let bv: tfType.Variable | null = null;
    if (spec.bias) {
      const bb = new Float32Array(N * out);
      blocks.forEach((b, n) => bb.set(params.b![b]!, n * out));
      bv = variableOf(tf, tf.tensor3d(bb, [N, 1, out]), `b_depth${d}`);
    }
    return { d, blocks, N, F, out, W, b: bv };
  });
  /** [N_d, S, F] inputs of level d from the node-major activations below (or the leaves). */
  const group = (below: tfType.Tensor, N: number, S: number, width: number): tfType.Tensor3D =>
    tf.reshape(tf.transpose(tf.reshape(below, [N, k, S, width]), [0, 2, 1, 3]), [N, S, k * width]);
  const psi = activationOp(tf, spec);
  const forward = (x: tfType.Tensor2D): TfForward => {
    const S = x.shape[0];
    const pre: tfType.Tensor3D[] = new Array(D);
    let below: tfType.Tensor = tf.transpose(x); // [L, S] = node-major leaves, width 1
    let width = 1;
    for (let d = D - 1; d >= 0; d--) {
      const lv = levels[d]!;
      const X = group(below, lv.N, S, width);
      let g = tf.matMul(X, lv.W) as tfType.Tensor3D;
      if (lv.b) g = tf.add(g, lv.b);
      pre[d] = g;
      below = d === 0 ? g : psi(g);
      width = lv.out;
    }
    const raw = tf.reshape(pre[0]!, [S, levels[0]!.out]) as tfType.Tensor2D;
    return { raw, out: normalizeOut(tf, spec, raw), pre };
  };
  return {
    layout: 'level',
    spec,
    variables: levels.flatMap((l) => (l.b ? [l.W, l.b] : [l.W])),
    forward,
    preActivations(x) {
      const { gpos, Gw } = unitLayout(spec);
      const S = x.shape[0];
      const out = new Float32Array(S * Gw);
      // tree.internal is BFS: depth by depth, nodes in order, so node n of depth d is internal position base_d + n.
      tf.tidy(() => {
        const { pre } = forward(x);
        let base = 0;
        for (const lv of levels) {
          const data = pre[lv.d]!.dataSync(); // [N, S, out]
          for (let n = 0; n < lv.N; n++) {
            const g0 = gpos[base + n]!;
            for (let s = 0; s < S; s++) for (let i = 0; i < lv.out; i++) out[s * Gw + g0 + i] = data[(n * S + s) * lv.out + i]!;
          }
          base += lv.N;
        }
      });
      return out;
    },
    params() {
      return this.paramsOf(levels.flatMap((l) => (l.b ? [l.W, l.b] : [l.W])));
    },
    paramsOf(values) {
      const W: number[][] = arch.blocks.map(() => []);
      const b: number[][] | null = spec.bias ? arch.blocks.map(() => []) : null;
      const per = spec.bias ? 2 : 1;
      for (const [li, lv] of levels.entries()) {
        const w = values[li * per]!.dataSync();
        const bb = spec.bias ? values[li * per + 1]!.dataSync() : undefined;
        lv.blocks.forEach((blk, n) => {
          const Wr = new Array<number>(lv.out * lv.F);
          for (let i = 0; i < lv.out; i++) for (let j = 0; j < lv.F; j++) Wr[i * lv.F + j] = w[n * lv.F * lv.out + j * lv.out + i]!;
          W[blk] = Wr;
          if (b && bb) b[blk] = Array.from(bb.subarray(n * lv.out, (n + 1) * lv.out));
        });
      }
      return { W, b };
    },
    dispose() {
      for (const l of levels) {
        l.W.dispose();
        l.b?.dispose();
      }
    },
  };
}
