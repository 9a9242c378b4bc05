/**
 * Plain-text tables for the terminal (no colours, no emoji: logs and CI consoles read them as is).
 */

export type Align = 'left' | 'right';

export interface Column {
  readonly header: string;
  readonly align?: Align;
  /** Cells longer than this are cut with an ellipsis. */
  readonly maxWidth?: number;
}

/** Renders rows under headers, columns padded to their widest cell, two spaces apart. */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const cells = rows.map((row) => columns.map((c, i) => clip(oneLine(row[i] ?? ''), c.maxWidth)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) =>
    r
      .map((cell, i) => (columns[i]!.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const header = line(columns.map((c) => c.header));
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [header, rule, ...cells.map(line)].join('\n') + '\n';
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}

function clip(s: string, max: number | undefined): string {
  if (max === undefined || s.length <= max) return s;
  return max <= 1 ? s.slice(0, max) : s.slice(0, max - 1) + '…';
}

/** Milliseconds as "850 ms" or "12.3 s". */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
