/**
 * Every registered check at CI scale, one vitest test per check, with the pinned property seed
 * (COVCHECK_SEED, default 42). A check passes the suite only with the verdict it declares
 * (`acceptedVerdict`): `pass` when it holds, `expected-fail` (with a shrunk counterexample) for an
 * excluded variant, `known-fail` when registered; anything else fails the test with the
 * counterexample printed. A check that cannot run at CI scale (docs/theory.md: decided only at full
 * scale) must answer `skipped` and is shown by vitest as skipped, with the reason.
 */
import { describe, expect, it } from 'vitest';
import { acceptedVerdict } from './acceptedVerdict.js';
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
      expect(result.verdict, result.message).toBe(acceptedVerdict(check));
    });
  }
});

describe.each([...new Set(CHECKS.map((c) => c.claim))])('%s', (claim) => {
  for (const check of CHECKS.filter((c) => c.claim === claim)) {
    it(`${check.id} (${check.expect === 'hold' ? 'holds' : 'expected to fail'})`, async (ctx) => {
      const result = await runCheck(check, { seed: deriveSeed(SEED, check.id), baseSeed: SEED, scale: 'ci' });
      const detail = `${result.message}\n${result.counterexample ? JSON.stringify(result.counterexample, null, 1).slice(0, 4000) : ''}`;
      const accepted = acceptedVerdict(check, { fullScaleOnly: FULL_SCALE_ONLY.includes(check.id) });
      expect(result.verdict, detail).toBe(accepted);
      // docs/theory.md C12(b): decided only at full scale; vitest (and .ci/run's count) shows it skipped.
      if (result.verdict === 'skipped') return ctx.skip(result.message);
      if (check.expect === 'fail') expect(result.counterexample ?? result.statistic, 'an expected-fail must show a counterexample (or, statistical, its test)').toBeDefined();
    });
  }
});
