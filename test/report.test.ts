/**
 * Report writing: atomic run folders, JSON, JUnit, Markdown and the headless SVG plots.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeRunFolder, slug } from '../src/report/write.js';
import { compactJson, jsonSafe, prettyJson, reportJson } from '../src/report/json.js';
import { esc, junitXml } from '../src/report/junit.js';
import { barPlot, histogram, linePlot, stableIds } from '../src/report/plot.js';
import { buildVerifyReport, replayCommand, verifyReportFiles } from '../src/report/verify.js';
import { verifyMarkdown, worstText } from '../src/report/markdown.js';
import type { CheckResult } from '../src/runner/check.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'covcheck-report-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const result = (over: Partial<CheckResult>): CheckResult => ({
  check: 'C1/float64/mlp',
  claim: 'C1',
  verdict: 'pass',
  expect: 'hold',
  arithmetic: 'float64',
  variant: 'bias-free relu',
  cases: 10,
  worst: { ratio: 0.01, error: 1e-16, tolerance: 1e-14 },
  seed: 5,
  message: '10 cases',
  ms: 12,
  ...over,
});

describe('writeRunFolder', () => {
  it('writes runs/<name>/ and latest/ with subfolders, and replaces an old folder', async () => {
    const dir = tempDir();
    const w = await writeRunFolder(dir, 'train-seed1', { 'a.json': '{}\n', 'plots/x.svg': '<svg/>', 'deep/er/y.txt': 'y' });
    expect(w.dir).toBe(join(dir, 'runs', 'train-seed1'));
    expect(w.latest).toBe(join(dir, 'latest', 'train')); // a latest per command, a link to the run folder
    expect(readlinkSync(w.latest!)).toBe('../runs/train-seed1');
    expect(readFileSync(join(w.dir, 'plots/x.svg'), 'utf8')).toBe('<svg/>');
    expect(readFileSync(join(dir, 'latest/train/deep/er/y.txt'), 'utf8')).toBe('y');
    expect(statSync(w.dir).mode & 0o777).toBe(0o755);

    await writeRunFolder(dir, 'train-seed1', { 'b.json': '[]' });
    expect(readdirSync(w.dir)).toEqual(['b.json']); // the old files are gone
    expect(readdirSync(join(dir, 'latest', 'train'))).toEqual(['b.json']);
    expect(readdirSync(join(dir, 'latest'))).toEqual(['train']);
    expect(readdirSync(dir).sort()).toEqual(['latest', 'runs']);
    expect(readdirSync(join(dir, 'runs'))).toEqual(['train-seed1']);
  });

  it('latest: false leaves latest/ alone', async () => {
    const dir = tempDir();
    await writeRunFolder(dir, 'one', { 'f': '1' }, { latest: false });
    expect(existsSync(join(dir, 'latest'))).toBe(false);
  });

  it.each([['../evil'], ['a/b'], [''], ['.hidden']])('rejects the run name %j', async (name) => {
    await expect(writeRunFolder(tempDir(), name, { f: '' })).rejects.toThrow(/bad run name/);
  });

  it.each([['../x'], ['/abs'], ['a//b'], ['a/./b'], ['']])('rejects the file path %j and writes nothing', async (path) => {
    const dir = tempDir();
    await expect(writeRunFolder(dir, 'r', { ok: '1', [path]: 'x' })).rejects.toThrow(/bad file path/);
    expect(existsSync(join(dir, 'runs', 'r'))).toBe(false);
  });

  it('slug makes ids file-safe', () => {
    expect(slug('C1/float64/tree layer')).toBe('C1-float64-tree-layer');
    expect(slug('../..')).toBe('x');
  });
});

describe('json', () => {
  it('is deterministic and keeps non-finite numbers and bigints as strings', () => {
    const v = { a: 1, b: Number.NaN, c: Number.POSITIVE_INFINITY, d: 3n, e: [-Infinity] };
    expect(reportJson(v)).toBe('{\n  "a": 1,\n  "b": "NaN",\n  "c": "Infinity",\n  "d": "3",\n  "e": [\n    "-Infinity"\n  ]\n}\n');
    expect(compactJson(v)).toBe('{"a":1,"b":"NaN","c":"Infinity","d":"3","e":["-Infinity"]}');
  });

  it('prettyJson keeps number arrays on one line', () => {
    expect(prettyJson({ w: [[1, 2], [3, 4]], n: { x: [0, 1], big: 2n }, e: [] })).toBe(
      '{\n  "w": [[1, 2], [3, 4]],\n  "n": {"x": [0, 1], "big": "2"},\n  "e": []\n}',
    );
    expect(JSON.parse(prettyJson({ a: [{ b: 1 }, { c: [1.5, -2] }] }))).toEqual({ a: [{ b: 1 }, { c: [1.5, -2] }] });
  });

  it('jsonSafe survives cycles', () => {
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    expect(jsonSafe(cyc)).toBe('[object Object]');
    expect(jsonSafe({ x: 1n })).toEqual({ x: '1' });
  });
});

describe('junit', () => {
  it('one testcase per check; fail → failure, inconclusive → skipped, expected/known-fail pass with a note', () => {
    const xml = junitXml(
      [
        result({}),
        result({ check: 'C1/x/fail', verdict: 'fail', message: 'a < b & "c"' }),
        result({ check: 'C2/x/inc', claim: 'C2', verdict: 'inconclusive', message: 'noisy' }),
        result({ check: 'C2/x/exp', claim: 'C2', verdict: 'expected-fail', expect: 'fail' }),
        result({ check: 'C2/x/known', claim: 'C2', verdict: 'known-fail' }),
      ],
      { name: 'covcheck' },
    );
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="covcheck" tests="5" failures="1" errors="0" skipped="1"')).toBe(true);
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
    expect(xml.match(/<testcase /g)).toHaveLength(5);
    expect(xml).toContain('<failure message="a &lt; b &amp; &quot;c&quot;" type="fail">');
    expect(xml).toContain('<skipped message="inconclusive: noisy"/>');
    expect(xml).toContain('<system-out>expected-fail (counts as a pass)');
    expect(xml).toContain('<system-out>known-fail (counts as a pass)');
    expect(xml).toContain('time="0.012"');
    expect(junitXml([result({})], { name: 'n', times: false })).not.toContain('time=');
  });

  it('escapes and drops characters XML forbids', () => {
    expect(esc('a\u0000b\u0007<\'')).toBe('ab&lt;&apos;');
  });
});

describe('verify report', () => {
  const info = {
    version: '1.2.3',
    node: 'v20',
    backend: 'default',
    seed: 42,
    scale: 'ci' as const,
    runs: null,
    filters: { claims: null, check: null },
    claims: [{ id: 'C1' as const, title: 'Euler', statement: 'f = K^T w', section: '§2', kind: 'exact' as const, holdsFor: ['relu'], breaksWith: ['bias'] }],
  };
  const failing = result({
    check: 'C1/x/fail',
    verdict: 'fail',
    message: 'error 1 > tolerance 0 | pipe',
    counterexample: { value: { w: [1, 2] }, measurement: { ok: false, error: 1, tolerance: 0 }, seed: 9, path: '1:0', shrinks: 2, replay: 'x' },
    plots: { 'curve.svg': '<svg/>' },
    worst: { ratio: Number.NaN, error: Number.NaN, tolerance: Number.NaN },
  });

  it('has no durations, counts verdicts, carries replay data and plot paths', () => {
    const r = buildVerifyReport(info, [{ check: undefined, result: result({}) }, { check: undefined, result: failing }]);
    expect(r.exitCode).toBe(1);
    expect(r.summary).toEqual({ checks: 2, pass: 1, fail: 1, 'expected-fail': 0, 'known-fail': 0, inconclusive: 0 });
    expect(r.checks[1]!.counterexample).toMatchObject({ check: 'C1/x/fail', seed: 9, path: '1:0', scale: 'ci', replay: 'covcheck replay --check C1/x/fail --seed 9 --path 1:0' });
    expect(r.checks[1]!.plots).toEqual(['plots/C1-x-fail--curve.svg']);
    const files = verifyReportFiles(r, [result({}), failing]);
    expect(Object.keys(files).sort()).toEqual(['counterexamples/C1-x-fail.json', 'junit.xml', 'plots/C1-x-fail--curve.svg', 'report.json', 'report.md', 'timing.json']);
    expect(files['report.json']).not.toMatch(/"ms"/);
    expect(JSON.parse(files['timing.json']!)).toEqual({ total_ms: 24, checks: { 'C1/float64/mlp': 12, 'C1/x/fail': 12 } });
    expect(JSON.parse(files['counterexamples/C1-x-fail.json']!)).toMatchObject({ check: 'C1/x/fail', seed: 9, path: '1:0', scale: 'ci' });
  });

  it('renders Markdown for a job summary', () => {
    const md = verifyMarkdown(buildVerifyReport(info, [{ check: undefined, result: failing }]));
    expect(md).toMatch(/^# covcheck verify: FAILED\n/);
    expect(md).toContain('| C1 | C1/x/fail | **FAIL** | 10 | 1.00 > 0 | error 1 > tolerance 0 \\| pipe |');
    expect(md).toContain('```sh\ncovcheck replay --check C1/x/fail --seed 9 --path 1:0\n```');
    expect(md).toContain('### C1: Euler (exact)');
    expect(md).toContain('- [plots/C1-x-fail--curve.svg](plots/C1-x-fail--curve.svg)');
    expect(md.indexOf('## Failures (1)')).toBeLessThan(md.indexOf('## Checks'));
  });

  it('formats worst errors and replay commands', () => {
    expect(worstText({ ratio: 0, error: 0, tolerance: 0 })).toBe('exact');
    expect(worstText({ ratio: 0.1, error: 1e-16, tolerance: 1e-15 })).toBe('1.00e-16 / 1.00e-15');
    expect(replayCommand('C1/a b', 1, '', 'full')).toBe("covcheck replay --check 'C1/a b' --seed 1 --path '' --scale full");
  });
});

describe('plots', () => {
  const isSvg = (s: string) => {
    expect(s.startsWith('<svg')).toBe(true);
    expect(s.trimEnd().endsWith('</svg>')).toBe(true);
  };

  it('linePlot: valid SVG with the title and labels, byte-identical on repeat (ids included)', async () => {
    const opts = {
      title: 'Gradient error vs tau & <stuff>',
      xLabel: 'tau',
      yLabel: 'relative error',
      logX: true,
      logY: true,
      series: [
        { name: 'nce', points: [[0.1, 1], [1, 0.1], [10, 0.01], [0, 5], [Number.NaN, 1]] as [number, number][] },
        { name: 'tri', points: [[0.1, 2], [1, 0.2], [10, 0.02]] as [number, number][] },
      ],
    };
    const a = await linePlot(opts);
    const b = await linePlot(opts);
    isSvg(a);
    expect(a).toContain('Gradient error vs tau &amp; &lt;stuff&gt;');
    expect(a).toContain('relative error');
    expect(a).toContain('nce');
    expect(a).toBe(b);
    expect(a).toMatch(/id="p[0-9a-z]+-1"/); // clip ids renamed
    expect(a).not.toMatch(/id="clip\d+"/);
  });

  it('histogram and barPlot render deterministically', async () => {
    const h = { title: 'Gain per seed', xLabel: 'G', values: [0.1, 0.2, 0.2, 0.3, Number.NaN], bins: 10 };
    const h1 = await histogram(h);
    isSvg(h1);
    expect(h1).toContain('Gain per seed');
    expect(await histogram(h)).toBe(h1);
    const bars = {
      title: 'Best corr by height',
      xLabel: 'height',
      yLabel: 'best |corr|',
      bars: [
        { label: '1', value: 0.9, group: 'init' },
        { label: '1', value: 0.92, group: 'trained' },
        { label: '2', value: 0.8, group: 'init' },
        { label: '2', value: 0.86, group: 'trained' },
      ],
    };
    const b1 = await barPlot(bars);
    isSvg(b1);
    expect(b1).toContain('Best corr by height');
    expect(b1).toContain('trained');
    expect(await barPlot(bars)).toBe(b1);
  });

  it('stableIds renames ids and their references', () => {
    const svg = '<svg><clipPath id="clip7"><rect/></clipPath><g clip-path="url(#clip7)"/><use href="#clip7"/><g id="x"/></svg>';
    expect(stableIds(svg, 'k-')).toBe('<svg><clipPath id="k-1"><rect/></clipPath><g clip-path="url(#k-1)"/><use href="#k-1"/><g id="k-2"/></svg>');
  });
});
