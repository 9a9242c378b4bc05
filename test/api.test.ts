/**
 * The public API's own logic on injected fake checks: selection as `verify --claims/--check`, and
 * what a failing `covcheck/vitest` test prints (fast-check seed, path, replay command).
 * examples/api/claims.test.ts uses the same API through the package's public entries.
 */
import { describe, expect, it } from 'vitest';
import type { Check } from '../src/runner/check.js';
import { failCheck, passCheck } from './support/fakeChecks.js';
import { runClaims } from '../properties/runClaims.js';
import { failureText } from '../properties/vitest.js';

const ALL: readonly Check[] = [passCheck, failCheck];

describe('runClaims and claimTests failure text', () => {
  it('runClaims selects like verify --claims/--check and fails loudly on an empty selection', async () => {
    const results = await runClaims({ from: ALL, claims: ['c2'], check: 'fails', seed: 42 });
    expect(results.map((r) => [r.check, r.verdict])).toEqual([['C2/fake/fails', 'fail']]);
    await expect(runClaims({ from: ALL, claims: ['C9'] })).rejects.toThrow(/no check selected/);
  });

  it("a failing claim test prints fast-check's seed, the counterexample path and the replay command", async () => {
    const [r] = await runClaims({ from: [failCheck], seed: 42 });
    const text = failureText(failCheck, r!);
    const cx = r!.counterexample!;
    expect(text).toContain('C2/fake/fails: verdict fail');
    expect(text).toContain(`fast-check seed ${cx.seed}, path "${cx.path}"`);
    expect(text).toContain(`replay: covcheck replay --check C2/fake/fails --seed ${cx.seed} --path ${cx.path}`);
    expect(text).toMatch(/counterexample \(\d+ shrinks\): \{"n":11\}/);
  });
});
