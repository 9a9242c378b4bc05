/**
 * Fixed-sample and group-sequential designs over seeds.
 *
 * A design is a list of looks (n_k seeds, α_k) with Σ α_k = α. At look k the decision rule runs on
 * the first n_k seeds at level α_k; the run stops at the first look that decides (pass or fail) and
 * is `inconclusive` if the last look does not. By the union bound the false-failure (and
 * false-pass) rate of the whole design is ≤ Σ α_k = α, whatever the dependence between looks
 * (Bonferroni spending: conservative, but it needs no assumption on the statistic). A fixed-sample
 * design is one look. Early looks get a small share of α (default weights 1 : 3 for two looks), so a
 * strong effect stops after n_1 seeds while the last look keeps most of the power.
 */
import type { Decision } from './decision.js';

export interface Look {
  readonly n: number;
  readonly alpha: number;
}

export interface Design {
  readonly looks: readonly Look[];
  /** Σ α_k. */
  readonly alpha: number;
}

/**
 * Looks at the given increasing numbers of seeds, α split in proportion to `weights`
 * (default: the last look gets 3× the weight of each earlier one).
 */
export function makeDesign(ns: readonly number[], alpha: number, weights?: readonly number[]): Design {
  if (ns.length === 0) throw new RangeError('makeDesign: no looks');
  for (let i = 0; i < ns.length; i++) {
    if (!Number.isInteger(ns[i]) || ns[i]! < 2) throw new RangeError(`makeDesign: look sizes must be integers >= 2, got ${ns[i]}`);
    if (i > 0 && ns[i]! <= ns[i - 1]!) throw new RangeError('makeDesign: look sizes must increase');
  }
  if (!(alpha > 0 && alpha < 0.5)) throw new RangeError(`makeDesign: alpha must be in (0, 0.5), got ${alpha}`);
  const w = weights ?? ns.map((_, i) => (i === ns.length - 1 && ns.length > 1 ? 3 : 1));
  if (w.length !== ns.length || w.some((x) => !(x > 0))) throw new RangeError('makeDesign: one weight > 0 per look');
  const sum = w.reduce((s, x) => s + x, 0);
  return { looks: ns.map((n, i) => ({ n, alpha: (alpha * w[i]!) / sum })), alpha };
}

export interface SequentialOutcome<R> {
  /** The result of the look that decided, or of the last look. */
  readonly result: R;
  /** 1-based index of that look. */
  readonly look: number;
  readonly n: number;
  readonly alpha: number;
  /** Decided before the last look. */
  readonly stoppedEarly: boolean;
}

/**
 * Runs a design: `decideAt(n, alpha, look)` gathers (or reuses) the first n seeds and decides at
 * level alpha. Stops at the first decisive look.
 */
export async function runSequential<R extends { readonly decision: Decision }>(
  design: Design,
  decideAt: (n: number, alpha: number, look: number) => Promise<R> | R,
): Promise<SequentialOutcome<R>> {
  let last: SequentialOutcome<R> | undefined;
  for (let k = 0; k < design.looks.length; k++) {
    const { n, alpha } = design.looks[k]!;
    const result = await decideAt(n, alpha, k + 1);
    last = { result, look: k + 1, n, alpha, stoppedEarly: k < design.looks.length - 1 };
    if (result.decision !== 'inconclusive') return last;
  }
  return { ...last!, stoppedEarly: false };
}

/** A short description: "looks n=6 (α 6.25e-5), n=10 (α 1.88e-4)". */
export function describeDesign(d: Design): string {
  return `${d.looks.length === 1 ? 'fixed sample' : 'group-sequential, Bonferroni spending'}: ${d.looks.map((l) => `n=${l.n} (α ${l.alpha.toExponential(2)})`).join(', ')}`;
}
