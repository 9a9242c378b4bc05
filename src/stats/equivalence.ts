/**
 * The equivalence test (TOST) over seeds (docs/theory.md §3; claim C11(c)): the claim says
 * |E X − c| < m. Pass when both one-sided (1−α) bounds lie inside (c − m, c + m) (the (1−2α)
 * two-sided interval is inside); fail when a one-sided (1−α/2) bound lies entirely beyond ±m;
 * inconclusive when the interval is too wide: a wide interval never passes.
 */
import { checkAlpha, type Decision } from './decision.js';
import { tQuantileUpper, tUpper } from './distributions.js';
import { powerEquivalence, sampleSizeEquivalence } from './power.js';
import { summarize, type Summary } from './summary.js';

export interface EquivalenceOptions {
  readonly alpha: number;
  /** The claim is |E X − center| < margin. */
  readonly margin: number;
  readonly center?: number;
  /** Compute powerAtCenter and nNeeded (default true). */
  readonly diagnostics?: boolean;
}

export interface EquivalenceResult extends Summary {
  readonly kind: 'equivalence';
  readonly decision: Decision;
  readonly alpha: number;
  readonly margin: number;
  readonly center: number;
  /** TOST p-value: the larger of the two one-sided p-values (pass when ≤ α). */
  readonly pTost: number;
  /** One-sided (1−α) bounds, i.e. the (1−2α) two-sided interval (pass when inside ±margin). */
  readonly lower: number;
  readonly upper: number;
  /** One-sided (1−α/2) bounds used for `fail` (an interval entirely beyond a margin). */
  readonly failLower: number;
  readonly failUpper: number;
  /** Lower bound on the power at a true mean equal to the center with the observed sd. */
  readonly powerAtCenter: number;
  /** Values needed for power ≥ 0.8 at the center with the observed sd (Infinity if none ≤ 100 000). */
  readonly nNeeded: number;
}

/**
 * Equivalence test (TOST) of |E X − center| < margin at false-pass rate α, with `fail` at
 * false-failure rate α (an interval beyond the margin) and `inconclusive` when the interval
 * straddles a margin: a wide interval never passes.
 */
export function equivalenceTest(xs: readonly number[], o: EquivalenceOptions): EquivalenceResult {
  checkAlpha(o.alpha);
  if (!(o.margin > 0)) throw new RangeError(`equivalenceTest: margin must be > 0, got ${o.margin}`);
  const center = o.center ?? 0;
  const s = summarize(xs);
  const base = { kind: 'equivalence' as const, ...s, alpha: o.alpha, margin: o.margin, center };
  if (s.n < 2 || !Number.isFinite(s.mean) || !Number.isFinite(s.sd)) {
    return { ...base, decision: 'inconclusive', pTost: Number.NaN, lower: Number.NaN, upper: Number.NaN, failLower: Number.NaN, failUpper: Number.NaN, powerAtCenter: Number.NaN, nNeeded: Number.NaN };
  }
  const df = s.n - 1;
  const q = tQuantileUpper(o.alpha, df);
  const qf = tQuantileUpper(o.alpha / 2, df);
  const lower = s.mean - q * s.se;
  const upper = s.mean + q * s.se;
  const failLower = s.mean - qf * s.se;
  const failUpper = s.mean + qf * s.se;
  const lo = center - o.margin;
  const hi = center + o.margin;
  const pLow = s.se > 0 ? tUpper((s.mean - lo) / s.se, df) : s.mean > lo ? 0 : 1;
  const pHigh = s.se > 0 ? tUpper((hi - s.mean) / s.se, df) : s.mean < hi ? 0 : 1;
  const pTost = Math.max(pLow, pHigh);
  const decision: Decision = lower > lo && upper < hi ? 'pass' : failLower >= hi || failUpper <= lo ? 'fail' : 'inconclusive';
  return {
    ...base,
    decision,
    pTost,
    lower,
    upper,
    failLower,
    failUpper,
    powerAtCenter: o.diagnostics === false ? Number.NaN : powerEquivalence(s.n, o.alpha, o.margin, s.sd),
    nNeeded: o.diagnostics === false ? Number.NaN : sampleSizeEquivalence(o.alpha, o.margin, s.sd),
  };
}
