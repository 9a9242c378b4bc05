/**
 * The sweep's report from its group summaries (summary.ts): JSON, a Markdown table and SVG plots
 * (final best-|corr| against hid and against δ_lower, one line per height, 95% CI bars).
 * Deterministic: no timestamps or durations.
 */
import { reportJson } from '../report/json.js';
import { slug } from '../report/write.js';
import { errorBarPlot, type ErrorBarSeries } from '../report/errorBarPlot.js';
import { num } from '../stats/index.js';
import type { Grid, SweepTraining } from './grid.js';
import { stateText, STATE_FILE, type CellRecord, type SweepState } from './state.js';
import { summarizeGroups, type GroupSummary, type Stat } from './summary.js';

const pm = (s: Stat) => (Number.isFinite(s.sd) ? `${s.mean.toFixed(3)} ± ${s.sd.toFixed(3)}` : s.mean.toFixed(3));

/** The Markdown summary table (mean ± sd over seeds). */
export function markdownTable(groups: readonly GroupSummary[]): string {
  const maxL = Math.max(...groups.map((g) => g.final.length));
  const heights = Array.from({ length: maxL }, (_, h) => `h${h + 1} final`);
  const head = ['depth', 'hid', 'δ_lower', 'loss', 'seeds', ...heights, 'G (gain h2..L)', 'diverged'];
  const rows = groups.map((g) => [
    String(g.depth),
    String(g.hid),
    String(g.deltaLower),
    g.loss,
    String(g.seeds),
    ...Array.from({ length: maxL }, (_, h) => (g.final[h] ? pm(g.final[h]!) : '')),
    g.G ? pm(g.G) : '',
    String(g.diverged),
  ]);
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n') + '\n';
}

/** Plots: final best-|corr| against hid (per depth, δ_lower, loss) and against δ_lower (per depth, hid, loss). */
export async function sweepPlots(groups: readonly GroupSummary[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const plot = async (file: string, title: string, xLabel: string, gs: GroupSummary[], x: (g: GroupSummary) => number) => {
    gs.sort((a, b) => x(a) - x(b));
    const L = Math.min(...gs.map((g) => g.final.length));
    const series: ErrorBarSeries[] = Array.from({ length: L }, (_, h) => ({
      name: `height ${h + 1}${h === L - 1 ? ' (root)' : ''}`,
      points: gs.map((g) => ({ x: x(g), mean: g.final[h]!.mean, lo: g.final[h]!.mean - g.final[h]!.ci95, hi: g.final[h]!.mean + g.final[h]!.ci95 })),
    }));
    out[file] = await errorBarPlot({ title, xLabel, yLabel: 'best-|corr| after training (mean, 95% CI)', series });
  };
  const by = (key: (g: GroupSummary) => string) => {
    const m = new Map<string, GroupSummary[]>();
    for (const g of groups) {
      const k = key(g);
      let l = m.get(k);
      if (!l) m.set(k, (l = []));
      l.push(g);
    }
    return m;
  };
  for (const gs of by((g) => `${g.depth}|${g.deltaLower}|${g.loss}`).values()) {
    if (gs.length < 2) continue;
    const g = gs[0]!;
    await plot(`plots/final-vs-hid--${slug(`depth${g.depth}-delta${g.deltaLower}-${g.loss}`)}.svg`, `final best-|corr| against hid (depth ${g.depth}, δ_lower ${g.deltaLower}, ${g.loss})`, 'hid', [...gs], (x) => x.hid);
  }
  for (const gs of by((g) => `${g.depth}|${g.hid}|${g.loss}`).values()) {
    if (gs.length < 2) continue;
    const g = gs[0]!;
    await plot(`plots/final-vs-delta--${slug(`depth${g.depth}-hid${g.hid}-${g.loss}`)}.svg`, `final best-|corr| against δ_lower (depth ${g.depth}, hid ${g.hid}, ${g.loss})`, 'δ_lower', [...gs], (x) => x.deltaLower);
  }
  if (groups.length <= 12) {
    const maxL = Math.max(...groups.map((g) => g.final.length));
    const series: ErrorBarSeries[] = groups.flatMap((g) => [
      { name: `d${g.depth} hid${g.hid} δ${g.deltaLower} ${g.loss}: init`, points: g.init.map((s, h) => ({ x: h + 1, mean: s.mean, lo: s.mean - s.ci95, hi: s.mean + s.ci95 })) },
      { name: `d${g.depth} hid${g.hid} δ${g.deltaLower} ${g.loss}: trained`, points: g.final.map((s, h) => ({ x: h + 1, mean: s.mean, lo: s.mean - s.ci95, hi: s.mean + s.ci95 })) },
    ]);
    out['plots/by-height.svg'] = await errorBarPlot({ title: `best-|corr| by height, initialisation and trained (1..${maxL})`, xLabel: 'height (1 = parents of leaves)', yLabel: 'best-|corr| (mean, 95% CI)', series });
  }
  return out;
}

export interface SweepReportInput {
  readonly version: string;
  readonly command: string;
  readonly grid: Grid;
  readonly training: SweepTraining;
  readonly engine: Readonly<Record<string, string>>;
  readonly records: readonly CellRecord[];
  readonly state: SweepState;
}

/** Every file of the run folder. */
export async function sweepReportFiles(i: SweepReportInput): Promise<Record<string, string>> {
  const groups = summarizeGroups(i.records);
  const plots = await sweepPlots(groups);
  const json = {
    tool: 'covcheck sweep',
    version: i.version,
    command: i.command,
    grid: i.grid,
    training: i.training,
    engine: i.engine,
    groups,
    cells: i.records.map((r) => ({ ...r.cell, init: r.run.init, final: r.run.final, steps: r.run.steps, diverged: r.run.diverged })),
  };
  const t = i.training;
  const md = [
    `# covcheck sweep`,
    '',
    `\`${i.command}\``,
    '',
    `Grid: depth ${i.grid.depths.join(', ')} × hid ${i.grid.hids.join(', ')} × δ_lower ${i.grid.deltaLowers.join(', ')} × loss ${i.grid.losses.join(', ')} × ${i.grid.seeds.length} seeds (${i.records.length} runs).`,
    `Training: preset ${t.preset}, ${t.steps} SGD steps × batch ${t.batch}, lr ${t.lr}, τ ${t.tau}, H ${t.H}, δ_upper ${t.deltaUpper}, ${t.augmentation} augmentation, ${t.evalSamples} evaluation samples.`,
    '',
    'Best |corr| after training per height (h1 = parents of leaves; mean ± sd over seeds); G = mean over heights 2..L of (trained − initial), THEORY.md C11.',
    '',
    markdownTable(groups),
    ...(Object.keys(plots).length > 0 ? ['## Plots', '', ...Object.keys(plots).map((p) => `![${p}](${p})`), ''] : []),
    `Initial best |corr| per height: ${groups.map((g) => `d${g.depth} hid${g.hid} δ${g.deltaLower} ${g.loss}: ${g.init.map((s) => num(s.mean)).join(' ')}`).join('; ')}.`,
    '',
  ].join('\n');
  return { 'report.json': reportJson(json), 'report.md': md, [STATE_FILE]: stateText(i.state), ...plots };
}
