/**
 * The suite-wide false-failure budget of the statistical training claims (docs/theory.md §3) and its
 * Bonferroni split: over claims, over the parts of a claim (one check each), over the sub-tests of a
 * part (heights, losses, pairs of settings) and over the looks of a sequential design. By the union
 * bound the probability that any of these tests fails while every claim holds is ≤ the budget.
 *
 *   suite (C11 + C12)         2e-3
 *   C11: 1e-3 over (a), (b), (c), (d)              → 2.5e-4 per part
 *   C12: 1e-3 over (a) init, (a) trained, (a) gain, (b) init, (b) trained  → 2e-4 per part
 *
 * C3 (Monte Carlo) and C9 state their own α (1e-6 per claim) and are outside this budget.
 */

/** False-failure budget of C11 and C12 together, for one `verify` run. */
export const TRAINING_CLAIMS_ALPHA = 2e-3;

export const CLAIM_ALPHA = {
  C11: TRAINING_CLAIMS_ALPHA / 2,
  C12: TRAINING_CLAIMS_ALPHA / 2,
} as const;

export const C11_PARTS = ['a', 'b', 'c', 'd'] as const;
export const C12_PARTS = ['a-init', 'a-trained', 'a-gain', 'b-init', 'b-trained'] as const;

/**
 * Splits `total` over named parts in proportion to their weights (default: equally).
 * The returned values sum to `total` (up to rounding).
 */
export function splitAlpha<K extends string>(total: number, parts: readonly K[], weights?: Readonly<Partial<Record<K, number>>>): Record<K, number> {
  if (!(total > 0 && total < 1)) throw new RangeError(`splitAlpha: total must be in (0, 1), got ${total}`);
  if (parts.length === 0) throw new RangeError('splitAlpha: no parts');
  const w = parts.map((p) => weights?.[p] ?? 1);
  if (w.some((x) => !(x > 0))) throw new RangeError('splitAlpha: weights must be > 0');
  const sum = w.reduce((s, x) => s + x, 0);
  const out = {} as Record<K, number>;
  parts.forEach((p, i) => (out[p] = (total * w[i]!) / sum));
  return out;
}

/** α of one part of C11 ('a'…'d'). */
export function c11Alpha(part: (typeof C11_PARTS)[number]): number {
  return splitAlpha(CLAIM_ALPHA.C11, C11_PARTS)[part];
}

/** α of one part of C12. */
export function c12Alpha(part: (typeof C12_PARTS)[number]): number {
  return splitAlpha(CLAIM_ALPHA.C12, C12_PARTS)[part];
}

/** Bonferroni: α for each of k tests that share `alpha`. */
export function bonferroni(alpha: number, k: number): number {
  if (!(k >= 1)) throw new RangeError(`bonferroni: k must be >= 1, got ${k}`);
  return alpha / k;
}
