/**
 * SVG charts for reports: a Vega-Lite spec compiled to Vega and rendered headless
 * (`View.toSVG()`, renderer 'none', no canvas). The output is byte-stable: Vega numbers clip and
 * gradient ids from a process-wide counter, so ids are renamed by order of appearance with a
 * prefix derived from the spec (stable across calls and processes, distinct between charts).
 * Vega and Vega-Lite (≈ 0.15 s to import) load on the first chart drawn, not with this module.
 */
import type * as vl from 'vega-lite';

export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

export interface LinePlotOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly logX?: boolean;
  readonly logY?: boolean;
  /** Draw a dot at every point (default true). */
  readonly points?: boolean;
  readonly width?: number;
  readonly height?: number;
}

export interface HistogramOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly values: readonly number[];
  /** Largest number of bins (default 30). */
  readonly bins?: number;
  readonly yLabel?: string;
  readonly width?: number;
  readonly height?: number;
}

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** Bars sharing a label but of different groups stand side by side, coloured by group. */
  readonly group?: string;
}

export interface BarPlotOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly bars: readonly Bar[];
  readonly width?: number;
  readonly height?: number;
}

const W = 480;
const H = 300;

/**
 * Lines (one per series, coloured, with a legend). Non-finite points are dropped, and so are
 * points ≤ 0 on a log axis.
 */
export function linePlot(o: LinePlotOptions): Promise<string> {
  const values = o.series.flatMap((s) =>
    s.points
      .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!o.logX || x > 0) && (!o.logY || y > 0))
      .map(([x, y]) => ({ x, y, series: s.name })),
  );
  return render({
    title: o.title,
    width: o.width ?? W,
    height: o.height ?? H,
    data: { values },
    mark: { type: 'line', point: o.points !== false, clip: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: o.xLabel, scale: o.logX ? { type: 'log' } : { zero: false } },
      y: { field: 'y', type: 'quantitative', title: o.yLabel, scale: o.logY ? { type: 'log' } : { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, sort: o.series.map((s) => s.name) },
      order: { field: 'x', type: 'quantitative' },
    },
  });
}

/** A histogram of the finite values (counts per bin). */
export function histogram(o: HistogramOptions): Promise<string> {
  const values = o.values.filter((v) => Number.isFinite(v)).map((v) => ({ v }));
  return render({
    title: o.title,
    width: o.width ?? W,
    height: o.height ?? H,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'v', type: 'quantitative', bin: { maxbins: o.bins ?? 30 }, title: o.xLabel },
      y: { aggregate: 'count', type: 'quantitative', title: o.yLabel ?? 'count' },
    },
  });
}

/** Bars by label (in the given order), optionally grouped side by side. */
export function barPlot(o: BarPlotOptions): Promise<string> {
  const grouped = o.bars.some((b) => b.group !== undefined);
  const labels = [...new Set(o.bars.map((b) => b.label))];
  const values = o.bars.filter((b) => Number.isFinite(b.value)).map((b) => ({ label: b.label, value: b.value, group: b.group ?? '' }));
  return render({
    title: o.title,
    width: o.width ?? W,
    height: o.height ?? H,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'label', type: 'nominal', title: o.xLabel, sort: labels, axis: { labelAngle: labels.length > 8 ? -45 : 0 } },
      y: { field: 'value', type: 'quantitative', title: o.yLabel },
      ...(grouped
        ? {
            xOffset: { field: 'group', type: 'nominal', sort: [...new Set(values.map((v) => v.group))] },
            color: { field: 'group', type: 'nominal', title: null, sort: [...new Set(values.map((v) => v.group))] },
          }
        : {}),
    },
  });
}

/** Renders any Vega-Lite spec (without $schema) to a deterministic SVG string. */
export async function renderVegaLite(spec: Record<string, unknown>): Promise<string> {
  return render(spec);
}

async function render(spec: Record<string, unknown>): Promise<string> {
  const full = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    background: 'white',
    padding: 8,
    config: { font: 'sans-serif', title: { fontSize: 14 }, legend: { orient: 'right' } },
    ...spec,
  };
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  // Quiet loggers: a chart problem must not print into a command's output.
  const compiled = vegaLite.compile(full as unknown as vl.TopLevelSpec, { logger: vega.logger(vega.Error) }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    const svg = await view.toSVG();
    return stableIds(svg, `p${fnv(JSON.stringify(full)).toString(36)}-`);
  } finally {
    view.finalize();
  }
}

/** Renames every id="…" (and its url(#…)/href="#…" references) to prefix+index of appearance. */
export function stableIds(svg: string, prefix: string): string {
  const map = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) {
    if (!map.has(m[1]!)) map.set(m[1]!, `${prefix}${map.size + 1}`);
  }
  if (map.size === 0) return svg;
  return svg
    .replace(/(\sid=")([^"]+)(")/g, (all, a: string, id: string, b: string) => (map.has(id) ? a + map.get(id)! + b : all))
    .replace(/url\(#([^)]+)\)/g, (all, id: string) => (map.has(id) ? `url(#${map.get(id)!})` : all))
    .replace(/(href=")#([^"]+)(")/g, (all, a: string, id: string, b: string) => (map.has(id) ? `${a}#${map.get(id)!}${b}` : all));
}

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
