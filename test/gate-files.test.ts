/**
 * Issue 8 §2, §4, §6 regressions: report files are never overwritten by another option set nor
 * half-written, `latest/<command>` is swapped safely under concurrency, a bad report folder fails
 * fast, the sweep state is validated, every corpus file is parsed on every run, `eval` refuses
 * non-finite results, and a passing run prints what a CI log can carry.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDirs, reportDirProblem, writeRunFolder } from '../src/report/write.js';
import { runName } from '../src/cli/commands/verify.js';
import { verifyMarkdown } from '../src/report/markdown.js';
import { junitXml } from '../src/report/junit.js';
import { buildVerifyReport } from '../src/report/verify.js';
import { loadState, saveState, emptyState, STATE_FILE } from '../src/sweep/state.js';
import { runSweep } from '../src/sweep/run.js';
import { syntheticTrainFn } from '../src/sweep/synthetic.js';
import { cellKey, cellsOf, type Grid, type SweepTraining } from '../src/sweep/grid.js';
import type { CheckResult, ClaimRecord, CustomCheck } from '../src/runner/check.js';
import { runCli } from './support/runCli.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'covcheck-gate-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const claim = (id: `C${number}`): ClaimRecord => ({ id, title: `claim ${id}`, statement: `the statement of ${id}`, section: '§2', kind: 'exact', holdsFor: ['x'], breaksWith: ['y'] });

/** A custom check that returns a fixed verdict (and, for non-pass verdicts, a long counterexample). */
function fixed(id: string, claimId: `C${number}`, verdict: CheckResult['verdict'], message = 'ok'): CustomCheck {
  const expect = verdict === 'expected-fail' ? 'fail' : 'hold';
  return {
    type: 'custom',
    id,
    claim: claimId,
    title: id,
    variant: 'v',
    expect,
    arithmetic: 'float64',
    run: (o) => ({
      check: id,
      claim: claimId,
      verdict,
      expect,
      arithmetic: 'float64',
      variant: 'v',
      cases: 10,
      worst: { ratio: 0.1, error: 1e-16, tolerance: 1e-15 },
      seed: o.seed,
      message,
      ...(verdict === 'pass' || verdict === 'inconclusive'
        ? {}
        : {
            counterexample: {
              value: { weights: Array.from({ length: 400 }, (_, i) => i / 7) },
              measurement: { ok: false, error: 1, tolerance: 1e-15 },
              seed: o.seed,
              path: Array.from({ length: 300 }, () => '0').join(':'),
              shrinks: 3,
              replay: `covcheck replay reports/runs/x/counterexamples/${id.replace(/\//g, '-')}.json`,
            },
          }),
    }),
  };
}

describe('run folders (issue 8 §4)', () => {
  it('distinct option sets get distinct folders: --check C1/ and --check C1- no longer collide', () => {
    const base = { seed: 42, scale: 'ci' as const, claims: null, runs: null };
    const a = runName({ ...base, check: 'C1/' });
    const b = runName({ ...base, check: 'C1-' });
    expect(a).not.toBe(b);
    expect(a).toMatch(/^verify-seed42-ci-check-C1-[0-9a-f]{8}$/);
    expect(runName({ ...base, check: null })).toBe('verify-seed42-ci'); // the default keeps its plain name
    expect(runName({ ...base, check: null, corpus: false })).toBe('verify-seed42-ci-nocorpus');
    expect(runName({ ...base, check: null, loss: 'nce:tau=0.5' })).not.toBe(runName({ ...base, check: null, loss: 'nce:tau=0.2' }));
    expect(runName({ ...base, check: null, backend: 'cpu' })).toBe('verify-seed42-ci-cpu');
  });

  it('two processes racing on latest/ and on one run name: no error, no orphan folders, a whole folder at the end', async () => {
    const dir = tempDir();
    const script = join(import.meta.dirname, 'support', 'writeLoop.ts');
    const runOne = (tag: string) =>
      new Promise<{ code: number | null; err: string }>((done) => {
        const p = spawn(process.execPath, ['--import', 'tsx', script, dir, tag, '30'], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        p.stderr.on('data', (d: Buffer) => (err += String(d)));
        p.on('close', (code) => done({ code, err }));
      });
    const [a, b] = await Promise.all([runOne('a'), runOne('b')]);
    expect(a.err).toBe('');
    expect(b.err).toBe('');
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(readdirSync(join(dir, 'runs')).sort()).toEqual(['verify-a', 'verify-b', 'verify-shared']); // no .tmp-/.old- left
    expect(readdirSync(join(dir, 'latest'))).toEqual(['verify']);
    expect(readlinkSync(join(dir, 'latest', 'verify'))).toMatch(/^\.\.\/runs\/verify-(a|b)$/);
    expect(readdirSync(join(dir, 'latest', 'verify')).sort()).toEqual(['junit.xml', 'plots', 'report.json']);
  }, 60_000);

  it('in one process, many concurrent writes of one name and of the latest link all succeed', async () => {
    const dir = tempDir();
    await Promise.all(Array.from({ length: 12 }, (_, i) => writeRunFolder(dir, i % 3 === 0 ? 'verify-x' : `verify-${i}`, { 'a.txt': String(i) })));
    expect(readdirSync(join(dir, 'runs')).filter((n) => n.startsWith('.'))).toEqual([]);
    expect(readdirSync(join(dir, 'latest'))).toEqual(['verify']);
  });

  it('a latest per command: compare or train after verify keep verify\'s junit.xml', async () => {
    const dir = tempDir();
    await writeRunFolder(dir, 'verify-seed42-ci', { 'junit.xml': '<testsuites/>' }, { command: 'verify' });
    await writeRunFolder(dir, 'compare-seed42-ci-nce', { 'compare.json': '{}' }, { command: 'compare' });
    await writeRunFolder(dir, 'train-readme-seed1', { 'report.json': '{}' }, { command: 'train' });
    expect(readdirSync(join(dir, 'latest')).sort()).toEqual(['compare', 'train', 'verify']);
    expect(readFileSync(join(dir, 'latest', 'verify', 'junit.xml'), 'utf8')).toBe('<testsuites/>');
  });

  it('a write that fails midway leaves no run folder and no temporary folder', async () => {
    const dir = tempDir();
    // "a" is a file, so "a/b" cannot be written: the failure comes after the first file.
    await expect(writeRunFolder(join(dir, 'reports'), 'verify-x', { 'a': '1', 'a/b': '2' })).rejects.toThrow();
    expect(readdirSync(dir)).toEqual([]); // not even the reports/runs folders made for it
  });

  it('a report folder under /proc fails fast instead of spinning', async () => {
    const t0 = Date.now();
    expect(reportDirProblem('/proc/covcheck-no/such')).toMatch(/cannot create folders in \/proc/);
    await expect(makeDirs('/proc/covcheck-no/such')).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('verify prints the verdicts, then the write failure: exit 2, nothing written', async () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, 'reports'));
    writeFileSync(join(cwd, 'reports', 'runs'), 'a file where the runs folder goes');
    const r = await runCli(['verify', '--no-progress'], { cwd, claims: [claim('C1')], checks: [fixed('C1/a', 'C1', 'pass')] });
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/C1\/a\s+pass/);
    expect(r.out).toMatch(/1 checks: 1 pass .*PASSED/);
    expect(r.err).toMatch(/--report-dir: cannot write the report .*ENOTDIR.*the verdicts above stand/);
    expect(readdirSync(join(cwd, 'reports'))).toEqual(['runs']);
  });
});

describe('sweep state (issue 8 §4)', () => {
  const GRID: Grid = { depths: [3], hids: [5], deltaLowers: [0.7], losses: ['official_nce'], seeds: [1, 2] };
  const TRAINING = { children: 2, preset: 'readme', steps: 50, batch: 16, lr: 0.01, tau: 0.1, init: 'kaiming', sampler: 'hltm' } as unknown as SweepTraining;

  async function savedState(): Promise<{ path: string; text: string; key: string }> {
    const path = join(tempDir(), STATE_FILE);
    await runSweep({ grid: GRID, training: TRAINING }, syntheticTrainFn(), path);
    return { path, text: readFileSync(path, 'utf8'), key: cellKey(cellsOf(GRID)[0]!, TRAINING) };
  }

  it.each([
    ['a final best-|corr| of 5', (r: { run: { final: unknown[] } }) => void (r.run.final[0] = 5), /run\.final\[0\] must be a best-\|corr\| in \[0, 1\], got 5/],
    ['a string', (r: { run: { final: unknown[] } }) => void (r.run.final[0] = 'big'), /run\.final\[0\]/],
    ['another seed', (r: { run: { seed: number } }) => void (r.run.seed = 99), /run\.seed must equal cell\.seed/],
    ['a missing init', (r: { run: { init?: unknown } }) => void delete r.run.init, /run\.init/],
  ])('refuses a state with %s', async (_what, edit, message) => {
    const { path, text, key } = await savedState();
    const state = JSON.parse(text) as { cells: Record<string, never> };
    edit(state.cells[key]!);
    writeFileSync(path, JSON.stringify(state));
    await expect(loadState(path)).rejects.toThrow(message);
  });

  it('refuses a record whose cell is not the one its key names (an edited or foreign configuration)', async () => {
    const { path, text, key } = await savedState();
    const state = JSON.parse(text) as { cells: Record<string, { cell: { hid: number } }> };
    state.cells[key]!.cell.hid = 50;
    writeFileSync(path, JSON.stringify(state));
    await expect(runSweep({ grid: GRID, training: TRAINING }, syntheticTrainFn(), path)).rejects.toThrow(/records another configuration/);
  });

  it('a valid state still resumes', async () => {
    const { path } = await savedState();
    const again = syntheticTrainFn();
    expect((await runSweep({ grid: GRID, training: TRAINING }, again, path)).resumed).toBe(2);
    await saveState(path, emptyState());
  });
});

describe('corpus and eval (issue 8 §2)', () => {
  it('a truncated corpus file fails the run even when --claims leaves its claim out', async () => {
    const cwd = tempDir();
    const corpus = join(cwd, 'corpus');
    mkdirSync(corpus);
    writeFileSync(join(corpus, 'C1-x.json'), '{"covcheck": "counterexample", "format": 1, "tar');
    const r = await runCli(['verify', '--claims', 'C2', '--no-report'], { cwd, corpusDirs: ['corpus'], claims: [claim('C2')], checks: [fixed('C2/a', 'C2', 'pass')] });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/corpus\/C1-x\.json: not valid JSON/);
    expect(r.out).toBe('');
  });

  it('eval: a non-finite result (weights near 1e308) is exit 2 naming the quantity, never null', async () => {
    const cwd = tempDir();
    const c = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'cases', '02-nce-relu.case.json'), 'utf8')) as { weights: { s: number[][] } };
    c.weights.s = c.weights.s.map((row) => row.map((x) => x * 1e308));
    writeFileSync(join(cwd, 'big.json'), JSON.stringify(c));
    const r = await runCli(['eval', '--case', join(cwd, 'big.json')], { cwd });
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^covcheck: (loss|f|grads)\S*: the result is (NaN|-?Infinity)/);
  });
});

describe('output a CI log and a job summary can carry (issue 8 §6)', () => {
  // The shape of a passing `npm start`: 82 checks over 12 claims, a third of them expected-fail
  // with long messages and counterexamples (before the fix: 164 lines, up to 3 343 characters).
  const claims = Array.from({ length: 12 }, (_, i) => claim(`C${i + 1}`));
  const long = 'the excluded variant fails as the theory says: ' + 'a long explanation of the measured violation '.repeat(40);
  const checks = Array.from({ length: 82 }, (_, i) => {
    const c = `C${(i % 12) + 1}` as `C${number}`;
    const verdict = i % 3 === 0 ? 'expected-fail' : i === 5 ? 'known-fail' : i === 7 ? 'inconclusive' : 'pass';
    return fixed(`${c}/float64/some-rather-long-check-name-${i}`, c, verdict, verdict === 'pass' ? '10 cases' : verdict === 'inconclusive' ? 'decided only at full scale' : long);
  });

  it('a passing run prints at most 100 lines, none longer than 200 characters', async () => {
    const r = await runCli(['verify', '--no-progress'], { cwd: tempDir(), claims, checks });
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines.length).toBeLessThanOrEqual(100);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(200);
    expect(r.out).not.toContain('a long explanation'); // details are in the report
    const v = await runCli(['verify', '--no-progress', '--no-report', '--verbose'], { cwd: tempDir(), claims, checks });
    expect(v.out).toContain('a long explanation');
    expect(Math.max(...v.out.split('\n').map((l) => l.length))).toBeLessThanOrEqual(200);
  });

  it('a failing run ends with a Failures section: each failure, its message, one replay command', async () => {
    const failing = [...checks.slice(0, 10), fixed('C3/float64/broken', 'C3', 'fail', 'error 1 > tolerance 1e-15 at the shrunk case')];
    const cwd = tempDir();
    const r = await runCli(['verify', '--no-progress'], { cwd, claims, checks: failing });
    expect(r.code).toBe(1);
    const tail = r.out.slice(r.out.indexOf('\nFailures (1):'));
    // the runner's replay (--path of 300 steps) is too long for a log line: the saved file instead
    expect(tail).toMatch(/^\nFailures \(1\):\n\nC3\/float64\/broken\n {2}error 1 > tolerance 1e-15 at the shrunk case\n {2}measured: .*\n {2}replay: covcheck replay reports\/runs\/verify-seed42-ci\/counterexamples\/C3-float64-broken\.json\n\n\d+ checks: .*FAILED \(exit 1\).*\n$/);
    expect(existsSync(join(cwd, 'reports/runs/verify-seed42-ci/counterexamples/C3-float64-broken.json'))).toBe(true);
    expect(Math.max(...r.out.split('\n').map((l) => l.length))).toBeLessThanOrEqual(200);
  });

  it('report.md leads with the verdict and failures, then a per-claim summary, then the table; details collapsed', async () => {
    const failing = [...checks, fixed('C3/float64/broken', 'C3', 'fail', 'broken')];
    const results = await Promise.all(failing.map(async (c) => ({ ...(await c.run({ seed: 1, scale: 'ci' } as never)), ms: 1 }) as CheckResult));
    const report = buildVerifyReport({ version: '0', node: 'v20', backend: 'b', seed: 1, scale: 'ci', runs: null, filters: { claims: null, check: null }, claims }, results.map((result) => ({ check: undefined, result })));
    const md = verifyMarkdown(report);
    const at = (s: string) => md.indexOf(s);
    expect(at('# covcheck verify: FAILED')).toBe(0);
    expect(at('## Failures (1)')).toBeGreaterThan(0);
    expect(at('## Failures (1)')).toBeLessThan(at('## Claims'));
    expect(at('## Claims')).toBeLessThan(at('## Checks'));
    expect(md).toMatch(/\| C1 \| 7 \| 0 \| 0 \| 7 \| 0 \| 0 \|/);
    expect(md).toMatch(/\| C3 \| 8 \| 7 \| \*\*1\*\* \| 0 \| 0 \| 0 \|/);
    expect(at('<details><summary>Details of 30 expected-fail, known-fail and inconclusive checks</summary>')).toBeGreaterThan(at('## Checks'));
    expect(md.length).toBeLessThan(200_000);
    const table = md.slice(at('## Checks'), at('<details>'));
    expect(Math.max(...table.split('\n').map((l) => l.length))).toBeLessThan(400);
  });

  it('junit.xml: suites in claim order (C2 before C10), no long paths or messages in system-out', () => {
    const r = (check: string, claimId: `C${number}`, verdict: CheckResult['verdict']): CheckResult => ({
      check, claim: claimId, verdict, expect: 'fail', arithmetic: 'float64', variant: 'v', cases: 1,
      worst: { ratio: 1, error: 1, tolerance: 1 }, seed: 1, message: `caught by ${'C2, C3, C6: a mutant (error 0.03 > tolerance 0); '.repeat(60)}`, ms: 1,
      statistic: { caughtBy: 'C3/rational/tuple-enumeration[mutant detached-negative], '.repeat(20) },
      counterexample: { value: { x: 1 }, measurement: { ok: false, error: 1, tolerance: 0 }, seed: 1, path: Array.from({ length: 300 }, () => '0').join(':'), shrinks: 0, replay: `covcheck replay --check ${check} --seed 1 --path ${Array.from({ length: 300 }, () => '0').join(':')}` },
    });
    const xml = junitXml([r('C10/a', 'C10', 'expected-fail'), r('C2/a', 'C2', 'expected-fail'), r('corpus/x.json', 'C1', 'expected-fail')], { name: 'n' });
    const suites = [...xml.matchAll(/<testsuite name="([^"]+)"/g)].map((m) => m[1]);
    expect(suites).toEqual(['C1', 'C2', 'C10']);
    for (const line of xml.split('\n')) expect(line.length).toBeLessThan(700); // before: 3 KB notes, 900-character paths
    expect(xml).toContain('counterexample: counterexamples/C2-a.json');
  });
});
