/**
 * covcheck from a user's own vitest suite, through the public entry points only (docs/api.md):
 * `covcheck` (registry, running checks, evaluating a case, generators) and `covcheck/vitest`
 * (claims as tests). `npm test` runs this file; a copy in another project works the same once
 * covcheck is installed there.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { CLAIMS, arbTree, evaluateCase, parseCaseText, runClaims, type CheckResult } from 'covcheck';
import { claimTests } from 'covcheck/vitest';

// Claims as tests: one `describe` per claim, one `it` per check, the seeds `covcheck verify` uses.
// A failing test prints fast-check's seed and counterexample path and the replay command.
claimTests({ claims: ['C1'], check: 'rational' });

describe('the covcheck API', () => {
  it('lists the claim registry', () => {
    expect(CLAIMS.map((c) => c.id)).toContain('C3');
  });

  it('runs chosen checks programmatically, with verdicts', async () => {
    const results: CheckResult[] = await runClaims({ claims: ['C5'], seed: 42 });
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) expect(['pass', 'expected-fail', 'known-fail']).toContain(r.verdict);
  });

  it('evaluates a case (docs/case-format.md), as `covcheck eval` does', () => {
    const text = readFileSync(new URL('../../fixtures/cases/01-tri-norm-relu.case.json', import.meta.url), 'utf8');
    const result = evaluateCase(parseCaseText(text));
    expect(result).toHaveProperty('loss');
  });

  it('gives the fast-check generators', () => {
    fc.assert(fc.property(arbTree({ maxDepth: 2 }), (tree) => tree.leaves.length >= 1), { seed: 1, numRuns: 20 });
  });
});
