/**
 * C6's large-τ plots: one log-log plot per quantity (weights, gradient, shifted loss), the error of
 * every series against τ with a slope −1 reference line (src/report/plot.ts).
 */
import { linePlot } from '../../../src/report/plot.js';
import { slug } from '../../../src/report/write.js';
import { TAUS, type LimitSeries } from './limitSeries.js';

/** SVGs keyed by file name, `<slug of the check id>-<quantity>.svg`; quantities entirely at rounding level are not drawn. */
export async function limitPlots(series: readonly LimitSeries[], id: string, fit: { readonly fitFrom: number; readonly slopeTol: number }): Promise<Record<string, string>> {
  const plots: Record<string, string> = {};
  for (const q of ['weights', 'gradient', 'shifted loss']) {
    const group = series.filter((s) => s.name.endsWith(`: ${q}`) && s.points.some(([tau, e]) => e > 100 * (typeof s.floor === 'number' ? s.floor : s.floor(tau))));
    if (group.length === 0) continue;
    const e0 = Math.max(...group.map((s) => s.points[0]![1]));
    const ref = { name: 'slope −1 (reference)', points: TAUS.map((tau) => [tau, e0 / tau] as [number, number]) };
    plots[`${slug(id, 100)}-${q.replace(' ', '-')}.svg`] = await linePlot({
      title: `C6: ${q}, error against τ (fit τ ≥ 2^${fit.fitFrom}: slope −1 ± ${fit.slopeTol})`,
      xLabel: 'τ',
      yLabel: `|error| of the ${q}`,
      logX: true,
      logY: true,
      series: [...group.map((s) => ({ name: s.name.slice(0, -(q.length + 2)), points: s.points })), ref],
    });
  }
  return plots;
}
