/**
 * Every registered check at CI scale, one vitest test per check, with the pinned property seed
 * (COVCHECK_SEED, default 42). The checks run once, as `npm start` runs them: `covcheck verify
 * --seed SEED --jobs 2` (the failure corpus first, then the registry; property checks and the
 * C11/C12 training runs in pool workers), and each test reads its check's row of that run's
 * report.json. A check passes the suite only with the verdict it declares (`acceptedVerdict`): `pass`
 * when it holds, `expected-fail` (with a shrunk counterexample) for an excluded variant, `known-fail`
 * when registered; anything else fails the test with the message and counterexample printed. A check
 * that cannot run at CI scale (docs/theory.md: decided only at full scale) must answer `skipped` and
 * is shown by vitest as skipped, with the reason.
 *
 * At seed 42 the whole report must also be byte-identical (but for the `node` line) to
 * fixtures/golden/verify-seed42-ci.report.json: the report does not depend on the number of workers
 * (written at --jobs 1), and nothing changes a verdict, message or statistic unnoticed.
 * test/golden.test.ts shows that the older, smaller golden set is this report restricted to its claims.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedVerdict } from './acceptedVerdict.js';
import { run } from './cli.js';
import { CHECKS } from './registry.js';
import { FULL_SCALE_ONLY } from './claims/C12.js';
import { CORPUS_DIR, corpusChecks } from '../src/hunt/corpus.js';
import { MUTANTS } from '../src/mutants/catalogue.js';

const SEED = Number(process.env.COVCHECK_SEED ?? 42);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GOLDEN = new URL('../fixtures/golden/verify-seed42-ci.report.json', import.meta.url);

interface Row {
  readonly check: string;
  readonly verdict: string;
  readonly message: string;
  readonly counterexample?: unknown;
  readonly statistic?: unknown;
}

const dir = mkdtempSync(join(tmpdir(), 'covcheck-claims-'));
let code = -1;
let err = '';
let text = '';
let rows = new Map<string, Row>();

beforeAll(async () => {
  code = await run(['verify', '--seed', String(SEED), '--jobs', '2', '--no-progress', '--report-dir', dir], {
    cwd: ROOT,
    env: { CI: 'true' },
    stderrIsTTY: false,
    version: '0.1.0',
    stdout: { write: () => {} },
    stderr: { write: (s: string) => void (err += s) },
  });
  text = readFileSync(join(dir, 'runs', `verify-seed${SEED}-ci`, 'report.json'), 'utf8');
  rows = new Map((JSON.parse(text) as { checks: Row[] }).checks.map((r) => [r.check, r]));
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The check's row of the run's report; the test fails (with the row) unless its verdict is `accepted`. */
function expectVerdict(id: string, accepted: string): Row {
  const row = rows.get(id);
  expect(row, `no row for ${id} in the report (verify exit ${code}: ${err.slice(-2000)})`).toBeDefined();
  const detail = `${row!.message}\n${row!.counterexample ? JSON.stringify(row!.counterexample, null, 1).slice(0, 4000) : ''}`;
  expect(row!.verdict, detail).toBe(accepted);
  return row!;
}

it('the run exits 0 (no check fails)', () => {
  expect(code, err.slice(-4000)).toBe(0);
});

it.runIf(SEED === 42)('at seed 42 the report is byte-identical to fixtures/golden/verify-seed42-ci.report.json (but for `node`)', () => {
  const normalise = (json: string): string => json.replace(/"node": "[^"]*"/, '"node": "<node>"');
  expect(normalise(text)).toBe(normalise(readFileSync(GOLDEN, 'utf8')));
});

// The failure corpus first (issue 4): every saved counterexample still replays as recorded.
describe('failure corpus (fixtures/counterexamples)', () => {
  const corpus = corpusChecks(join(ROOT, CORPUS_DIR), ROOT);
  it('is not empty', () => expect(corpus.length).toBeGreaterThan(0));
  for (const check of corpus) it(check.id, () => void expectVerdict(check.id, acceptedVerdict(check)));
});

describe.each([...new Set(CHECKS.map((c) => c.claim))])('%s', (claim) => {
  for (const check of CHECKS.filter((c) => c.claim === claim)) {
    it(`${check.id} (${check.expect === 'hold' ? 'holds' : 'expected to fail'})`, (ctx) => {
      const row = expectVerdict(check.id, acceptedVerdict(check, { fullScaleOnly: FULL_SCALE_ONLY.includes(check.id) }));
      // docs/theory.md C12(b): decided only at full scale; vitest (and .ci/run's count) shows it skipped.
      if (row.verdict === 'skipped') return ctx.skip(row.message);
      if (check.expect === 'fail') expect(row.counterexample ?? row.statistic, 'an expected-fail must show a counterexample (or, statistical, its test)').toBeDefined();
      // A mutant (properties/mutants/checks.ts) is caught by one of the claims it names.
      const mutant = MUTANTS.find((m) => check.id === `${check.claim}/mutant/${m.id}`);
      if (mutant) {
        const claims = String((row.statistic as { claims?: unknown } | undefined)?.claims).split(', ');
        expect(claims.some((c) => (mutant.expectedCatchers as readonly string[]).includes(c)), `${mutant.id}: caught by ${claims.join(', ')}, expected one of ${mutant.expectedCatchers.join(', ')}`).toBe(true);
      }
    });
  }
});
