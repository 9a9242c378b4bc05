/**
 * `verify --shard i/n` + `covcheck merge` (issue 10): the three slices of a small run with a
 * statistical claim (its training runs split over the slices, its verdicts recomputed at the merge
 * from the pooled per-seed runs), merged, write the unsharded report.json byte for byte; a missing, duplicated
 * or foreign shard is exit 2 naming it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/runCli.js';

const real = { claims: undefined, checks: undefined, version: '0.1.0' };
const ARGS = ['verify', '--claims', 'C1,C11', '--runs', '2', '--seed', '7', '--no-corpus', '--no-progress', '--jobs', '1'];
const NAME = 'verify-seed7-ci-C1-C11-runs2-nocorpus';
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'covcheck-shard-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('verify --shard and covcheck merge', () => {
  it('shards 1/3, 2/3, 3/3 merged: report.json byte-identical to the unsharded run', async () => {
    const whole = await runCli([...ARGS, '--report-dir', join(dir, 'whole')], real);
    expect([0, 1], whole.err).toContain(whole.code);
    for (const i of [1, 2, 3]) {
      const r = await runCli([...ARGS, '--shard', `${i}/3`, '--report-dir', join(dir, `s${i}`)], real);
      expect([0, 1], r.err).toContain(r.code);
      expect(r.out).toContain(`shard ${i}/3`);
      // C11's training runs (not its checks) are spread over the slices; the merge decides C11.
      const file = JSON.parse(readFileSync(join(dir, `s${i}`, 'shards', NAME, `shard-${i}-of-3.covcheck-shard.json`), 'utf8')) as { results: { key: string }[] };
      expect(file.results.some((t) => t.key.startsWith('train:')), `shard ${i}`).toBe(true);
      expect(file.results.some((t) => t.key.startsWith('C11/')), `shard ${i}`).toBe(false);
    }
    const m = await runCli(['merge', join(dir, 's1'), join(dir, 's2'), join(dir, 's3'), '--report-dir', join(dir, 'merged')], real);
    expect(m.code, m.err).toBe(whole.code);
    const want = readFileSync(join(dir, 'whole', 'runs', NAME, 'report.json'), 'utf8');
    expect(readFileSync(join(dir, 'merged', 'runs', NAME, 'report.json'), 'utf8')).toBe(want);
  }, 600_000);

  it('a missing shard is exit 2', async () => {
    const m = await runCli(['merge', join(dir, 's1'), join(dir, 's3'), '--report-dir', join(dir, 'x')], real);
    expect(m.code).toBe(2);
    expect(m.err).toContain('2/3');
  });

  it('a shard given twice is exit 2 naming the file', async () => {
    const twice = join(dir, 'twice');
    mkdirSync(twice);
    const f = readdirSync(join(dir, 's2', 'shards', NAME))[0]!;
    copyFileSync(join(dir, 's2', 'shards', NAME, f), join(twice, 'copy-' + f));
    const m = await runCli(['merge', join(dir, 's1'), join(dir, 's2'), join(dir, 's3'), twice, '--report-dir', join(dir, 'x')], real);
    expect(m.code).toBe(2);
    expect(m.err).toContain('copy-' + f);
  });

  it('a foreign shard (other seed) is exit 2 naming the file', async () => {
    const r = await runCli([...ARGS.map((a) => (a === '7' ? '8' : a)), '--shard', '2/3', '--report-dir', join(dir, 'foreign')], real);
    expect([0, 1], r.err).toContain(r.code);
    const m = await runCli(['merge', join(dir, 's1'), join(dir, 'foreign'), join(dir, 's3'), '--report-dir', join(dir, 'x')], real);
    expect(m.code).toBe(2);
    expect(m.err).toContain(join(dir, 'foreign'));
  }, 600_000);
});
