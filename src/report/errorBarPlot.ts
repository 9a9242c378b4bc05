/**
 * Charts for the statistical claims and the sweep: lines with error bars (mean ± a confidence
 * half-width), one colour per series, rendered by report/plot.ts (Vega-Lite → deterministic SVG).
 */
import { renderVegaLite } from './plot.js';

export interface ErrorBarPoint {
  readonly x: number;
  readonly mean: number;
  /** Lower and upper ends of the bar (e.g. a confidence interval); omitted → no bar. */
  readonly lo?: number;
  readonly hi?: number;
}

export interface ErrorBarSeries {
  readonly name: string;
  readonly points: readonly ErrorBarPoint[];
}

export interface ErrorBarPlotOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ErrorBarSeries[];
  /** Horizontal reference lines (e.g. 0, ±margin). */
  readonly rules?: readonly { readonly y: number; readonly label?: string }[];
  readonly logX?: boolean;
  readonly width?: number;
  readonly height?: number;
}

/** Lines through the means with vertical bars from lo to hi; non-finite values are dropped. */
export function errorBarPlot(o: ErrorBarPlotOptions): Promise<string> {
  const fin = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);
  const values = o.series.flatMap((s) =>
    s.points
      .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.mean) && (!o.logX || p.x > 0))
      .map((p) => ({ x: p.x, mean: p.mean, lo: fin(p.lo) ? p.lo : p.mean, hi: fin(p.hi) ? p.hi : p.mean, series: s.name })),
  );
  const order = o.series.map((s) => s.name);
  const integers = values.every((v) => Number.isInteger(v.x));
  const x = {
    field: 'x',
    type: 'quantitative',
    title: o.xLabel,
    // Padding keeps the bars at the first and last x inside the plot.
    scale: o.logX ? { type: 'log', padding: 12 } : { zero: false, nice: false, padding: 12 },
    ...(integers ? { axis: { tickMinStep: 1, format: 'd' } } : {}),
  };
  const color = { field: 'series', type: 'nominal', title: null, sort: order, legend: { labelLimit: 400 } };
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: 'line', point: true, clip: true },
      encoding: { x, y: { field: 'mean', type: 'quantitative', title: o.yLabel, scale: { zero: false } }, color, order: { field: 'x', type: 'quantitative' } },
    },
    {
      mark: { type: 'rule', clip: true, strokeWidth: 2, opacity: 0.7 },
      encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color },
    },
  ];
  if (o.rules && o.rules.length > 0) {
    layers.push({
      data: { values: o.rules.map((r) => ({ y: r.y, label: r.label ?? '' })) },
      mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
      encoding: { y: { field: 'y', type: 'quantitative' } },
    });
  }
  return renderVegaLite({
    title: o.title,
    width: o.width ?? 480,
    height: o.height ?? 300,
    data: { values },
    layer: layers,
  });
}
