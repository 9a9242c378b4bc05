/**
 * The public API's own logic on injected fake checks: selection as `verify --claims/--check`, and
 * what a failing `covcheck/vitest` test prints (fast-check seed, path, replay command).
 * examples/api/claims.test.ts uses the same API through the package's public entries.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

describe('package.json exports (built by `npm run build`, which npm ci and npm test run first)', () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { types: string; exports: Record<string, string | { types: string; default: string }> };

  it('names covcheck and covcheck/vitest, each with its types, and every target exists', () => {
    expect(Object.keys(pkg.exports).sort()).toEqual(['.', './package.json', './vitest']);
    const targets = [pkg.types, ...Object.values(pkg.exports).flatMap((t) => (typeof t === 'string' ? [t] : [t.types, t.default]))];
    expect(targets.filter((t) => !existsSync(`${root}${t}`)), 'missing build outputs (run npm run build)').toEqual([]);
  });
});

describe('expectedVerdicts (what covcheck/vitest accepts)', () => {
  it('is the one verdict the check declares; skipped at CI scale for the checks decided only at full scale', async () => {
    const { expectedVerdicts } = await import('../properties/runClaims.js');
    const { CHECKS } = await import('../properties/registry.js');
    const { FULL_SCALE_ONLY } = await import('../properties/claims/C12.js');
    const hold = CHECKS.find((c) => c.expect === 'hold' && !FULL_SCALE_ONLY.includes(c.id))!;
    const excluded = CHECKS.find((c) => c.expect === 'fail')!;
    expect(expectedVerdicts(hold, 'ci')).toEqual(['pass']);
    expect(expectedVerdicts(excluded, 'ci')).toEqual(['expected-fail']); // an excluded variant that passes fails the test
    expect(FULL_SCALE_ONLY.length).toBeGreaterThan(0);
    for (const id of FULL_SCALE_ONLY) {
      const check = CHECKS.find((c) => c.id === id)!;
      expect(expectedVerdicts(check, 'ci')).toEqual(['skipped']); // was ['inconclusive']: the check answers skipped
      expect(expectedVerdicts(check, 'full')).toEqual([check.expect === 'hold' ? 'pass' : 'expected-fail']);
    }
  });
});
