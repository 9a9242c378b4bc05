/**
 * Issue 8 §5, bad input, one clear line: each instance exits 2 with one line naming the field or flag,
 * nothing on stdout; a huge or deep case is refused or computed, never a crash. Plus the replay and
 * hunt input checks of §3 (a replay file with --check/--seed, an impossible --path, hunt --out a file).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CASE_LIMITS } from '../src/case/limits.js';
import { completeShape, shapeOf, completeTree } from '../src/hltm/tree.js';
import { duplicateKey } from '../src/case/jsonText.js';
import { parseCaseText } from '../src/case/parseCase.js';

const root = resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'covcheck-bad-'));
const CASE = { depth: 1, children: 2, weights: { s: [[1, 0.5]] }, batch: { x: [[1, 0]], x_pos: [[1, 1]], x_neg: [[0, 1]] }, loss: { name: 'simp' } };

function cli(args: string[], input?: string | { fd: 'dir' }) {
  const stdio = typeof input === 'object' ? ['ignore', 'pipe', 'pipe'] : undefined;
  const r = spawnSync(process.execPath, [join(root, 'bin/covcheck.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, CI: 'true' },
    ...(typeof input === 'string' ? { input } : {}),
    ...(stdio ? { stdio: stdio as never } : {}),
  });
  return { code: r.status, out: r.stdout ?? '', err: r.stderr ?? '' };
}

/** Exit 2, nothing on stdout, one line on stderr naming `field`. */
function refused(r: ReturnType<typeof cli>, field: string | RegExp) {
  expect(r.code, r.err).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.trim().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(typeof field === 'string' ? new RegExp(`covcheck: ${field.replace(/[.[\]]/g, '\\$&')}`) : field);
}

const file = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};

describe('eval: bad input is one line naming the field, exit 2', () => {
  it('a UTF-8 BOM is accepted', () => {
    const r = cli(['eval', '--case', '-'], '\uFEFF' + JSON.stringify(CASE));
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).loss).toBe(0);
  });
  it('duplicated JSON keys', () => refused(cli(['eval', '--case', '-'], '{"depth":1,"depth":2}'), 'depth: key given twice'));
  it('a duplicated key deep inside names its path', () => expect(duplicateKey('{"batch":{"x":[[1]],"x":[[2]]}}')).toBe('batch.x'));
  it('tau on simp', () => refused(cli(['eval', '--case', '-'], JSON.stringify({ ...CASE, loss: { name: 'simp', tau: 0.5 } })), 'loss.tau'));
  it('r0 on nce', () => refused(cli(['eval', '--case', '-'], JSON.stringify({ ...CASE, loss: { name: 'nce', r0: 1 } })), 'loss.r0'));
  it('stdin that is a directory', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" bin/covcheck.js eval --case - < /`], { cwd: root, encoding: 'utf8' });
    refused({ code: r.status, out: r.stdout, err: r.stderr }, '--case: standard input is a directory');
  });
  it('--case a directory', () => refused(cli(['eval', '--case', tmp]), '--case'));
  it(`100 000 output rows: refused above ${CASE_LIMITS.samples} samples`, () => {
    const B = 100_000;
    const big = { ...CASE, batch: { x: Array(B).fill([1, 0]), x_pos: Array(B).fill([1, 0]), x_neg: Array(B).fill([0, 1]) } };
    refused(cli(['eval', '--case', file('rows.json', JSON.stringify(big))]), /covcheck: batch: B·\(2 \+ H\) = 100000·3 samples, more than the limit/);
  });
  it('a file above the byte limit is refused by its size, before it is read', () => {
    const p = file('huge.json', ' '.repeat(CASE_LIMITS.bytes + 1));
    refused(cli(['eval', '--case', p]), /--case: .* larger than the limit/);
  });
  it('a tree above the node limit is refused before it is built', () => refused(cli(['eval', '--case', '-'], JSON.stringify({ ...CASE, depth: 30, children: 2 })), 'depth'));
  it('a depth-3000 chain is evaluated, no stack overflow', () => {
    const weights: Record<string, number[][]> = {};
    let n = 's';
    for (let i = 0; i < 3000; i++) {
      weights[n] = [[1]];
      n += '0';
    }
    const r = cli(['eval', '--case', file('chain.json', JSON.stringify({ depth: 3000, children: 1, weights, batch: { x: [[1]], x_pos: [[1]], x_neg: [[0]] }, loss: { name: 'simp' } }))]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).f.x).toEqual([[1]]);
  }, 60_000);
  it('a verify replay file that is not a case points to covcheck replay', () => {
    const p = file('replay.json', JSON.stringify({ check: 'C6/rational/unbalanced', seed: 1, path: '0', value: { rPos: [0] } }));
    refused(cli(['eval', '--case', p]), /covcheck replay/);
  });
});

describe('control characters in echoed names are escaped', () => {
  it('an unknown case field holding ESC', () => {
    expect(() => parseCaseText(JSON.stringify({ ...CASE, 'x\u001b[31m': 1 }))).toThrow(/^x\\u001b\[31m: unknown field$/);
  });
});

describe('trees are built without recursion', () => {
  it('completeShape and shapeOf at depth 20 000', () => {
    const s = completeShape(20_000, 1);
    let d = 0;
    for (let x = s; x !== 0; x = (x as readonly unknown[])[0] as typeof s) d++;
    expect(d).toBe(20_000);
    const t = completeTree(3, 2, () => 0.5);
    expect(shapeOf(t)).toEqual(completeShape(3, 2));
  });
});

describe('replay and hunt: usage errors name the flag, exit 2', () => {
  it('a replay file together with --check', () => refused(cli(['replay', file('r.json', '{"check":"C1/rational/bias","seed":1,"path":"0"}'), '--check', 'C1/rational/bias']), '--check'));
  it('a replay file together with --seed', () => refused(cli(['replay', file('r2.json', '{"check":"C1/rational/bias","seed":1,"path":"0"}'), '--seed', '3']), '--seed'));
  it('an impossible --path', () => refused(cli(['replay', '--check', 'C1/rational/bias', '--seed', '1', '--path', '1:x']), '--path'));
  it('a loss-dependent check id without --loss says to give it', () => refused(cli(['replay', '--check', 'C6/rational/balance[buggy(tau=0.1) [./x.ts]]', '--seed', '1']), /--loss/));
  it('hunt --out a file: refused before searching', () => refused(cli(['hunt', '--claim', 'C6', '--runs', '5', '--out', file('not-a-folder', '')]), '--out'));
});
