/**
 * The CLI, driven in-process through main(argv, overrides) with injected fake checks (the real
 * registry is not loaded), captured stdout/stderr and a temporary working directory.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main, type CliContext, type CliOverrides } from '../src/cli/main.js';
import { progressAllowed } from '../src/cli/options.js';
import type { Check, ClaimRecord, CustomCheck, PropertyCheck } from '../src/runner/check.js';
import { failCheck, passCheck } from './support/fakeChecks.js';

const claim = (id: `C${number}`, title: string): ClaimRecord => ({
  id,
  title,
  statement: `${title}: the statement of ${id}.`,
  section: 'THEORY.md §2',
  kind: 'exact',
  holdsFor: ['fakes'],
  breaksWith: ['nothing'],
});

const CLAIMS = [claim('C1', 'always true'), claim('C2', 'small numbers'), claim('C3', 'statistics')];

// A custom check, so these CLI tests do not depend on how runCheck classifies property failures.
const excludedCheck: CustomCheck = {
  type: 'custom',
  id: 'C2/fake/excluded',
  claim: 'C2',
  title: 'excluded variant',
  variant: 'bias',
  expect: 'fail',
  arithmetic: 'float64',
  run: (o) => ({
    check: 'C2/fake/excluded',
    claim: 'C2',
    verdict: 'expected-fail',
    expect: 'fail',
    arithmetic: 'float64',
    variant: 'bias',
    cases: 3,
    worst: { ratio: 0.5, error: 1, tolerance: 2 },
    seed: o.seed,
    counterexample: {
      value: { n: 12n, big: Number.POSITIVE_INFINITY },
      measurement: { ok: false, error: 12, tolerance: 10 },
      seed: o.seed,
      path: o.path ?? '2:0',
      shrinks: 1,
      replay: '',
    },
    message: "excluded variant 'bias' fails as the theory says",
  }),
};

const customCheck: CustomCheck = {
  type: 'custom',
  id: 'C3/fake/stat',
  claim: 'C3',
  title: 'statistical',
  variant: 'plain',
  expect: 'hold',
  arithmetic: 'statistical',
  run: (o) => ({
    check: 'C3/fake/stat',
    claim: 'C3',
    verdict: 'inconclusive',
    expect: 'hold',
    arithmetic: 'statistical',
    variant: 'plain',
    cases: 5,
    worst: { ratio: Number.NaN, error: Number.NaN, tolerance: Number.NaN },
    seed: o.seed,
    statistic: { p: 0.2, n: 5 },
    message: 'too noisy <&>',
    plots: { 'gain.svg': '<svg xmlns="http://www.w3.org/2000/svg"><title>gain</title></svg>' },
  }),
};

const ALL: readonly Check[] = [passCheck, failCheck, excludedCheck, customCheck];

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'covcheck-cli-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Run {
  code: number;
  out: string;
  err: string;
  cwd: string;
}

async function cli(argv: string[], o: CliOverrides & { checks?: readonly Check[] } = {}): Promise<Run> {
  let out = '';
  let err = '';
  const cwd = o.cwd ?? tempDir();
  const code = await main(argv, {
    claims: CLAIMS,
    checks: ALL,
    env: { CI: 'true' },
    stderrIsTTY: false,
    version: '9.9.9-test',
    ...o,
    cwd,
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
  });
  return { code, out, err, cwd };
}

const read = (cwd: string, p: string) => readFileSync(join(cwd, p), 'utf8');

describe('progress', () => {
  it('is drawn only on a terminal without CI', () => {
    const ctx = (stderrIsTTY: boolean, env: Record<string, string>) => ({ stderrIsTTY, env }) as unknown as CliContext;
    expect(progressAllowed(ctx(true, {}))).toBe(true);
    expect(progressAllowed(ctx(true, { CI: 'true' }))).toBe(false);
    expect(progressAllowed(ctx(false, {}))).toBe(false);
  });
});

describe('usage', () => {
  it.each([['--help'], ['verify', '--help'], ['replay', '--help'], ['eval', '--help'], ['help', 'verify'], ['-V']])(
    '%s exits 0',
    async (...argv) => {
      const r = await cli(argv);
      expect(r.code).toBe(0);
      expect(r.out.length).toBeGreaterThan(0);
    },
  );

  it('help lists the commands and the exit codes', async () => {
    const r = await cli(['--help']);
    expect(r.out).toMatch(/verify/);
    expect(r.out).toMatch(/replay/);
    expect(r.out).toMatch(/Exit codes/);
  });

  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['--bogus'], /unknown option '--bogus'/],
    [['verify', '--bogus'], /unknown option '--bogus'/],
    [['verify', 'extra'], /too many arguments/],
    [['--seed'], /--seed/],
    [['--seed', 'abc'], /^covcheck: --seed: expected an integer, got "abc"\n$/],
    [['--seed', '1.5'], /--seed/],
    [['--seed', '99999999999'], /--seed/],
    [['--runs', '0'], /--runs/],
    [['--scale', 'huge'], /--scale: expected one of ci, full/],
    [['--claims', 'C99'], /^covcheck: --claims: unknown claim id C99/],
    [['--claims', 'C1,C42,C43'], /--claims: unknown claim ids C42, C43/],
    [['--claims', ','], /--claims/],
    [['--check', 'no-such-check'], /--check/],
    [['--report-dir', 'afile/sub'], /^covcheck: --report-dir: .*afile is not a directory\n$/],
  ])('%j is bad usage: exit 2', async (argv, message) => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'afile'), 'x');
    const r = await cli(argv, { cwd });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
    expect(existsSync(join(r.cwd, 'reports'))).toBe(false);
  });
});

describe('verify', () => {
  it('an empty registry passes and writes a report', async () => {
    const r = await cli([], { checks: [], claims: [] });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/0 checks .*PASSED/);
    const report = JSON.parse(read(r.cwd, 'reports/runs/verify-seed42-ci/report.json'));
    expect(report.summary.checks).toBe(0);
    expect(read(r.cwd, 'reports/latest/verify/junit.xml')).toMatch(/tests="0"/);
  });

  it('runs every check, prints the table and counterexamples, exits 1 on a fail', async () => {
    const r = await cli(['verify', '--seed', '7']);
    expect(r.code).toBe(1);
    for (const c of ALL) expect(r.out).toContain(c.id);
    expect(r.out).toMatch(/C2\/fake\/fails\s+FAIL/);
    expect(r.out).toMatch(/\nFailures \(1\):\n\nC2\/fake\/fails\n {2}\S/); // the failures close the table
    // The short form (issue 8 §3): the run's saved counterexample file.
    expect(r.out).toMatch(/replay: covcheck replay reports\/runs\/verify-seed7-ci[^ ]*\/counterexamples\/C2-fake-fails\.json\n/);
    expect(r.out).not.toMatch(/C2\/fake\/excluded \[expected-fail\]/); // details in the report (and --verbose)
    expect(r.out).toMatch(/4 checks: 1 pass, 1 fail, 1 expected-fail, 1 inconclusive .*FAILED \(exit 1\)/);
    expect(r.err).toBe(''); // no progress bar without a TTY
  });

  it('writes report.json, report.md, junit.xml, timing.json, plots and counterexamples atomically', async () => {
    const r = await cli(['--seed', '7']);
    const run = 'reports/runs/verify-seed7-ci';
    const files = readdirSync(join(r.cwd, run), { recursive: true }).map(String).sort();
    expect(files).toEqual([
      'counterexamples',
      'counterexamples/C2-fake-excluded.json',
      'counterexamples/C2-fake-fails.json',
      'junit.xml',
      'plots',
      'plots/C3-fake-stat--gain.svg',
      'plots/float-error-over-tolerance.svg',
      'report.json',
      'report.md',
      'timing.json',
    ]);
    expect(readdirSync(join(r.cwd, 'reports'))).toEqual(['latest', 'runs']); // no temp folders left
    expect(readdirSync(join(r.cwd, 'reports/runs'))).toEqual(['verify-seed7-ci']);
    expect(readlinkSync(join(r.cwd, 'reports/latest/verify'))).toBe('../runs/verify-seed7-ci');
    for (const f of files.filter((f) => f.includes('.'))) expect(read(r.cwd, `reports/latest/verify/${f}`)).toBe(read(r.cwd, `${run}/${f}`));

    const report = JSON.parse(read(r.cwd, `${run}/report.json`));
    expect(report).toMatchObject({ tool: 'covcheck', command: 'verify', version: '9.9.9-test', seed: 7, scale: 'ci', exitCode: 1 });
    expect(report.node).toBe(process.version);
    expect(report.summary).toEqual({ checks: 4, pass: 1, fail: 1, 'expected-fail': 1, 'known-fail': 0, inconclusive: 1, skipped: 0 });
    expect(report.claims.map((c: ClaimRecord) => c.id)).toEqual(['C1', 'C2', 'C3']);
    const fails = report.checks.find((c: { check: string }) => c.check === 'C2/fake/fails');
    expect(fails.counterexample).toMatchObject({ check: 'C2/fake/fails', value: { n: 11 }, scale: 'ci' });
    const excluded = report.checks.find((c: { check: string }) => c.check === 'C2/fake/excluded');
    expect(excluded.counterexample.value).toEqual({ n: '12', big: 'Infinity' }); // bigint and Infinity survive as text
    expect(report.checks.find((c: { check: string }) => c.check === 'C3/fake/stat').worst.ratio).toBe('NaN');
    expect(read(r.cwd, `${run}/report.json`)).not.toMatch(/"ms"|time/);
    expect(JSON.parse(read(r.cwd, `${run}/timing.json`)).checks).toHaveProperty('C1/fake/pass');

    const junit = read(r.cwd, `${run}/junit.xml`);
    expect(junit.match(/<testcase /g)).toHaveLength(4);
    expect(junit.match(/<failure /g)).toHaveLength(1);
    expect(junit).toMatch(/<skipped message="inconclusive: too noisy &lt;&amp;&gt;"/);
    expect(junit).toMatch(/<system-out>expected-fail \(counts as a pass\)/);

    const md = read(r.cwd, `${run}/report.md`);
    expect(md).toMatch(/^# covcheck verify: FAILED/);
    expect(md).toMatch(/\| C2 \| C2\/fake\/fails \| \*\*FAIL\*\* \|/);
    expect(md).toMatch(/```json\n\{\n {2}"check": "C2\/fake\/fails"/);
    expect(md).toContain('small numbers: the statement of C2.');
  });

  it('the same seed gives a byte-identical report.json; a rerun replaces the folder', async () => {
    const a = await cli(['--seed', '123', '--claims', 'C1,C2']);
    const b = await cli(['--seed', '123', '--claims', 'c2,C1']);
    const run = 'reports/runs/verify-seed123-ci-C1-C2';
    expect(read(a.cwd, run + '/report.json')).toBe(read(b.cwd, 'reports/runs/verify-seed123-ci-C2-C1/report.json').replace('"C2",\n      "C1"', '"C1",\n      "C2"'));
    const first = read(a.cwd, run + '/report.json');
    const again = await cli(['--seed', '123', '--claims', 'C1,C2'], { cwd: a.cwd });
    expect(again.code).toBe(1);
    expect(read(a.cwd, run + '/report.json')).toBe(first);
    expect(readdirSync(join(a.cwd, 'reports/runs')).sort()).toEqual(['verify-seed123-ci-C1-C2']);
  });

  it('filters by claim and by check substring', async () => {
    const r = await cli(['--claims', 'C1', '--no-report']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('C1/fake/pass');
    expect(r.out).not.toContain('C2/fake');
    const s = await cli(['--check', 'excluded', '--no-report']);
    expect(s.code).toBe(0);
    expect(s.out).toMatch(/1 checks: 1 expected-fail/);
  });

  it('--runs overrides the case count and names the run folder', async () => {
    const r = await cli(['--claims', 'C1', '--runs', '3']);
    const report = JSON.parse(read(r.cwd, 'reports/runs/verify-seed42-ci-C1-runs3/report.json'));
    expect(report.checks[0].cases).toBe(3);
    expect(report.runs).toBe(3);
  });

  it('--json prints the report on stdout and the table on stderr', async () => {
    const r = await cli(['--json', '--no-report', '--seed', '5']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report.seed).toBe(5);
    expect(r.err).toMatch(/C1\/fake\/pass/);
    expect(existsSync(join(r.cwd, 'reports'))).toBe(false);
  });

  it('--report-dir chooses the folder; full scale uses the full counts and says so in replay', async () => {
    const r = await cli(['--report-dir', 'out/rep', '--scale', 'full', '--claims', 'C1,C2']);
    const report = JSON.parse(read(r.cwd, 'out/rep/runs/verify-seed42-full-C1-C2/report.json'));
    expect(report.checks[0].cases).toBe(50);
    expect(report.checks[1].counterexample.replay).toMatch(/--scale full$/);
  });

  it('a check that throws is a fail of that check, not a crash', async () => {
    const boom: CustomCheck = { ...customCheck, id: 'C3/fake/boom', run: () => { throw new Error('kaput'); } };
    const r = await cli(['--no-report'], { checks: [passCheck, boom] });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Failures \(1\):\n\nC3\/fake\/boom\n {2}(error: )?the check threw: kaput/);
  });
});

describe('replay', () => {
  async function counterexampleFile(): Promise<{ cwd: string; file: string; data: { seed: number; path: string } }> {
    const r = await cli(['--seed', '11', '--claims', 'C2']);
    const file = 'reports/latest/verify/counterexamples/C2-fake-fails.json';
    return { cwd: r.cwd, file, data: JSON.parse(read(r.cwd, file)) };
  }

  it('replays a saved counterexample file: still fails → exit 1 with the shrunk case', async () => {
    const { cwd, file } = await counterexampleFile();
    const r = await cli(['replay', file], { cwd });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL/);
    expect(r.out).toMatch(/"n": 11/);
    expect(r.out).toMatch(/measurement: error 11, tolerance 10/);
  });

  it('replays --check --seed --path', async () => {
    const { data } = await counterexampleFile();
    const r = await cli(['replay', '--check', 'C2/fake/fails', '--seed', String(data.seed), '--path', data.path]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/"n": 11/);
    const j = await cli(['replay', '--check', 'C2/fake/fails', '--seed', String(data.seed), '--path', data.path, '--json']);
    expect(JSON.parse(j.out).result.counterexample.value).toEqual({ n: 11 });
  });

  it('an excluded variant that fails, or a passing check, exits 0', async () => {
    const r = await cli(['replay', '--check', 'C2/fake/excluded', '--seed', '3']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/expected-fail/);
    const p = await cli(['replay', '--check', 'C1/fake/pass', '--seed', '3']);
    expect(p.code).toBe(0);
    expect(p.out).toMatch(/pass/);
  });

  it('a property check of an excluded variant replays as expected-fail: exit 0', async () => {
    const prop: PropertyCheck<number> = { ...failCheck, id: 'C2/fake/prop-excluded', variant: 'bias', expect: 'fail' };
    const r = await cli(['replay', '--check', prop.id, '--seed', '3'], { checks: [prop] });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/: expected-fail\n/);
  });

  it('reads a report entry with nested counterexample fields', async () => {
    const { cwd, data } = await counterexampleFile();
    writeFileSync(join(cwd, 'entry.json'), JSON.stringify({ check: 'C2/fake/fails', extra: 1, counterexample: { seed: data.seed, path: data.path } }));
    expect((await cli(['replay', 'entry.json'], { cwd })).code).toBe(1);
  });

  it.each([
    [['replay'], /--check: required/],
    [['replay', '--check', 'C2/fake/fails'], /--seed: required/],
    [['replay', '--check', 'nope', '--seed', '1'], /--check: unknown check id "nope"/],
    [['replay', '--check', 'C2/fake/fails', '--seed', 'x'], /--seed/],
    [['replay', '--check', 'C2/fake/fails', '--seed', '1', '--path', 'a:b'], /--path/],
    [['replay', 'missing.json'], /missing.json: cannot read it \(ENOENT\)/],
    [['replay', 'bad.json'], /bad.json: not valid JSON/],
    [['replay', 'noseed.json'], /noseed.json: seed: expected a 32-bit integer/],
    [['replay', 'noseed.json', '--check', 'C1/fake/pass'], /--check: give either/],
  ])('%j is bad input: exit 2', async (argv, message) => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'bad.json'), '{nope');
    writeFileSync(join(cwd, 'noseed.json'), JSON.stringify({ check: 'C2/fake/fails', path: '1' }));
    const r = await cli(argv, { cwd });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('an internal error exits 3, with the stack only under --debug', async () => {
    const boom: CustomCheck = { ...customCheck, id: 'C3/fake/boom', run: () => { throw new Error('kaput'); } };
    const r = await cli(['replay', '--check', 'C3/fake/boom', '--seed', '1'], { checks: [boom] });
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/^covcheck: internal error: kaput\n\(run again with --debug/);
    const d = await cli(['replay', '--check', 'C3/fake/boom', '--seed', '1', '--debug'], { checks: [boom] });
    expect(d.code).toBe(3);
    expect(d.err).toMatch(/at .*cli\.test\.ts/);
  });
});

describe('bin/covcheck.js end to end', () => {
  const bin = fileURLToPath(new URL('../bin/covcheck.js', import.meta.url));
  const spawn = (args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], { cwd: tempDir(), encoding: 'utf8', env: { ...process.env, CI: 'true' } });

  it('--help exits 0 with the usage on stdout', () => {
    const r = spawn(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: covcheck/);
  });

  it('bad input exits 2 with one line naming the option', () => {
    const r = spawn(['verify', '--seed', 'abc']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('covcheck: --seed: expected an integer, got "abc"\n');
    expect(r.stdout).toBe('');
  });
});

describe('start-up loads only what the command needs (compiled bin/covcheck.js)', () => {
  const bin = fileURLToPath(new URL('../bin/covcheck.js', import.meta.url));
  const preload = fileURLToPath(new URL('./support/moduleLog.mjs', import.meta.url));
  const caseFile = fileURLToPath(new URL('../fixtures/cases/01-tri-norm-relu.case.json', import.meta.url));
  /** Runs the bin with the module log preloaded; returns its exit status, stdout and the modules loaded. */
  const loaded = (args: string[]) => {
    const log = join(tempDir(), 'modules.log');
    const r = spawnSync(process.execPath, ['--import', preload, bin, ...args], {
      cwd: tempDir(),
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', COVCHECK_MODULE_LOG: log },
    });
    return { status: r.status, stdout: r.stdout, modules: existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l !== '') : [] };
  };
  const tfjs = (m: string) => m.includes('@tensorflow');
  const claimModules = (m: string) => /\/properties\/(registry|claims\/)/.test(m);
  const charts = (m: string) => /node_modules\/vega/.test(m);

  it('`covcheck eval` loads neither TF.js nor the claim registry nor Vega', () => {
    const r = loaded(['eval', '--case', caseFile]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('loss');
    expect(r.modules.some((m) => m.includes('/src/case/evaluateCase.js')), 'the log records the modules it loads').toBe(true);
    expect(r.modules.filter(tfjs)).toEqual([]);
    expect(r.modules.filter(claimModules)).toEqual([]);
    expect(r.modules.filter(charts)).toEqual([]);
  });

  it('`covcheck --version` loads no claim, TF.js or chart module', () => {
    const r = loaded(['--version']);
    expect(r.status).toBe(0);
    expect(r.modules.filter((m) => tfjs(m) || claimModules(m) || charts(m))).toEqual([]);
  });

  it('`covcheck replay` loads the registry (the check it names is found there)', () => {
    const r = loaded(['replay', '--check', 'C1/no-such-check', '--seed', '1']);
    expect(r.status).toBe(2);
    expect(r.modules.some(claimModules)).toBe(true);
  });
});
