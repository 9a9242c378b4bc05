/**
 * Golden report (issue 7, "behaviour stays"): the same seed and options give the same report.json
 * bytes as the commit before the architecture work. fixtures/golden/ holds reports written by that
 * commit (`covcheck verify --claims C1,C2,C5,C8 --seed 42 --no-corpus`); the `node` field is the
 * only one compared loosely (it names the Node version that ran). A change made on purpose (a bug
 * fixed, a generator widened) regenerates the file (run the command above with `--report-dir DIR`
 * and copy DIR/runs/verify-seed42-ci-C1-C2-C5-C8-nocorpus/report.json) and says so in its commit.
 */
import { describe, expect, it } from 'vitest';
import { goldenRun } from './support/golden.js';

describe('golden report', () => {
  it('verify --claims C1,C2,C5,C8 --seed 42 --no-corpus: report.json byte-identical to fixtures/golden', async () => {
    const { run, got, want } = await goldenRun([], { claims: undefined, checks: undefined, version: '0.1.0' });
    expect(run.code, run.err).toBe(0);
    expect(got).toBe(want);
  });
});
