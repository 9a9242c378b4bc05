/**
 * The golden claim set (issue 7, "behaviour stays"): `verify --claims C1,C2,C5,C8 --seed 42
 * --no-corpus` must write the report.json bytes of fixtures/golden/, whatever else is added
 * (`--jobs 2`, …). Only the `node` field (the Node version that ran) is compared loosely.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliRun } from './runCli.js';
import type { CliOverrides } from '../../src/cli/main.js';

const normalise = (json: string): string => json.replace(/"node": "[^"]*"/, '"node": "<node>"');

/** Runs the golden claim set with `extra` arguments; returns the run and both reports, normalised. */
export async function goldenRun(extra: readonly string[], overrides: CliOverrides): Promise<{ run: CliRun; got: string; want: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'covcheck-golden-'));
  try {
    const run = await runCli(['verify', '--claims', 'C1,C2,C5,C8', '--seed', '42', '--no-corpus', '--no-progress', ...extra, '--report-dir', dir], overrides);
    const got = run.code === 0 ? readFileSync(join(dir, 'runs', 'verify-seed42-ci-C1-C2-C5-C8-nocorpus', 'report.json'), 'utf8') : '';
    const want = readFileSync(new URL('../../fixtures/golden/verify-seed42-ci-C1-C2-C5-C8-nocorpus.report.json', import.meta.url), 'utf8');
    return { run, got: normalise(got), want: normalise(want) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
