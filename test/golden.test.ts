/**
 * Golden report (issue 7, "behaviour stays"): the same seed and options give the same report.json
 * bytes as the commit before the architecture work. fixtures/golden/ holds reports written by that
 * commit (`covcheck verify --claims C1,C2,C5,C8 --seed 42 --no-corpus`); the `node` field is the
 * only one compared loosely (it names the Node version that ran). A change made on purpose (a bug
 * fixed, a generator widened) regenerates the file with `npm run golden -- --write` and says so in
 * its commit.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/runCli.js';

const normalise = (json: string): string => json.replace(/"node": "[^"]*"/, '"node": "<node>"');

describe('golden report', () => {
  it('verify --claims C1,C2,C5,C8 --seed 42 --no-corpus: report.json byte-identical to fixtures/golden', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'covcheck-golden-'));
    try {
      const r = await runCli(['verify', '--claims', 'C1,C2,C5,C8', '--seed', '42', '--no-corpus', '--no-progress', '--report-dir', dir], {
        claims: undefined,
        checks: undefined,
        version: '0.1.0',
      });
      expect(r.code, r.err).toBe(0);
      const got = readFileSync(join(dir, 'runs', 'verify-seed42-ci-C1-C2-C5-C8-nocorpus', 'report.json'), 'utf8');
      const want = readFileSync(new URL('../fixtures/golden/verify-seed42-ci-C1-C2-C5-C8-nocorpus.report.json', import.meta.url), 'utf8');
      expect(normalise(got)).toBe(normalise(want));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
