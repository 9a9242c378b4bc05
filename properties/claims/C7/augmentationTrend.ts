/**
 * C7's augmentation trend: ‖θ‖/‖OP^ξ w‖ falls to 0 as augmentation weakens: under identity+flip(q)
 * like q (log-log slope +1 ± 0.1 for q ≤ 2^-5) and 0 at q = 0; under level(k) down to 0 at
 * level(depth) = identity. Two plots.
 */
import type { CustomCheck, RunOptions } from '../../../src/runner/check.js';
import { fmt } from '../../../src/runner/run.js';
import { parseAugmentation } from '../../../src/hltm/augmentation.js';
import { linePlot } from '../../../src/report/plot.js';
import { slug } from '../../../src/report/write.js';
import { pipelineLoss } from '../../lossUnderTest.js';
import { NEGLIGIBLE_RATIO, ratioAt, SLOPE_TOL, trendModel, type TrendTarget } from './models.js';
import { noSlopeWords, powerFit, trendCheck } from '../trendCheck.js';
import { record } from './record.js';

const FLIPS = [2 ** -2, 2 ** -3, 2 ** -4, 2 ** -5, 2 ** -6, 2 ** -7, 2 ** -8, 2 ** -10];
const FLIP_FIT_BELOW = 2 ** -5;
/** ‖θ‖/‖OP^ξ w‖ at the identity end must be float64 noise. */
const ZERO_RATIO = NEGLIGIBLE_RATIO;

/** The ratio falls to 0 as augmentation weakens: flip(q) on identity (like q), level(k) up to identity. */
export function augmentationTrendCheck(targets: readonly TrendTarget[], o: { id: string; variant: string }): CustomCheck {
  return trendCheck({ id: o.id, claim: 'C7', title: record.title, variant: o.variant, arithmetic: 'enumeration' }, async (options: RunOptions) => {
    const flipSeries: { name: string; points: [number, number][] }[] = [];
    const levelSeries: { name: string; points: [number, number][] }[] = [];
    const bad: string[] = [];
    const trivial: string[] = [];
    const stat: Record<string, number | string> = {};
    let worst = { ratio: 0, error: 0, tolerance: SLOPE_TOL };
    for (const t of targets) {
      const loss = pipelineLoss(t.u, t.u.family.params);
      if (!loss) continue;
      const seed = options.seed;
      const flips: [number, number][] = FLIPS.map((q) => [q, ratioAt(seed, { base: { kind: 'identity' }, flip: q }, loss, t.H, t.u)]);
      const atZero = ratioAt(seed, { base: { kind: 'identity' }, flip: 0 }, loss, t.H, t.u);
      flipSeries.push({ name: t.label, points: flips });
      const fit = powerFit(flips.filter(([q]) => q <= FLIP_FIT_BELOW), { expected: 1, negligible: ZERO_RATIO });
      if (fit.kind === 'zero') {
        stat[`${t.label}: flip slope`] = `residue 0 at every q (ratio ≤ ${fmt(fit.max)})`;
        trivial.push(`${t.label}: ‖θ‖/‖OP^ξ w‖ ≤ ${fmt(fit.max)} under flip(q) for q ≤ ${FLIP_FIT_BELOW}`);
      } else if (fit.kind !== 'fit') {
        stat[`${t.label}: flip slope`] = 'no slope';
        worst = { ratio: Number.POSITIVE_INFINITY, error: Number.POSITIVE_INFINITY, tolerance: SLOPE_TOL };
        bad.push(`${t.label}: flip(q): ${noSlopeWords(fit, { quantity: '‖θ‖/‖OP^ξ w‖', x: 'q', negligible: ZERO_RATIO })}`);
      } else {
        stat[`${t.label}: flip slope`] = Number(fit.slope.toFixed(4));
        const dev = Math.abs(fit.slope - 1);
        if (!(dev / SLOPE_TOL <= worst.ratio)) worst = { ratio: dev / SLOPE_TOL, error: dev, tolerance: SLOPE_TOL };
        if (!(dev <= SLOPE_TOL)) bad.push(`${t.label}: flip(q) slope ${fmt(fit.slope)} (expected +1: ratio ~ q)`);
      }
      stat[`${t.label}: ratio at q = 0`] = atZero;
      if (!(atZero <= ZERO_RATIO)) bad.push(`${t.label}: ratio ${fmt(atZero)} at q = 0 (identity), expected 0`);
      const depth = trendModel(seed).tree.complete!.depth;
      const levels: [number, number][] = [];
      for (let k = 0; k <= depth; k++) levels.push([k, ratioAt(seed, parseAugmentation(`level(${k})`), loss, t.H, t.u)]);
      levelSeries.push({ name: t.label, points: levels });
      stat[`${t.label}: level ratios`] = levels.map(([, r]) => fmt(r)).join(' → ');
      const last = levels[levels.length - 1]![1];
      if (!(last <= ZERO_RATIO)) bad.push(`${t.label}: ratio ${fmt(last)} at level(${depth}) (= identity), expected 0`);
    }
    const plotFlip = await linePlot({
      title: `C7: ‖θ‖/‖OP^ξ w‖ under identity+flip(q) (fit q ≤ ${FLIP_FIT_BELOW}: slope +1 ± ${SLOPE_TOL})`,
      xLabel: 'flip probability q',
      yLabel: '‖θ‖ / ‖OP^ξ w‖',
      logX: true,
      logY: true,
      series: flipSeries,
    });
    const plotLevel = await linePlot({
      title: 'C7: ‖θ‖/‖OP^ξ w‖ under level(k) (level(depth) = identity: 0, not drawn on the log axis)',
      xLabel: 'k',
      yLabel: '‖θ‖ / ‖OP^ξ w‖',
      logY: true,
      series: levelSeries,
    });
    const base = slug(o.id, 120);
    return {
      cases: flipSeries.length,
      worst,
      statistic: stat,
      bad,
      trivial,
      plots: { [`${base}-flip.svg`]: plotFlip, [`${base}-level.svg`]: plotLevel },
      message: {
        none: 'the pipeline has no version of these losses',
        pass: `ratio ~ q under flip(q) (slope +1 ± ${SLOPE_TOL}) and 0 at identity; 0 at level(depth)`,
        fail: (b) => b.join('; '),
      },
    };
  });
}
