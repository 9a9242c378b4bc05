/**
 * Fast batch sampler of contrastive tuples for training and for the sampler's own checks (C9).
 *
 * Same law as `sampleTuple` (augmentation.ts, docs/theory.md §1.1), vectorised: per-node integer
 * thresholds t_ν = round(P·2^32) are precomputed and compared with `rng.u32()` (the law is exact up
 * to rounding P to a multiple of 2^−32; P = 0 and P = 1 stay exact). Buffers are reused via `out`.
 * Shapes (row-major): anchor, pos [B × nLeaves]; neg [B × H × nLeaves] (float 0/1);
 * anchorLatents [B × nInternal] in `tree.internal` order (the anchor view's latents, for the
 * correlation metric). Optional full node vectors (allocBatch(..., {nodes: true})): anchorNodes,
 * posNodes [B × nNodes], negNodes [B × H × nNodes], leaves after flips.
 */
import { requireInt } from '../errors.js';
import type { Rng } from '../numeric/random.js';
import { keptCount, type Augmentation } from './augmentation.js';
import type { Tree } from './tree.js';

export interface Batch {
  readonly B: number;
  readonly H: number;
  readonly anchor: Float32Array;
  readonly pos: Float32Array;
  readonly neg: Float32Array;
  readonly anchorLatents: Uint8Array;
  readonly anchorNodes?: Uint8Array;
  readonly posNodes?: Uint8Array;
  readonly negNodes?: Uint8Array;
}

const TWO32 = 4294967296;

/** A tree's sampling plan (parents, thresholds, leaf and latent indices), cached per tree; bitslicedBatch.ts reads it too. */
export interface Plan {
  readonly n: number;
  readonly parent: Int32Array;
  /** thr[0] = round(p_0·2^32) (z_0 = 1 iff u < thr[0]); thr[ν] = round((1+ρ)/2·2^32) (copy iff u < thr). */
  readonly thr: Float64Array;
  readonly leaves: Int32Array;
  readonly internal: Int32Array;
  /** Scratch node vectors (base sample, current view), reused across calls. */
  readonly base: Uint8Array;
  readonly view: Uint8Array;
}

const plans = new WeakMap<Tree, Plan>();

export function planOf(tree: Tree): Plan {
  let p = plans.get(tree);
  if (p) return p;
  const n = tree.nodes.length;
  const parent = new Int32Array(n);
  const thr = new Float64Array(n);
  thr[0] = Math.round(tree.rootPrior * TWO32);
  for (let i = 1; i < n; i++) {
    parent[i] = tree.nodes[i]!.parent;
    thr[i] = Math.round(((1 + tree.nodes[i]!.polarity) / 2) * TWO32);
  }
  p = { n, parent, thr, leaves: Int32Array.from(tree.leaves), internal: Int32Array.from(tree.internal), base: new Uint8Array(n), view: new Uint8Array(n) };
  plans.set(tree, p);
  return p;
}

/** Allocates the buffers of a batch (with full node vectors when `nodes` is set). */
export function allocBatch(tree: Tree, H: number, B: number, options: { nodes?: boolean } = {}): Batch {
  const L = tree.leaves.length;
  const n = tree.nodes.length;
  const batch: Batch = {
    B,
    H,
    anchor: new Float32Array(B * L),
    pos: new Float32Array(B * L),
    neg: new Float32Array(B * H * L),
    anchorLatents: new Uint8Array(B * tree.internal.length),
  };
  if (!options.nodes) return batch;
  return { ...batch, anchorNodes: new Uint8Array(B * n), posNodes: new Uint8Array(B * n), negNodes: new Uint8Array(B * H * n) };
}

/** Fills `nodes[from..to)` top-down given nodes[0..from). */
function fill(plan: Plan, rng: Rng, nodes: Uint8Array, from: number, to: number): void {
  const { parent, thr } = plan;
  let i = from;
  if (i === 0) {
    nodes[0] = rng.u32() < thr[0]! ? 1 : 0;
    i = 1;
  }
  for (; i < to; i++) nodes[i] = rng.u32() < thr[i]! ? nodes[parent[i]!]! : 1 - nodes[parent[i]!]!;
}

/** Writes the (flipped) leaves of `nodes` to out[off..]; keeps `nodes` in sync when copying them. */
function emit(plan: Plan, rng: Rng, nodes: Uint8Array, flipThr: number, out: Float32Array, off: number): void {
  const leaves = plan.leaves;
  if (flipThr === 0) {
    for (let j = 0; j < leaves.length; j++) out[off + j] = nodes[leaves[j]!]!;
    return;
  }
  for (let j = 0; j < leaves.length; j++) {
    const l = leaves[j]!;
    if (rng.u32() < flipThr) nodes[l] = 1 - nodes[l]!;
    out[off + j] = nodes[l]!;
  }
}

/** `out` checked against H, B and the tree (allocated when absent): the batch a sampler `who` fills. */
export function batchFor(tree: Tree, H: number, B: number, out: Batch | undefined, who: string): Batch {
  requireInt('H', H, 0);
  requireInt('B', B, 1);
  const batch = out ?? allocBatch(tree, H, B);
  if (batch.B !== B || batch.H !== H || batch.anchor.length !== B * tree.leaves.length) {
    throw new RangeError(`${who}: out was allocated for B=${batch.B}, H=${batch.H} and another tree`);
  }
  return batch;
}

/** Samples B tuples (x, x_+, x_1−..x_H−) into `out` (allocated when absent) and returns it. */
export function sampleBatch(tree: Tree, a: Augmentation, H: number, B: number, rng: Rng, out?: Batch): Batch {
  const plan = planOf(tree);
  const batch = batchFor(tree, H, B, out, 'sampleBatch');
  const n = plan.n;
  const L = plan.leaves.length;
  const nI = plan.internal.length;
  const m = keptCount(tree, a);
  const flipThr = Math.round(a.flip * TWO32);
  const { base, view } = plan;
  const augmentInto = (target: Float32Array, off: number, nodesOut: Uint8Array | undefined, nodesOff: number) => {
    view.set(base.subarray(0, m));
    fill(plan, rng, view, m, n);
    emit(plan, rng, view, flipThr, target, off);
    if (nodesOut) nodesOut.set(view, nodesOff);
  };
  for (let b = 0; b < B; b++) {
    if (m > 0) fill(plan, rng, base, 0, m);
    augmentInto(batch.anchor, b * L, batch.anchorNodes, b * n);
    for (let k = 0; k < nI; k++) batch.anchorLatents[b * nI + k] = view[plan.internal[k]!]!;
    augmentInto(batch.pos, b * L, batch.posNodes, b * n);
    for (let h = 0; h < H; h++) {
      if (m > 0) fill(plan, rng, base, 0, m);
      augmentInto(batch.neg, (b * H + h) * L, batch.negNodes, (b * H + h) * n);
    }
  }
  return batch;
}
