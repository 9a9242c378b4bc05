/**
 * `covcheck eval` against the case format: the shared example cases (an independent float64
 * implementation) to c·n·ε of each case’s largest magnitude (allowance below), hand-computed golden cases, and bad
 * input — each with exit 2, a message naming the field, and nothing on stdout.
 */
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { tolerance } from '../src/numeric/tolerance.js';

const CASES = join(import.meta.dirname, '..', 'fixtures', 'cases');
const dir = mkdtempSync(join(tmpdir(), 'covcheck-eval-'));

async function evalJson(json: unknown, extra: string[] = []): Promise<{ code: number; out: string; err: string }> {
  const file = join(dir, `case-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json));
  let out = '';
  let err = '';
  const code = await main(['eval', '--case', file, ...extra], {
    checks: [],
    claims: [],
    stdout: { write: (s: string) => void (out += s) },
    stderr: { write: (s: string) => void (err += s) },
  });
  return { code, out, err };
}

const maxAbs = (v: unknown): number =>
  typeof v === 'number' ? Math.abs(v) : v && typeof v === 'object' ? Math.max(0, ...Object.values(v).map(maxAbs)) : 0;

function maxDiff(a: unknown, b: unknown, path = ''): number {
  if (typeof b === 'number') {
    if (typeof a !== 'number') throw new Error(`${path}: expected a number`);
    return Math.abs(a - b);
  }
  if (Array.isArray(b)) {
    if (!Array.isArray(a) || a.length !== b.length) throw new Error(`${path}: shape differs`);
    return Math.max(0, ...b.map((x, i) => maxDiff(a[i], x, `${path}[${i}]`)));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  expect(Object.keys(ao).sort(), `${path}: fields`).toEqual(Object.keys(bo).sort());
  return Math.max(0, ...Object.keys(bo).map((k) => maxDiff(ao[k], bo[k], `${path}.${k}`)));
}

/**
 * Relative allowance of a case: the table's float64 identity bound c·n·ε (src/numeric/tolerance.ts)
 * with n the count of numbers in the case (parameters and inputs: an upper bound on the chain of
 * any output or gradient entry of these small cases), relative to the largest magnitude of the
 * expected result (before: a stated 1e-12).
 */
const countNumbers = (v: unknown): number => (typeof v === 'number' ? 1 : Array.isArray(v) ? v.reduce((s: number, x) => s + countNumbers(x), 0) : v && typeof v === 'object' ? Object.values(v).reduce((s: number, x) => s + countNumbers(x), 0) : 0);
const allowance = (caseText: string): number => tolerance('float64', 'identity', countNumbers(JSON.parse(caseText)), 1).tol;

describe('eval matches the shared example cases (c·n·ε of the largest magnitude)', () => {
  const names = readdirSync(CASES).filter((f) => f.endsWith('.case.json')).sort();
  it('has the 14 example cases', () => expect(names.length).toBeGreaterThanOrEqual(14));
  for (const name of names) {
    it(name, async () => {
      const text = readFileSync(join(CASES, name), 'utf8');
      const r = await evalJson(text);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const got = JSON.parse(r.out);
      const want = JSON.parse(readFileSync(join(CASES, name.replace('.case.', '.expected.')), 'utf8'));
      expect(maxDiff(got, want) / maxAbs(want)).toBeLessThanOrEqual(allowance(text));
    });
  }
});

const base = {
  depth: 1,
  children: 2,
  polarities: { s0: 1, s1: 1 },
  weights: { s: [[1, 2]] },
  batch: { x: [[1, 0]], x_pos: [[1, 1]], x_neg: [[0, 1]] },
  loss: { name: 'simp' },
};

describe('the case from standard input (--case -), end to end', () => {
  it('reads stdin, prints one JSON line, exit 0; malformed stdin exits 2 with nothing on stdout', () => {
    const bin = join(import.meta.dirname, '..', 'bin', 'covcheck.js');
    const ok = spawnSync(process.execPath, [bin, 'eval', '--case', '-'], { input: JSON.stringify(base), encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).loss).toBe(1.5);
    const bad = spawnSync(process.execPath, [bin, 'eval', '--case', '-'], { input: '{"depth":', encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/case: malformed JSON/);
  });
});

describe('hand-computed golden cases', () => {
  it('grad: f = x1 + 2 x2; r+ = 2, r− = 1/2, L = 3/2, ∇W = [1, 1]', async () => {
    const r = JSON.parse((await evalJson(base, ['--connections'])).out);
    expect(r.loss).toBe(1.5);
    expect(r.f).toEqual({ x: [[1]], x_pos: [[3]], x_neg: [[2]] });
    expect(r.grads.s).toEqual([[1, 1]]);
    expect(r.connection_grads.s).toEqual([[1, 1]]);
    expect(r.K.s.x).toEqual([[[1], [0]]]);
  });
  it('expect: ρ = 1 copies z0 to both leaves; f̄ = (0, 3); E L_simp = −9/4; 2 Cov(K̄, f̄) = (3/2, 3/2)', async () => {
    const r = JSON.parse((await evalJson({ ...base, mode: 'expect' })).out);
    expect(r.expected_L_simp).toBe(-2.25);
    expect(r.n_configs).toBe(4);
    for (const k of ['neg_expected_grad', 'cov_form', 'cross_cov_form']) expect(r.nodes.s[k]).toEqual([1.5, 1.5]);
  });
});

describe('eval --exact (rational arithmetic)', () => {
  const frac = (v: string) => {
    const [n, d] = v.split('/');
    return Number(BigInt(n!)) / Number(BigInt(d ?? '1'));
  };
  const toNum = (v: unknown): unknown => (typeof v === 'string' ? frac(v) : Array.isArray(v) ? v.map(toNum) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toNum(x)])) : v);
  for (const name of ['04-expect-nobias-relu', '05-official_subtract-relu', '13-expect-bias-relu', '14-official_subtract-leaky_relu']) {
    it(`${name}: exact = the expected float64 result to c·n·ε`, async () => {
      const text = readFileSync(join(CASES, `${name}.case.json`), 'utf8');
      const r = await evalJson(text, ['--exact']);
      expect(r.code).toBe(0);
      const got = toNum(JSON.parse(r.out));
      const want = JSON.parse(readFileSync(join(CASES, `${name}.expected.json`), 'utf8'));
      expect(maxDiff(got, want) / maxAbs(want)).toBeLessThanOrEqual(allowance(text));
    });
  }
  it('the hand-computed case is exactly 3/2 and [1, 1]', async () => {
    const r = JSON.parse((await evalJson(base, ['--exact'])).out);
    expect(r.loss).toBe('3/2');
    expect(r.grads.s).toEqual([['1', '1']]);
  });
  for (const [what, json, field] of [
    ['exact mode on a tanh net', { ...base, activation: 'tanh' }, 'activation'],
    ['exact mode with normalisation', { ...base, normalize: true }, 'normalize'],
    ['exact mode with InfoNCE', { ...base, loss: { name: 'nce', tau: 1 } }, 'loss.name'],
  ] as const) {
    it(`${what}: exit 2 naming ${field}`, async () => {
      const r = await evalJson(json, ['--exact']);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toContain(field);
    });
  }
});

/** A valid depth-5 binary case (32 leaves, hid 1): above the 16-leaf enumeration limit of mode "expect". */
function bigExpectCase(): unknown {
  const names: string[] = [];
  const walk = (n: string, d: number) => {
    names.push(n);
    if (d < 5) for (const i of [0, 1]) walk(`${n}${i}`, d + 1);
  };
  walk('s', 0);
  const internal = names.filter((n) => n.length <= 5);
  const zeros = new Array(32).fill(0);
  return {
    ...base,
    depth: 5,
    mode: 'expect',
    polarities: Object.fromEntries(names.slice(1).map((n) => [n, 1])),
    weights: Object.fromEntries(internal.map((n) => [n, [[1, 1]]])),
    batch: { x: [zeros], x_pos: [zeros], x_neg: [zeros] },
  };
}

/** [case, field the message must name]. */
const BAD: [string, unknown, string][] = [
  ['malformed JSON', '{"depth": 1,', 'case'],
  ['not an object', '[1, 2]', 'case'],
  ['unknown field', { ...base, hidden: 3 }, 'hidden'],
  ['missing weights', { ...base, weights: undefined }, 'weights'],
  ['depth 0', { ...base, depth: 0 }, 'depth'],
  ['children 1.5', { ...base, children: 1.5 }, 'children'],
  ['polarity 1.5', { ...base, polarities: { s0: 1.5, s1: 0 } }, 'polarities.s0'],
  ['polarity of no node', { ...base, polarities: { s0: 1, s1: 1, s7: 0 } }, 'polarities.s7'],
  ['root prior 2', { ...base, root_prior: 2 }, 'root_prior'],
  ['hid 0 (empty root matrix)', { ...base, weights: { s: [] } }, 'weights.s'],
  ['NaN weight (as a string)', { ...base, weights: { s: [[1, 'NaN']] } }, 'weights.s[0][1]'],
  ['wrong matrix shape', { ...base, weights: { s: [[1, 2, 3]] } }, 'weights.s[0]'],
  ['weights of no node', { ...base, weights: { s: [[1, 2]], s0: [[1]] } }, 'weights.s0'],
  ['ragged batch', { ...base, batch: { x: [[1, 0], [1]], x_pos: [[1, 1], [0, 0]], x_neg: [[0, 1], [1, 1]] } }, 'batch.x[1]'],
  ['batch sizes differ', { ...base, batch: { x: [[1, 0]], x_pos: [[1, 1], [0, 0]], x_neg: [[0, 1]] } }, 'batch.x_pos'],
  ['zero negatives', { ...base, batch: { x: [[1, 0]], x_pos: [[1, 1]], x_neg: [[]] } }, 'batch.x_neg'],
  ['negative τ', { ...base, loss: { name: 'nce', tau: -1 } }, 'loss.tau'],
  ['unknown loss', { ...base, loss: { name: 'barlow' } }, 'loss.name'],
  ['unknown loss field', { ...base, loss: { name: 'simp', margin: 1 } }, 'loss.margin'],
  ['unknown activation', { ...base, activation: 'swish' }, 'activation'],
  ['bad reduction', { ...base, reduction: 'max' }, 'reduction'],
  ['bad mode', { ...base, mode: 'exact' }, 'mode'],
  ['expect without polarities', { ...base, polarities: undefined, mode: 'expect' }, 'polarities'],
  ['expect with another loss', { ...base, mode: 'expect', loss: { name: 'nce', tau: 1 } }, 'loss.name'],
  ['expect above the enumeration limit (32 leaves)', bigExpectCase(), 'depth'],
  ['tri with H = 2', { ...base, loss: { name: 'tri', tau: 1 }, batch: { x: [[1, 0]], x_pos: [[1, 1]], x_neg: [[[0, 1], [1, 1]]] } }, 'batch.x_neg'],
  ['bias of wrong length', { ...base, biases: { s: [1, 2] } }, 'biases.s'],
  ['normalize not a boolean', { ...base, normalize: 'yes' }, 'normalize'],
];

describe('bad input: exit 2, the field named, no output', () => {
  for (const [what, json, field] of BAD) {
    it(what, async () => {
      const r = await evalJson(typeof json === 'string' ? json : JSON.parse(JSON.stringify(json)));
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toContain(field);
    });
  }
  it('a missing file names --case', async () => {
    let err = '';
    const code = await main(['eval', '--case', join(dir, 'nope.json')], { checks: [], claims: [], stdout: { write: () => {} }, stderr: { write: (s: string) => void (err += s) } });
    expect(code).toBe(2);
    expect(err).toContain('--case');
  });
});
