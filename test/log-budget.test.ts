/**
 * Issue 8 §6, the CI log: a passing `covcheck verify` prints at most LOG_LINES lines, none longer
 * than LINE_MAX characters, however many checks there are (src/cli/verdictTable.ts folds the pass
 * and expected-fail checks per claim above FULL_TABLE_MAX_ROWS); every other verdict keeps its row;
 * `--table full` and `--verbose` print every row. Measured on a synthetic run of 300 checks with long
 * ids and messages, and on the real CI-scale run (fixtures/golden/verify-seed42-ci.report.json).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatFailures, formatResults, summaryLine } from '../src/cli/commands/verify.js';
import { FULL_TABLE_MAX_ROWS, LINE_MAX, LOG_LINES, type TableMode } from '../src/cli/verdictTable.js';
import { buildVerifyReport } from '../src/report/verify.js';
import type { VerifyReport } from '../src/report/verifyReport.js';
import type { CheckResult, Verdict } from '../src/runner/check.js';
import { runCli } from './support/runCli.js';
import { passCheck } from './support/fakeChecks.js';

/** The console output of a run that wrote its report to `where`. */
function log(report: VerifyReport, results: readonly CheckResult[], options: { verbose?: boolean; table?: TableMode } = {}): string {
  const where = '/home/runner/work/project/project/reports/runs/verify-seed42-ci';
  return formatResults(report, results, options) + formatFailures(report, where, '/home/runner/work/project/project') + summaryLine(report, where, '/home/runner/work/project/project');
}

function budget(text: string): { lines: number; widest: number } {
  const lines = text.replace(/\n$/, '').split('\n');
  return { lines: lines.length, widest: Math.max(...lines.map((l) => l.length)) };
}

/** 300 checks over 12 claims and the corpus: pass and expected-fail, with a few of every other verdict. */
function syntheticRun(count = 300, extra: Partial<Record<Verdict, number>> = { inconclusive: 5, skipped: 3, 'known-fail': 2 }) {
  const verdicts: Verdict[] = [];
  for (const [v, n] of Object.entries(extra) as [Verdict, number][]) for (let i = 0; i < n; i++) verdicts.push(v);
  const results: CheckResult[] = [];
  for (let i = 0; i < count; i++) {
    const claim = i % 13 === 12 ? 'corpus' : `C${(i % 13) + 1}`;
    const verdict: Verdict = verdicts[i] ?? (i % 3 === 0 ? 'expected-fail' : 'pass');
    results.push({
      check: `${claim}/float64/${'a-very-long-descriptive-check-name-'.repeat(4)}${i}`,
      claim: claim as CheckResult['claim'],
      verdict,
      expect: verdict === 'expected-fail' ? 'fail' : 'hold',
      arithmetic: 'float64',
      variant: 'plain',
      cases: 1000 + i,
      worst: { ratio: 1 / (i + 2), error: 1e-16 * (i + 1), tolerance: 2e-14 },
      seed: 123456789 + i,
      message: `${verdict}: ${'a long message about what was measured and why, '.repeat(20)}`,
      ms: 1234 + i,
    });
  }
  const report = buildVerifyReport(
    { version: '1.0.0', node: 'v20', backend: 'tfjs-wasm', seed: 42, scale: 'ci', runs: null, filters: { claims: null, check: null }, claims: [] },
    results.map((result) => ({ check: undefined, result })),
  );
  return { report, results };
}

/** The real CI-scale run's report, with its NaN/Infinity texts as numbers again. */
function goldenRun() {
  const text = readFileSync(new URL('../fixtures/golden/verify-seed42-ci.report.json', import.meta.url), 'utf8');
  const report = JSON.parse(text, (_k, v) => (v === 'NaN' ? Number.NaN : v === 'Infinity' ? Infinity : v)) as VerifyReport;
  const results = report.checks.map((c) => ({ ...c, ms: 2345 }) as unknown as CheckResult);
  return { report, results };
}

describe('the CI log of a passing verify (issue 8 §6)', () => {
  it('300 checks: at most 100 lines, none over 200 characters; every non-folded check keeps its row', () => {
    const { report, results } = syntheticRun();
    expect(report.exitCode).toBe(0);
    const text = log(report, results);
    const b = budget(text);
    expect(b.lines).toBeLessThanOrEqual(LOG_LINES);
    expect(b.widest).toBeLessThanOrEqual(LINE_MAX);
    for (const c of report.checks.filter((c) => c.verdict !== 'pass' && c.verdict !== 'expected-fail')) {
      expect(text.split('\n').filter((l) => l.includes(c.check.slice(0, 40)) && l.includes(c.verdict)).length, c.check).toBeGreaterThanOrEqual(1);
    }
    expect(text).toMatch(/^C3 +\d+ checks +\d+ pass, \d+ expected-fail +\d+/m); // one folded row per claim
    expect(text).toMatch(/folded per claim/);
  });

  it('--table full and --verbose print a row per check; --table compact folds even a small run', () => {
    const { report, results } = syntheticRun();
    for (const o of [{ table: 'full' as const }, { verbose: true }]) {
      const text = formatResults(report, results, o);
      for (const c of report.checks) expect(text).toContain(c.check.slice(0, 40));
      expect(budget(text).widest).toBeLessThanOrEqual(LINE_MAX);
    }
    const small = syntheticRun(20, {});
    expect(budget(formatResults(small.report, small.results)).lines).toBeGreaterThan(20); // auto: full below the row budget
    expect(budget(formatResults(small.report, small.results, { table: 'compact' })).lines).toBeLessThan(20);
  });

  it(`auto folds exactly above ${FULL_TABLE_MAX_ROWS} checks`, () => {
    const at = syntheticRun(FULL_TABLE_MAX_ROWS, {});
    const above = syntheticRun(FULL_TABLE_MAX_ROWS + 1, {});
    expect(formatResults(at.report, at.results)).not.toMatch(/folded per claim/);
    expect(formatResults(above.report, above.results)).toMatch(/folded per claim/);
  });

  it('the real CI-scale run (fixtures/golden, 88+ checks) stays within the budget', () => {
    const { report, results } = goldenRun();
    expect(report.checks.length).toBeGreaterThan(FULL_TABLE_MAX_ROWS);
    const b = budget(log(report, results));
    expect(b.lines).toBeLessThanOrEqual(LOG_LINES);
    expect(b.widest).toBeLessThanOrEqual(LINE_MAX);
  });

  it('a failing run keeps every line within 200 characters', () => {
    const { report, results } = syntheticRun(300, { fail: 4, inconclusive: 3 });
    expect(budget(log(report, results)).widest).toBeLessThanOrEqual(LINE_MAX);
  });

  it('--table is validated and names the flag', async () => {
    const r = await runCli(['verify', '--table', 'wide', '--no-report'], { checks: [passCheck], claims: [] });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^covcheck: --table: expected one of auto, full, compact, got "wide"\n$/);
    const ok = await runCli(['verify', '--table', 'compact', '--no-report'], { checks: [passCheck], claims: [] });
    expect(ok.out).toMatch(/^C1 +1 check +1 pass/m);
  });
});
