/**
 * `sweep --jobs N` (issue 10): cells train in pool workers, all at once; the report and the state
 * file (but for run times) are the same bytes as one cell after the other (--jobs 1).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/runCli.js';

const GRID = ['sweep', '--depth', '3', '--hid', '5', '--delta-lower', '0.7,0.9', '--seeds', '1-3', '--steps', '4', '--batch', '16', '--eval-samples', '400', '--preset', 'readme', '--name', 'tiny', '--no-progress'];

describe('sweep --jobs', () => {
  it('--jobs 2: report.json and sweep-state.json byte-identical to --jobs 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'covcheck-sweep-jobs-'));
    try {
      for (const j of ['1', '2']) {
        const r = await runCli([...GRID, '--jobs', j, '--report-dir', join(dir, `j${j}`)]);
        expect(r.code, r.err).toBe(0);
        expect(r.out).toContain('6 cells: 6 trained');
      }
      // The state keeps each run's wall time ("ms"), which differs between any two runs.
      const read = (j: string, f: string): string => readFileSync(join(dir, j, 'runs', 'tiny', f), 'utf8').replace(/"ms": \d+/g, '"ms": 0');
      for (const f of ['report.json', 'sweep-state.json']) {
        expect(read('j1', f).length).toBeGreaterThan(100);
        expect(read('j2', f), f).toBe(read('j1', f));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
