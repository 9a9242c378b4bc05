/**
 * Cases for the implementation checks (docs/impl.md): small grad-mode cases inside what the
 * handshake announces (docs/impl-protocol.md §1). Binary tree of depth `depth`, hid = out = `hid`,
 * weights ~ N(0, 1/in), 0/1 inputs, explicit negatives [B][H][leaves] (H = 1 for tri), no biases, no normalisation,
 * the first announced activation among relu / leaky_relu / linear (else the first announced), and a
 * loss drawn from the announced ones (parameters: tau 1, r0 0.5).
 */
import { Rng } from '../../numeric/random.js';
import { blockShapes } from '../../case/names.js';
import type { ImplHandshake } from '../handshake.js';
import type { ImplCase } from '../implCase.js';

export interface CaseConstraints {
  /** Tree depth (default 2). */
  readonly depth?: number;
  /** Hidden and output width (default 3). */
  readonly hid?: number;
  /** Batch rows B (default 2). */
  readonly B?: number;
  /** Negatives per anchor H (default 2). */
  readonly H?: number;
}

const LOSS_PARAMS: Readonly<Record<string, Record<string, number>>> = { nce: { tau: 1 }, official_nce: { tau: 1 }, tri: { r0: 0.5 }, ntxent: { tau: 1 } };

/**
 * An in-batch case (docs/case-format.md, "In-batch negatives"), B = 3 (H = 2B − 2 = 4):
 *  - ntxent: normalize with form max and eps 1e-12 (PyTorch's F.normalize), tau 0.5, symmetric always;
 *  - a distance loss (simp, nce, official_*; not tri, which takes one negative): no normalisation,
 *    loss.symmetric as `symmetric` (default false).
 */
export function generateInBatchCase(seed: number, h: ImplHandshake, c: CaseConstraints & { loss?: string; symmetric?: boolean } = {}): ImplCase {
  const loss = c.loss ?? 'ntxent';
  const { batch, ...rest } = generateImplCase(seed, loss, h, { ...c, B: c.B ?? 3, H: 1 });
  const inBatch = { ...rest, negatives: 'in-batch', batch: { x: batch.x, x_pos: batch.x_pos } };
  if (loss === 'ntxent') return { ...inBatch, normalize: true, normalize_form: 'max', eps: 1e-12, loss: { name: 'ntxent', tau: 0.5 } } as ImplCase;
  return { ...inBatch, loss: { ...rest.loss, ...(c.symmetric ? { symmetric: true } : {}) } } as ImplCase;
}

/** Losses that take in-batch negatives (H = 2B − 2): all but tri (one negative). */
export const inBatchLoss = (loss: string) => loss !== 'tri';

/** The activation covcheck generates for this implementation. */
export function caseActivation(h: ImplHandshake): string {
  return ['relu', 'leaky_relu', 'linear'].find((a) => h.supports.activations.some((s) => s === a || s.split(':')[0] === a)) ?? h.supports.activations[0] ?? 'relu';
}

export function generateImplCase(seed: number, loss: string, h: ImplHandshake, c: CaseConstraints = {}): ImplCase {
  const depth = c.depth ?? 2;
  const hid = c.hid ?? 3;
  const B = c.B ?? 2;
  const H = c.H ?? (loss === 'tri' ? 1 : 2); // the triplet loss takes one negative
  const rng = new Rng(seed);
  const weights = Object.fromEntries(
    blockShapes(depth, 2, hid, hid).map(({ name, rows, cols }) => [name, Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal() / Math.sqrt(cols)))]),
  );
  const leaves = 2 ** depth;
  const bits = () => Array.from({ length: leaves }, () => rng.bernoulli(0.5));
  const rows = (n: number) => Array.from({ length: n }, bits);
  const activation = caseActivation(h);
  return {
    depth,
    children: 2,
    ...(activation === 'relu' ? {} : { activation }),
    weights,
    batch: { x: rows(B), x_pos: rows(B), x_neg: Array.from({ length: B }, () => rows(H)) },
    loss: { name: loss, ...(LOSS_PARAMS[loss] ?? {}) },
  } as ImplCase;
}
