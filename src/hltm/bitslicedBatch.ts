/**
 * Bit-sliced batch sampler of contrastive tuples: the law of `sampleBatch` (batch.ts, augmentation.ts,
 * docs/theory.md §1.1) for large trees and batches (`--preset large`: 2 047 nodes, B = 1 024), where
 * the one-draw-per-node sampler costs ≈ 6 000 draws per triple.
 *
 * 32 tuples are sampled at once: node ν of lane t is bit t of the int32 word w_ν. Top-down,
 *   w_0 = Bern32(p_0),   w_ν = w_parent(ν) XOR Bern32(1 − (1+ρ_ν)/2),   leaf flips: w_ℓ ^= Bern32(q),
 * where Bern32(P) is a word of 32 independent Bernoulli(P) bits: bit t = [U_t < t_P] with
 * t_P = round(P·2^32) (the same rounding as batch.ts) and U_t uniform 32-bit, compared lazily from
 * the top bit down, one random word per bit position while some lane is undecided (lanes whose bits
 * equal t_P's so far). The comparison is exact; it needs ≈ log2(32) + 1.3 words for 32 lanes instead
 * of 32, so a view of the large tree takes ≈ 400 draws instead of 2 046.
 *
 * Same law as `sampleBatch`, another stream: the batches differ from sampleBatch's for the same seed
 * (deterministic per seed). Used where the options ask for it (`sampler: 'bitsliced'`, the large
 * preset); every existing seed of the other presets keeps its sequential batches.
 * Shapes and the kept prefix x_0 = nodes[0..m) as in batch.ts; the last group of a batch whose B is
 * not a multiple of 32 uses its first B mod 32 lanes.
 */
import type { Rng } from '../numeric/random.js';
import { keptCount, type Augmentation } from './augmentation.js';
import { batchFor, planOf, sampleBatch, type Batch } from './batch.js';
import type { Tree } from './tree.js';

const TWO32 = 4294967296;

/** A word of 32 independent bits, each 1 with probability t/2^32 (t an integer in [0, 2^32]). */
export function bern32(rng: Rng, t: number): number {
  if (t <= 0) return 0;
  if (t >= TWO32) return -1;
  let res = 0;
  let undecided = -1;
  for (let b = 31; b >= 0 && undecided !== 0; b--) {
    const r = rng.u32() | 0;
    const tb = -((t >>> b) & 1); // all ones where t's bit b is 1
    res |= undecided & ~r & tb; // U's bit 0 < t's bit 1: U < t
    undecided &= ~(r ^ tb); // equal so far
  }
  return res; // a lane still undecided has U = t: not below
}

interface SlicedPlan {
  readonly n: number;
  readonly parent: Int32Array;
  /** thr[0] = round(p_0·2^32) (z_0 = 1 iff below); thr[ν] = 2^32 − round((1+ρ)/2·2^32) (z_ν ≠ z_parent iff below). */
  readonly thr: Float64Array;
  readonly leaves: Int32Array;
  readonly internal: Int32Array;
  readonly base: Int32Array;
  readonly view: Int32Array;
  /** The view's leaf words, gathered once per view (halves the cost of writing the rows). */
  readonly leafWords: Int32Array;
}

const plans = new WeakMap<Tree, SlicedPlan>();

/** batch.ts's plan, its copy thresholds turned into flip thresholds, with word-sized scratch. */
function slicedPlanOf(tree: Tree): SlicedPlan {
  let p = plans.get(tree);
  if (p) return p;
  const seq = planOf(tree);
  const thr = seq.thr.map((t, i) => (i === 0 ? t : TWO32 - t));
  p = { n: seq.n, parent: seq.parent, thr, leaves: seq.leaves, internal: seq.internal, base: new Int32Array(seq.n), view: new Int32Array(seq.n), leafWords: new Int32Array(seq.leaves.length) };
  plans.set(tree, p);
  return p;
}

/** Fills words[from..to) top-down given words[0..from). */
function fill(plan: SlicedPlan, rng: Rng, w: Int32Array, from: number, to: number): void {
  const { parent, thr } = plan;
  let i = from;
  if (i === 0 && to > 0) {
    w[0] = bern32(rng, thr[0]!);
    i = 1;
  }
  for (; i < to; i++) w[i] = w[parent[i]!]! ^ bern32(rng, thr[i]!);
}

/** Writes lane t's leaves (and optionally its node vector) of the view words to row `row`. */
function emitLanes(plan: SlicedPlan, w: Int32Array, lanes: number, out: Float32Array, firstRow: number, rowStride: number, nodesOut: Uint8Array | undefined): void {
  const { leaves, n, leafWords } = plan;
  const L = leaves.length;
  for (let j = 0; j < L; j++) leafWords[j] = w[leaves[j]!]!;
  for (let t = 0; t < lanes; t++) {
    const off = (firstRow + t * rowStride) * L;
    for (let j = 0; j < L; j++) out[off + j] = (leafWords[j]! >>> t) & 1;
    if (nodesOut) {
      const noff = (firstRow + t * rowStride) * n;
      for (let i = 0; i < n; i++) nodesOut[noff + i] = (w[i]! >>> t) & 1;
    }
  }
}

/** The batch sampler of TrainOptions.sampler: 'sequential' (default, batch.ts) or 'bitsliced' (this module). */
export function batchSampler(kind: 'sequential' | 'bitsliced' = 'sequential'): typeof sampleBatch {
  return kind === 'bitsliced' ? sampleBatchBitsliced : sampleBatch;
}

/** Samples B tuples (x, x_+, x_1−..x_H−) into `out` (allocated when absent), 32 at a time, and returns it. */
export function sampleBatchBitsliced(tree: Tree, a: Augmentation, H: number, B: number, rng: Rng, out?: Batch): Batch {
  const plan = slicedPlanOf(tree);
  const batch = batchFor(tree, H, B, out, 'sampleBatchBitsliced');
  const { n, base, view, leaves, internal } = plan;
  const nI = internal.length;
  const m = keptCount(tree, a);
  const flipThr = Math.round(a.flip * TWO32);
  /** One view of the current base into `view`: keep base[0..m), resample the rest, flip the leaves. */
  const augment = () => {
    view.set(base.subarray(0, m));
    fill(plan, rng, view, m, n);
    if (flipThr > 0) for (let j = 0; j < leaves.length; j++) view[leaves[j]!] = view[leaves[j]!]! ^ bern32(rng, flipThr);
  };
  for (let b0 = 0; b0 < B; b0 += 32) {
    const lanes = Math.min(32, B - b0);
    fill(plan, rng, base, 0, m);
    augment();
    emitLanes(plan, view, lanes, batch.anchor, b0, 1, batch.anchorNodes);
    for (let t = 0; t < lanes; t++) for (let k = 0; k < nI; k++) batch.anchorLatents[(b0 + t) * nI + k] = (view[internal[k]!]! >>> t) & 1;
    augment();
    emitLanes(plan, view, lanes, batch.pos, b0, 1, batch.posNodes);
    for (let h = 0; h < H; h++) {
      fill(plan, rng, base, 0, m);
      augment();
      // negative h of tuple b is row b·H + h
      emitLanes(plan, view, lanes, batch.neg, b0 * H + h, H, batch.negNodes);
    }
  }
  return batch;
}
