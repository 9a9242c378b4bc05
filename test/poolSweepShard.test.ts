/**
 * `sweep --shard i/n` + `covcheck merge` (issue 10): the three slices of a tiny sweep, merged, write
 * the unsharded report.json and report.md byte for byte (the state file too, but for run times); a
 * missing, duplicated or foreign shard (other options, a verify shard) is exit 2 naming it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/runCli.js';

const GRID = ['sweep', '--depth', '3', '--hid', '5', '--delta-lower', '0.7,0.9', '--seeds', '1-3', '--steps', '4', '--batch', '16', '--eval-samples', '400', '--preset', 'readme', '--name', 'tiny', '--no-progress', '--jobs', '1'];
let dir = '';
const shards = (): string[] => [1, 2, 3].map((i) => join(dir, `s${i}`));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'covcheck-sweep-shard-'));
  for (const i of [1, 2, 3]) {
    const r = await runCli([...GRID, '--shard', `${i}/3`, '--report-dir', join(dir, `s${i}`)]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`shard ${i}/3: 2 of 6 cells`);
  }
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sweep --shard and covcheck merge', () => {
  it('shards 1/3, 2/3, 3/3 merged: report.json and report.md byte-identical to the unsharded sweep', async () => {
    const whole = await runCli([...GRID, '--report-dir', join(dir, 'whole')]);
    expect(whole.code, whole.err).toBe(0);
    const m = await runCli(['merge', ...shards(), '--report-dir', join(dir, 'merged')]);
    expect(m.code, m.err).toBe(0);
    const read = (d: string, f: string): string => readFileSync(join(dir, d, 'runs', 'tiny', f), 'utf8');
    for (const f of ['report.json', 'report.md']) expect(read('merged', f), f).toBe(read('whole', f));
    const noTimes = (s: string): string => s.replace(/"ms": \d+/g, '"ms": 0');
    expect(noTimes(read('merged', 'sweep-state.json'))).toBe(noTimes(read('whole', 'sweep-state.json')));
  }, 300_000);

  it('a missing shard is exit 2 naming it', async () => {
    const m = await runCli(['merge', join(dir, 's1'), join(dir, 's3'), '--report-dir', join(dir, 'x')]);
    expect(m.code).toBe(2);
    expect(m.err).toContain('2/3');
  });

  it('a shard given twice is exit 2 naming the copy', async () => {
    const twice = join(dir, 'twice');
    mkdirSync(twice);
    const f = readdirSync(join(dir, 's2', 'shards', 'tiny'))[0]!;
    copyFileSync(join(dir, 's2', 'shards', 'tiny', f), join(twice, 'copy-' + f));
    const m = await runCli(['merge', ...shards(), twice, '--report-dir', join(dir, 'x')]);
    expect(m.code).toBe(2);
    expect(m.err).toContain('copy-' + f);
  });

  it('a foreign shard (other --steps) is exit 2 naming it', async () => {
    const r = await runCli([...GRID.map((a) => (a === '4' ? '6' : a)), '--shard', '2/3', '--report-dir', join(dir, 'foreign')]);
    expect(r.code, r.err).toBe(0);
    const m = await runCli(['merge', join(dir, 's1'), join(dir, 'foreign'), join(dir, 's3'), '--report-dir', join(dir, 'x')]);
    expect(m.code).toBe(2);
    expect(m.err).toContain(join(dir, 'foreign'));
    expect(m.err).toContain('options');
  }, 120_000);

  it('a verify shard among sweep shards is exit 2 naming it', async () => {
    const v = await runCli(['verify', '--claims', 'C5', '--runs', '2', '--no-corpus', '--no-progress', '--jobs', '1', '--shard', '1/3', '--report-dir', join(dir, 'verify')], { claims: undefined, checks: undefined });
    expect([0, 1], v.err).toContain(v.code);
    const m = await runCli(['merge', ...shards(), join(dir, 'verify'), '--report-dir', join(dir, 'x')]);
    expect(m.code).toBe(2);
    expect(m.err).toContain(join(dir, 'verify'));
    expect(m.err).toContain('command');
  }, 120_000);

  it('--shard without a report folder is exit 2 naming --shard', async () => {
    const r = await runCli([...GRID, '--shard', '1/3', '--no-report']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--shard');
  });
});
