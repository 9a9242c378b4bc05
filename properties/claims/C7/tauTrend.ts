/**
 * C7's τ trend (asymptotic only): ‖θ‖/‖OP^ξ w‖ falls like 1/τ, a log-log slope of −1 ± 0.1 for
 * τ ≥ 2^6 (numeric/leastSquares.ts) with ratio·τ bounded, root augmentation, τ = 1 … 4096; a plot.
 */
import type { CustomCheck, RunOptions } from '../../../src/runner/check.js';
import { fmt } from '../../../src/runner/run.js';
import { linePlot } from '../../../src/report/plot.js';
import { slug } from '../../../src/report/write.js';
import { idSuffix, pipelineLoss, type LossUnderTest } from '../../lossUnderTest.js';
import { ratioAt, SLOPE_TOL, type TrendTarget } from './models.js';
import { noSlopeWords, powerFit, trendCheck } from '../trendCheck.js';
import { record } from './record.js';

const TREND_TAUS = Array.from({ length: 13 }, (_, k) => 2 ** k);
const TREND_FIT_FROM = 2 ** 6;
const BOUND_RATIO = 1.5;

/** ‖θ‖/‖OP^ξ w‖ against τ: slope −1 in log-log for τ ≥ 2^6 and ratio·τ bounded. */
export function tauTrendCheck(targets: readonly TrendTarget[], o: { id: string; variant: string; seeds?: number }): CustomCheck {
  return trendCheck({ id: o.id, claim: 'C7', title: record.title, variant: o.variant, arithmetic: 'enumeration' }, async (options: RunOptions) => {
    const series: { name: string; points: [number, number][] }[] = [];
    const bad: string[] = [];
    const trivial: string[] = [];
    const stat: Record<string, number | string> = {};
    let worst = { ratio: 0, error: 0, tolerance: SLOPE_TOL };
    let skipped = 0;
    for (const t of targets) {
      for (let s = 0; s < (o.seeds ?? 1); s++) {
        const seed = options.seed + 104729 * s;
        const points: [number, number][] = [];
        const levels: number[] = [];
        for (const tau of TREND_TAUS) {
          const loss = pipelineLoss(t.u, { ...t.u.family.params, tau });
          if (!loss) break;
          const at = ratioAt(seed, { base: { kind: 'root' }, flip: 0 }, loss, t.H, t.u);
          points.push([tau, at.ratio]);
          levels.push(at.negligible);
        }
        if (points.length === 0) {
          skipped++;
          continue;
        }
        const name = `${t.label}${(o.seeds ?? 1) > 1 ? ` (model ${s + 1})` : ''}`;
        series.push({ name, points });
        const whole = powerFit(points, { expected: -1, negligible: levels });
        if (whole.kind === 'zero') {
          stat[name] = `residue 0 at every τ (ratio ≤ ${fmt(whole.max)})`;
          trivial.push(`${name}: ‖θ‖/‖OP^ξ w‖ ≤ ${fmt(whole.max)} at every τ`);
          continue;
        }
        const words = { quantity: '‖θ‖/‖OP^ξ w‖', x: 'τ' };
        const tail = points.map((_, i) => i).filter((i) => points[i]![0] >= TREND_FIT_FROM);
        const fit = powerFit(tail.map((i) => points[i]!), { expected: -1, negligible: tail.map((i) => levels[i]!) });
        if (fit.kind !== 'fit') {
          // The tail is 0 but not the whole series (so the whole has no slope either): say where it is 0 and how large it is elsewhere.
          const f = fit.kind !== 'zero' ? fit : whole.kind !== 'fit' ? whole : null;
          if (f === null) throw new Error('tauTrend: a tail of zeros in a series without any'); // unreachable: the tail's points are the series'
          stat[name] = 'no slope';
          worst = { ratio: Number.POSITIVE_INFINITY, error: Number.POSITIVE_INFINITY, tolerance: SLOPE_TOL };
          bad.push(`${name}: ${noSlopeWords(f, words)}`);
          continue;
        }
        const { slope, bound } = fit;
        stat[name] = Number(slope.toFixed(4));
        const dev = Math.abs(slope + 1);
        if (!(dev / SLOPE_TOL <= worst.ratio)) worst = { ratio: dev / SLOPE_TOL, error: dev, tolerance: SLOPE_TOL };
        if (!(dev <= SLOPE_TOL) || !(bound <= BOUND_RATIO)) bad.push(`${name}: slope ${fmt(slope)}, max/min of ratio·τ ${fmt(bound)}`);
      }
    }
    const svg = await linePlot({
      title: `C7: ‖θ‖/‖OP^ξ w‖ against τ (root augmentation; fit τ ≥ ${TREND_FIT_FROM}: slope −1 ± ${SLOPE_TOL})`,
      xLabel: 'τ',
      yLabel: '‖θ‖ / ‖OP^ξ w‖',
      logX: true,
      logY: true,
      series,
    });
    return {
      cases: series.length,
      worst,
      statistic: stat,
      bad,
      trivial,
      plots: { [`${slug(o.id, 120)}.svg`]: svg },
      message: {
        none: `the pipeline has no version of these losses (${skipped} skipped)`,
        pass: `${series.length} series: ratio ~ 1/τ (log-log slope −1 ± ${SLOPE_TOL} for τ ≥ ${TREND_FIT_FROM}, ratio·τ bounded); asymptotic only`,
        fail: (b) => `residue ratio not O(1/τ): ${b.join('; ')}`,
      },
    };
  });
}

/** The τ trend for a loss family with a τ parameter (compare, --loss), or null. */
export function tauTrendCheckFor(u: LossUnderTest): CustomCheck | null {
  if (u.family.params.tau === undefined || !u.family.perTuple) return null;
  const H = Math.max(1, u.family.negatives[0]);
  return tauTrendCheck([{ u, H, label: `${u.family.label} H=${H}` }], { id: `C7/enumeration/tau-trend${idSuffix(u)}`, variant: `${u.family.label}: ‖θ‖/‖OP^ξ w‖ ~ 1/τ` });
}
