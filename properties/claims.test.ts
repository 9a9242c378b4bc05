/**
 * Every registered check at CI scale, one vitest test per check, with the pinned property seed
 * (COVCHECK_SEED, default 42). A check passes the suite when its verdict is what the theory says:
 * pass (holds), expected-fail (an excluded variant fails, with a shrunk counterexample) or a
 * registered known-fail; `fail` and `inconclusive` fail the test with the counterexample printed
 * (except the checks docs/theory.md decides only at full scale, which must be `inconclusive` here).
 */
import { describe, expect, it } from 'vitest';
import { CHECKS } from './registry.js';
import { runCheck } from '../src/runner/run.js';
import { deriveSeed } from '../src/numeric/random.js';
import { FULL_SCALE_ONLY } from './claims/C12.js';
import { CORPUS_DIR, corpusChecks } from '../src/hunt/corpus.js';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const SEED = Number(process.env.COVCHECK_SEED ?? 42);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

// The failure corpus first (issue 4): every saved counterexample still replays as recorded.
describe('failure corpus (fixtures/counterexamples)', () => {
  const corpus = corpusChecks(join(ROOT, CORPUS_DIR), ROOT);
  it('is not empty', () => expect(corpus.length).toBeGreaterThan(0));
  for (const check of corpus) {
    it(check.id, async () => {
      const result = await runCheck(check, { seed: SEED, baseSeed: SEED, scale: 'ci' });
      expect(['pass', 'expected-fail', 'known-fail'], result.message).toContain(result.verdict);
    });
  }
});

describe.each([...new Set(CHECKS.map((c) => c.claim))])('%s', (claim) => {
  for (const check of CHECKS.filter((c) => c.claim === claim)) {
    it(`${check.id} (${check.expect === 'hold' ? 'holds' : 'expected to fail'})`, async () => {
      const result = await runCheck(check, { seed: deriveSeed(SEED, check.id), baseSeed: SEED, scale: 'ci' });
      const detail = `${result.message}\n${result.counterexample ? JSON.stringify(result.counterexample, null, 1).slice(0, 4000) : ''}`;
      // docs/theory.md C12(b): after training the hid effect is decided only at full scale, so at CI
      // scale the honest verdict is `inconclusive` (never `pass`).
      const allowed = FULL_SCALE_ONLY.includes(check.id) ? ['inconclusive'] : ['pass', 'expected-fail', 'known-fail'];
      expect(allowed, detail).toContain(result.verdict);
      if (check.expect === 'fail') expect(result.counterexample ?? result.statistic, 'an expected-fail must show a counterexample (or, statistical, its test)').toBeDefined();
    });
  }
});
