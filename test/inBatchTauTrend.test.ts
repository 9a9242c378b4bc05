// C7/enumeration/in-batch-tau-trend at verify --seed 100 (issue 8 §1, no false reds): the drawn model's
// residue is 0 at every τ, a log-log slope through 0 was NaN and the check failed; now it meets the
// trend trivially and says so.
import { describe, expect, it } from 'vitest';
import { deriveSeed } from '../src/numeric/random.js';
import { runCheck } from '../src/runner/run.js';
import { c7InBatchTauTrend } from '../properties/claims/inBatch/expectation.js';

describe('C7 in-batch τ trend: a residue 0 at every τ', () => {
  it('verify --seed 100 passes', async () => {
    const r = await runCheck(c7InBatchTauTrend, { seed: deriveSeed(100, c7InBatchTauTrend.id), baseSeed: 100, scale: 'ci' });
    expect(r.verdict, r.message).toBe('pass');
  }, 120_000);
});
