/**
 * Who is paired with whom under in-batch negatives (docs/case-format.md "In-batch negatives",
 * docs/theory.md §4). A batch of B rows (x_i, x_pos_i) has 2B views, numbered interleaved:
 *   view 2i = x_i,  view 2i + 1 = x_pos_i.
 * Anchor of row i (x_i as anchor): positive x_pos_i, negatives every view of the other rows in view
 * order (x_0, x_pos_0, x_1, … skipping row i), so H = 2B − 2. Symmetric: also x_pos_i as anchor with
 * positive x_i and the same negatives; the anchors are then [x_0 … x_{B−1}, x_pos_0 … x_pos_{B−1}]
 * (2B of them). Each view is the positive of one anchor (two with symmetry: it is also an anchor)
 * and a negative of every anchor of the other rows: B − 1 anchors, 2B − 2 with symmetry.
 */
import { InputError } from '../errors.js';

export interface Anchor {
  readonly anchor: number;
  readonly positive: number;
  readonly negatives: readonly number[];
}

export const anchorView = (row: number): number => 2 * row;
export const positiveView = (row: number): number => 2 * row + 1;
/** The row a view belongs to. */
export const rowOf = (view: number): number => view >> 1;

/** The anchors of a batch of B ≥ 2 rows, in the loss's order. */
export function inBatchAnchors(B: number, symmetric: boolean): Anchor[] {
  if (!Number.isInteger(B) || B < 2) throw new InputError('batch.x', `in-batch negatives need B >= 2 rows, got ${B}`);
  const others = (i: number) => Array.from({ length: 2 * B }, (_, v) => v).filter((v) => rowOf(v) !== i);
  const out: Anchor[] = [];
  for (let i = 0; i < B; i++) out.push({ anchor: anchorView(i), positive: positiveView(i), negatives: others(i) });
  if (symmetric) for (let i = 0; i < B; i++) out.push({ anchor: positiveView(i), positive: anchorView(i), negatives: others(i) });
  return out;
}

/** The 2B views of a batch in view order: x_0, x_pos_0, x_1, x_pos_1, … */
export function interleaveViews<V>(x: readonly V[], pos: readonly V[]): V[] {
  return x.flatMap((v, i) => [v, pos[i]!]);
}

/**
 * The explicit-negative batch an in-batch batch stands for: one tuple per anchor, with the anchor's
 * view, its positive and its 2B − 2 negatives (symmetric: 2B tuples, rows then swapped rows). For a
 * distance loss its loss and gradient equal the in-batch ones (the same distances, and the gradient
 * is linear in the per-sample ∂L/∂f): the second route of the in-batch checks.
 */
export function explicitExpansion<V>(x: readonly V[], pos: readonly V[], symmetric: boolean): { x: V[]; pos: V[]; neg: V[][] } {
  const views = interleaveViews(x, pos);
  const anchors = inBatchAnchors(x.length, symmetric);
  return {
    x: anchors.map((a) => views[a.anchor]!),
    pos: anchors.map((a) => views[a.positive]!),
    neg: anchors.map((a) => a.negatives.map((v) => views[v]!)),
  };
}
