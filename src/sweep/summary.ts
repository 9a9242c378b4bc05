/**
 * The sweep's summary per group (depth, hid, δ_lower, loss) over seeds: the per-height best-|corr|
 * at initialisation and after training (mean, sd, 95% CI), the gain, and the pooled gain G of
 * docs/theory.md C11.
 */
import { summarize, tHalfWidth } from '../stats/index.js';
import { gains, pooledGain } from './gains.js';
import type { CellRecord } from './state.js';
import type { SweepLoss } from './trainFn.js';

export interface Stat {
  readonly mean: number;
  readonly sd: number;
  /** Two-sided 95% confidence half-width of the mean (NaN for one seed). */
  readonly ci95: number;
}

export interface GroupSummary {
  readonly depth: number;
  readonly hid: number;
  readonly deltaLower: number;
  readonly loss: SweepLoss;
  readonly seeds: number;
  readonly diverged: number;
  /** Per height (index h − 1). */
  readonly init: Stat[];
  readonly final: Stat[];
  readonly gain: Stat[];
  /** G = mean over heights 2..L of the gain (null for depth 1). */
  readonly G: Stat | null;
}

function stat(xs: readonly number[]): Stat {
  const s = summarize(xs);
  return { mean: s.mean, sd: s.sd, ci95: tHalfWidth(s) };
}

export function summarizeGroups(records: readonly CellRecord[]): GroupSummary[] {
  const groups = new Map<string, CellRecord[]>();
  for (const r of records) {
    const k = `${r.cell.depth}|${r.cell.hid}|${r.cell.deltaLower}|${r.cell.loss}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(r);
  }
  return [...groups.values()].map((rs) => {
    const c = rs[0]!.cell;
    const L = rs[0]!.run.init.length;
    const col = (f: (r: CellRecord) => readonly number[]) => Array.from({ length: L }, (_, h) => stat(rs.map((r) => f(r)[h]!)));
    return {
      depth: c.depth,
      hid: c.hid,
      deltaLower: c.deltaLower,
      loss: c.loss,
      seeds: rs.length,
      diverged: rs.filter((r) => r.run.diverged).length,
      init: col((r) => r.run.init),
      final: col((r) => r.run.final),
      gain: col((r) => gains(r.run)),
      G: L >= 2 ? stat(rs.map((r) => pooledGain(r.run))) : null,
    };
  });
}
