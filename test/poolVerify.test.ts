/**
 * `verify --jobs N` (issue 10, docs/scale.md): property checks run in pool workers, found by id in
 * the registry module, with the seed of their id; the report does not depend on N. The golden
 * claim set at --jobs 2 must write the same report.json bytes as fixtures/golden (jobs 1).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/runCli.js';
import { goldenRun } from './support/golden.js';
import { REGISTRY_CHECK_SOURCE } from '../properties/cli.js';

const real = { claims: undefined, checks: undefined, version: '0.1.0', checkSource: REGISTRY_CHECK_SOURCE };

describe('verify --jobs', () => {
  it('--jobs 2: report.json byte-identical to the golden (jobs 1) report', async () => {
    const { run, got, want } = await goldenRun(['--jobs', '2'], real);
    expect(run.code, run.err).toBe(0);
    expect(got).toBe(want);
  }, 240_000);

  // C12 alone: its training runs are split across the workers like C11's (src/sweep/trainingPlan.ts),
  // and properties/claims.test.ts already runs C11 and C12 in-process; C11 here doubled the file's cost.
  it('--jobs 2: C12 (training runs in pool workers) decides exactly as in the golden full report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'covcheck-jobs-'));
    try {
      const r = await runCli(['verify', '--claims', 'C12', '--seed', '42', '--no-corpus', '--no-progress', '--jobs', '2', '--report-dir', dir], real);
      expect(r.code, r.err).toBe(0);
      const got = JSON.parse(readFileSync(join(dir, 'runs', 'verify-seed42-ci-C12-nocorpus', 'report.json'), 'utf8')) as { checks: { claim: string }[] };
      const want = JSON.parse(readFileSync(new URL('../fixtures/golden/verify-seed42-ci.report.json', import.meta.url), 'utf8')) as { checks: { claim: string }[] };
      expect(got.checks.length).toBeGreaterThan(0);
      expect(JSON.stringify(got.checks)).toBe(JSON.stringify(want.checks.filter((c) => c.claim === 'C12')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);

  it('--jobs must be a whole number from 1: exit 2 naming the flag', async () => {
    const r = await runCli(['verify', '--jobs', '0', '--no-report'], real);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--jobs');
  });
});
