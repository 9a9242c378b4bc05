/**
 * C6's large-τ limits as one custom check: every series of ./limitSeries.ts must fall like 1/τ, a
 * log-log slope of −1 ± 0.1 for τ ≥ 2^8 (numeric/leastSquares.ts) and error·τ bounded
 * (max/min ≤ 1.5); series entirely at rounding level are exact. Plots: ./plots.ts.
 */
import { logLogSlope } from '../../../src/numeric/leastSquares.js';
import type { CustomCheck, RunOptions } from '../../../src/runner/check.js';
import { fmt } from '../../../src/runner/run.js';
import { idSuffix, type LossUnderTest } from '../../lossUnderTest.js';
import { limitSeries, type LimitSeries, type LimitTarget } from './limitSeries.js';
import { trendCheck } from '../trendCheck.js';
import { limitPlots } from './plots.js';
import { record } from './record.js';

/** The fit uses τ ≥ 2^FIT_FROM. */
const FIT_FROM = 8;
const SLOPE_TOL = 0.1;
const BOUND_RATIO = 1.5;

/** The large-τ limits as one custom check with a log-log plot in `plots`. */
export function limitsCheck(targets: readonly LimitTarget[], o: { id: string; variant: string }): CustomCheck {
  return trendCheck({ id: o.id, claim: 'C6', title: record.title, variant: o.variant, arithmetic: 'float64' }, async (options: RunOptions) => {
    const series: LimitSeries[] = [];
    targets.forEach((t, i) => series.push(...limitSeries(t, options.seed + 7919 * i)));
    const bad: string[] = [];
    let worst = { ratio: 0, error: 0, tolerance: SLOPE_TOL };
    const slopes: Record<string, number | string> = {};
    for (const s of series) {
      const floorAt = (tau: number) => (typeof s.floor === 'number' ? s.floor : s.floor(tau));
      const usable = s.points.filter(([tau, e]) => e > 100 * floorAt(tau));
      // Fit τ ≥ 2^FIT_FROM; when rounding hides the tail (nearly tied distances), fit the largest
      // usable τ (at least 4 points) instead; entirely at rounding level: exact.
      let tail = usable.filter(([tau]) => tau >= 2 ** FIT_FROM);
      if (tail.length < 4) tail = usable.slice(-Math.max(4, tail.length));
      if (tail.length < 4) {
        slopes[s.name] = 'exact (at rounding level)';
        continue;
      }
      const slope = logLogSlope(tail);
      const scaled = tail.map(([tau, e]) => tau * e).filter((x) => x > 0);
      const bound = Math.max(...scaled) / Math.min(...scaled);
      slopes[s.name] = Number(slope.toFixed(4));
      const dev = Math.abs(slope + 1);
      if (dev / SLOPE_TOL > worst.ratio) worst = { ratio: dev / SLOPE_TOL, error: dev, tolerance: SLOPE_TOL };
      if (!(dev <= SLOPE_TOL) || !(bound <= BOUND_RATIO)) bad.push(`${s.name}: slope ${fmt(slope)}, max/min of error·τ ${fmt(bound)}`);
    }
    const plots = await limitPlots(series, o.id, { fitFrom: FIT_FROM, slopeTol: SLOPE_TOL });
    return {
      cases: series.length,
      worst,
      statistic: slopes,
      bad,
      plots,
      message: {
        none: 'the pipeline has no version of these losses',
        pass: `${series.length} series: log-log slope −1 ± ${SLOPE_TOL} for τ ≥ 2^${FIT_FROM} and error·τ bounded (max/min ≤ ${BOUND_RATIO})`,
        fail: (b) => `not O(1/τ): ${b.join('; ')}`,
      },
    };
  });
}

/** The limits check for one loss family (nce or tri by name; others: none). */
export function limitsCheckFor(u: LossUnderTest): CustomCheck | null {
  const kind = u.family.name === 'nce' || u.family.name === 'tri' ? u.family.name : null;
  if (!kind || u.family.params.tau === undefined) return null;
  const Hs = kind === 'tri' ? [1] : [1, 2].filter((h) => h >= u.family.negatives[0] && h <= u.family.negatives[1]);
  return limitsCheck(
    Hs.map((H) => ({ u, kind, H, r0: u.family.params.r0 ?? 0 })),
    { id: `C6/float64/large-tau-limits${idSuffix(u)}`, variant: `${u.family.label}: errors O(1/τ) as τ → ∞` },
  );
}
