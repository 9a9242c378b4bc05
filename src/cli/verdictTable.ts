/**
 * The verdict table of the `covcheck verify` log (issue 8 §6: a passing run prints at most
 * LOG_LINES lines, none longer than LINE_MAX characters, however many checks there are).
 *
 * - `full`: one row per check.
 * - `compact`: the `pass` and `expected-fail` checks of each claim folded into one row
 *   ("C3  13 checks  9 pass, 4 expected-fail"); every other verdict (fail, known-fail,
 *   inconclusive, skipped; a check that threw is a fail) keeps its own row.
 * - `auto` (the default): `full` while it has at most FULL_TABLE_MAX_ROWS rows, else `compact`.
 * report.md and report.json always list every check; `--verbose` or `--table full` print every row.
 */
import { formatMs, renderTable, type Column } from './table.js';
import type { Verdict } from '../runner/check.js';
import { byClaim } from '../report/claimOrder.js';
import { errorText, worstText } from '../report/markdown.js';
import type { ReportCheck } from '../report/verifyReport.js';

export type TableMode = 'auto' | 'full' | 'compact';
export const TABLE_MODES: readonly TableMode[] = ['auto', 'full', 'compact'];

/** A line of the CI log is at most this long. */
export const LINE_MAX = 200;
/** A passing run's log is at most this many lines. */
export const LOG_LINES = 100;
/**
 * `auto` prints one row per check up to this many checks: with the header, the inconclusive lines,
 * the fold hint and the summary, a passing run stays under LOG_LINES with room for about 25
 * non-passing rows and their detail lines.
 */
export const FULL_TABLE_MAX_ROWS = 60;

/** Verdicts folded per claim in the compact table. */
const FOLDED: ReadonlySet<Verdict> = new Set<Verdict>(['pass', 'expected-fail']);

/** Every column has a width bound, so a row stays within LINE_MAX whatever the ids and messages. */
const COLUMNS: readonly Column[] = [
  { header: 'claim', maxWidth: 8 },
  { header: 'check', maxWidth: 48 },
  { header: 'verdict', maxWidth: 36 },
  { header: 'cases', align: 'right', maxWidth: 10 },
  { header: 'error / tol', maxWidth: 24 },
  { header: 'seed', align: 'right', maxWidth: 11 },
  { header: 'time', align: 'right', maxWidth: 10 },
];

/** The table (and, when folded, one line saying so); `ms` maps a check id to its duration. */
export function verdictTable(checks: readonly ReportCheck[], ms: ReadonlyMap<string, number>, mode: TableMode): string {
  const compact = mode === 'compact' || (mode === 'auto' && checks.length > FULL_TABLE_MAX_ROWS);
  const time = (c: ReportCheck) => ms.get(c.check) ?? 0;
  const row = (c: ReportCheck) => [c.claim, c.check, c.verdict === 'fail' ? 'FAIL' : c.verdict, String(c.cases), errorText(c), String(c.seed), formatMs(time(c))];
  if (!compact) return renderTable(COLUMNS, checks.map(row));
  const rows: string[][] = [];
  let folded = 0;
  for (const [claim, cs] of byClaim(checks)) {
    const fold = cs.filter((c) => FOLDED.has(c.verdict));
    if (fold.length > 0) {
      folded += fold.length;
      rows.push([claim, `${fold.length} check${fold.length === 1 ? '' : 's'}`, verdictCounts(fold), String(fold.reduce((s, c) => s + c.cases, 0)), closest(fold), '', formatMs(fold.reduce((s, c) => s + time(c), 0))]);
    }
    for (const c of cs) if (!FOLDED.has(c.verdict)) rows.push(row(c));
  }
  const hint = `(${folded} pass and expected-fail checks folded per claim; error / tol: the passing check closest to its tolerance. Every row: --table full, --verbose, report.md)\n`;
  return renderTable(COLUMNS, rows) + (folded > 0 ? hint : '');
}

/** "9 pass, 4 expected-fail". */
function verdictCounts(cs: readonly ReportCheck[]): string {
  const n = (v: Verdict) => cs.filter((c) => c.verdict === v).length;
  return [...FOLDED].filter((v) => n(v) > 0).map((v) => `${n(v)} ${v}`).join(', ');
}

/** The worst error / tolerance among the passing checks (the one closest to failing), or '-'. */
function closest(cs: readonly ReportCheck[]): string {
  const measured = cs.filter((c) => c.verdict === 'pass' && Number.isFinite(c.worst.ratio));
  if (measured.length === 0) return '-';
  return worstText(measured.reduce((a, b) => (b.worst.ratio > a.worst.ratio ? b : a)).worst);
}
