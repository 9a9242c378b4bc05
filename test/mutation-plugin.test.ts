/**
 * src/losses/plugin against written-out expectations (issue 12 item 5, docs/mutation.md): every
 * message of the plugin format (docs/plugins.md, "Errors") checked word for word; the partials a
 * plugin returns against the coefficients of a linear loss (∂/∂r of Σ c·r is c, an oracle that needs
 * no differentiation code); the batch plugin's argument layout, reductions, labels, families, the
 * `--loss` parser and the loader's export forms.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { EXACT, ExactUnsupported, F64 } from '../src/numeric/arith.js';
import { Rational } from '../src/numeric/rational.js';
import { parseLoss } from '../src/losses/index.js';
import { BUILTIN_SPEC_HELP, definePlugin, familyOf, isPluginFileSpec, lossLabel, pluginFamily, pluginLoss, PluginError, resolveLossSpec, splitLossSpec, type LossPlugin } from '../src/losses/plugin/index.js';
import { negativesRange } from '../src/losses/plugin/define.js';
import { caseText, errText, paramText, partialName } from '../src/losses/plugin/errors.js';
import { resolveParams, validatePluginObject } from '../src/losses/plugin/validate.js';
import { callPlugin } from '../src/losses/plugin/call.js';
import { probePlugin } from '../src/losses/plugin/probe.js';
import { importPluginFile } from '../src/losses/plugin/load.js';

const dir = mkdtempSync(join(tmpdir(), 'covcheck-mutation-plugin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** ℓ = r_+ − Σ_k (k+1)·r_k−: its partials are the coefficients 1, −1, −2, … */
const linear: LossPlugin = { name: 'lin', loss: (o, r) => r.neg.reduce((s, n, k) => o.sub(s, o.mul(k + 1, n)), o.add(r.pos, 0)) };
/** The value of a dual number (the distances a plugin sees). */
const val = (d: unknown): number => (d as { v: number }).v;
const msg = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'did not throw';
};

describe('errors.ts: the texts messages are made of', () => {
  it('paramText, errText, caseText, partialName', () => {
    expect(paramText({})).toBe('(none)');
    expect(paramText({ tau: 0.1, r0: 0 })).toBe('tau=0.1, r0=0');
    expect(errText(new RangeError('bad'))).toBe('RangeError: bad');
    expect(errText(new Error('plain'))).toBe('plain');
    expect(errText('text')).toBe('text');
    expect(caseText(F64, [1 / 3], [[2, Infinity]], {})).toBe('(r_+ = 0.333333, r− = [2, Infinity]); params (none); float arithmetic');
    expect(caseText(EXACT, [Rational.parse('1/2')], [[Rational.ONE]], { c: 2 })).toBe('(r_+ = 0.5, r− = [1]); params c=2; rational arithmetic');
    expect(caseText(F64, [1, 2, 3, 4], [[5], [6], [7], [8]], {})).toBe('(r_+ = 1, r− = [5]), (r_+ = 2, r− = [6]), (r_+ = 3, r− = [7]), … (4 tuples); params (none); float arithmetic');
    expect(caseText(F64, [1, 2, 3], [[5], [6]], {})).toBe('(r_+ = 1, r− = [5]), (r_+ = 2, r− = [6]), (r_+ = 3, r− = []); params (none); float arithmetic');
    expect([partialName(0, 1, 2), partialName(1, 1, 2), partialName(2, 1, 2)]).toEqual(['r_+', 'r_1−', 'r_2−']);
    expect([partialName(1, 2, 3), partialName(2, 2, 3), partialName(6, 2, 3)]).toEqual(['r_+[1]', 'r−[0][0]', 'r−[1][1]']);
    const e = new PluginError('"x" (y)', 'went wrong');
    expect([e.name, e.message, e instanceof InputError]).toEqual(['PluginError', 'loss plugin "x" (y): went wrong', true]);
  });
});

describe('validate.ts: the object and its parameters', () => {
  const ok: LossPlugin = { name: 'ok', loss: (_o, r) => r.pos };
  it('every shape error, word for word', () => {
    const cases: [unknown, string][] = [
      [null, 'loss plugin (src): the file must export a plugin object {name, params?, loss(ops, r, params)} as its default export, got null'],
      [[1], 'loss plugin (src): the file must export a plugin object'],
      [7, 'loss plugin (src): the file must export a plugin object'],
      [{ name: 'a b', loss: () => 0 }, `loss plugin (src): 'name' must be a string of letters, digits, _ - . (at most 64), got`],
      [{ name: 'x'.repeat(65), loss: () => 0 }, `'name' must be a string`],
      [{ name: 3, loss: () => 0 }, `'name' must be a string`],
      [{ name: 'n' }, `loss plugin "n" (src): 'loss' must be a function (ops, r, params) => value, got`],
      [{ ...ok, kind: 'pair' }, `loss plugin "ok" (src): 'kind' must be "tuple" or "batch", got`],
      [{ ...ok, params: [1] }, `'params' must be an object of numbers, got`],
      [{ ...ok, params: null }, `'params' must be an object of numbers, got`],
      [{ ...ok, params: 3 }, `'params' must be an object of numbers, got`],
      [{ ...ok, params: { tau: 'a' } }, 'params.tau must be a finite number, got'],
      [{ ...ok, params: { tau: Infinity } }, 'params.tau must be a finite number, got'],
      [{ ...ok, negatives: 0 }, `'negatives' must be an integer >= 1 or [min, max], got`],
      [{ ...ok, negatives: 1.5 }, `'negatives' must be an integer`],
      [{ ...ok, negatives: '2' }, `'negatives' must be an integer`],
      [{ ...ok, negatives: [2, 1] }, `'negatives' must be an integer`],
      [{ ...ok, negatives: [0, 2] }, `'negatives' must be an integer`],
      [{ ...ok, negatives: [1, 2, 3] }, `'negatives' must be an integer`],
      [{ ...ok, negatives: [1, '2'] }, `'negatives' must be an integer`],
      [{ ...ok, validate: 'no' }, `'validate' must be a function, got`],
    ];
    for (const [obj, want] of cases) expect(msg(() => validatePluginObject(obj, 'src'))).toContain(want);
    for (const good of [ok, { ...ok, kind: 'tuple' }, { ...ok, kind: 'batch' }, { ...ok, params: {} }, { ...ok, negatives: 2 }, { ...ok, negatives: [1, 1] }, { ...ok, negatives: [1, Infinity] }, { ...ok, name: 'A-z_0.9' }, { ...ok, name: 'x'.repeat(64) }, { ...ok, validate: () => null }]) {
      expect(validatePluginObject(good, 'src')).toBe(good);
    }
  });

  it('resolveParams: defaults, overrides, unknown names, validate', () => {
    const p: LossPlugin = { ...ok, params: { tau: 1, r0: 0 }, validate: (q) => (q.tau! > 0 ? undefined : 'tau must be > 0') };
    expect(resolveParams(p, { tau: 2 }, 's')).toEqual({ tau: 2, r0: 0 });
    expect(resolveParams(ok, {}, 's')).toEqual({});
    expect(msg(() => resolveParams(p, { beta: 1 }, 's'))).toBe(`loss plugin "ok" (s): unknown parameter 'beta' (it has tau, r0)`);
    expect(msg(() => resolveParams(ok, { beta: 1 }, 's'))).toBe(`loss plugin "ok" (s): unknown parameter 'beta' (it has none)`);
    expect(msg(() => resolveParams(p, { tau: NaN }, 's'))).toBe('loss plugin "ok" (s): parameter tau must be a finite number, got NaN');
    expect(msg(() => resolveParams(p, { tau: -1 }, 's'))).toBe('loss plugin "ok" (s): bad parameters tau=-1, r0=0: tau must be > 0');
    const thrower: LossPlugin = { ...ok, validate: () => { throw new TypeError('oops'); } };
    expect(msg(() => resolveParams(thrower, {}, 's'))).toBe('loss plugin "ok" (s): bad parameters (none): validate threw: TypeError: oops');
    expect(resolveParams({ ...ok, validate: () => '' }, {}, 's')).toEqual({});
  });
});

describe('call.ts: one evaluation on dual numbers', () => {
  it('the partials are the coefficients of a linear loss, in the order pos…, neg[b][k]…', () => {
    const c = callPlugin(F64, linear, 's', {}, [0.5], [[1, 2, 3]], 2, 'mean');
    expect([c.value, c.dPos, c.dNeg]).toEqual([0.5 - 1 - 4 - 9, [1], [[-1, -2, -3]]]);
    // A batch plugin: ℓ = Σ_b (b+1)·pos_b + Σ_{b,k} (10b + k)·neg_bk, plus dim and the reduction seen.
    const seen: unknown[] = [];
    const batchLin: LossPlugin = {
      name: 'blin', kind: 'batch',
      loss: (o, r) => {
        seen.push(r.dim, r.reduction);
        let s = o.mul(0, r.pos[0]!);
        r.pos.forEach((p, b) => { s = o.add(s, o.mul(b + 1, p)); });
        r.neg.forEach((row, b) => row.forEach((n, k) => { s = o.add(s, o.mul(10 * b + k, n)); }));
        return s;
      },
    };
    const b = callPlugin(F64, batchLin, 's', {}, [1, 1], [[1, 1, 1], [1, 1, 1]], 7, 'sum');
    expect([b.dPos, b.dNeg, seen]).toEqual([[1, 2], [[0, 1, 2], [10, 11, 12]], [7, 'sum']]);
    const e = callPlugin(EXACT, linear, 's', {}, [Rational.parse('1/3')], [[Rational.ONE]], 2, 'mean');
    expect([String(e.value), String(e.dNeg[0]![0])]).toEqual(['-2/3', '-1']);
  });

  it('every misbehaviour, word for word', () => {
    const call = (p: LossPlugin, neg: number[][] = [[1]], pos: number[] = [0.5]) => msg(() => callPlugin(F64, p, 'src', {}, pos, neg, 2, 'mean'));
    expect(call({ ...linear, negatives: 2 })).toBe('loss plugin "lin" (src): takes 2 negatives, the case has H = 1');
    expect(call({ ...linear, negatives: [2, 3] })).toBe('loss plugin "lin" (src): takes 2..3 negatives, the case has H = 1');
    expect(call({ ...linear, negatives: [2, Infinity] })).toBe('loss plugin "lin" (src): takes 2..∞ negatives, the case has H = 1');
    expect(call({ ...linear, negatives: 1 }, [[1, 2]])).toBe('loss plugin "lin" (src): takes 1 negatives, the case has H = 2');
    expect(call({ ...linear, negatives: [1, 3] }, [[1, 2, 3]]).startsWith('did not')).toBe(true);
    expect(call(linear, [])).toBe('loss plugin "lin" (src): takes 1..∞ negatives, the case has H = 0');
    const where = 'on the case (r_+ = 0.5, r− = [1]); params (none); float arithmetic';
    expect(call({ name: 't', loss: () => { throw new RangeError('no'); } })).toBe(`loss plugin "t" (src): threw ${where}: RangeError: no`);
    expect(call({ name: 'j', loss: ((_o: unknown, r: { pos: number }) => r.pos * 2) as never })).toMatch(new RegExp(`^loss plugin "j" \\(src\\): is not a function of the distances through the ops ${where.replace(/[()[\]+]/g, '\\$&')}: `));
    expect(call({ name: 'p', loss: (async () => 1) as never })).toBe(`loss plugin "p" (src): returned a Promise ${where}: loss(ops, r, params) must be synchronous`);
    expect(call({ name: 'n', loss: (() => 4) as never })).toBe(`loss plugin "n" (src): returned the plain number 4 ${where}: the result must be built from the distances with the ops (a constant loss is ops.const(c)), otherwise it is not a function of the distances`);
    expect(call({ name: 's', loss: (() => 'x') as never })).toBe(`loss plugin "s" (src): has the wrong shape ${where}: expected one value (the tuple loss, an ops result), got string`);
    expect(call({ name: 's', kind: 'batch', loss: (() => ({})) as never })).toContain('has the wrong shape on the case (r_+ = 0.5, r− = [1]); params (none); float arithmetic: expected one value (the batch loss, an ops result), got');
    let kept: unknown;
    const stale: LossPlugin = { name: 'k', loss: (o, r) => (kept ??= o.add(r.pos, 0)) as never };
    call(stale);
    expect(call(stale)).toBe(`loss plugin "k" (src): returned a value computed in another call ${where}: the loss must be a function of the distances it is given (no state kept between calls)`);
    expect(call({ name: 'nan', loss: (o, r) => o.log(o.sub(r.pos, 1)) })).toBe(`loss plugin "nan" (src): returned NaN ${where}`);
    expect(call({ name: 'inf', loss: (o, r) => o.div(r.pos, o.sub(r.neg[0]!, 1)) })).toBe(`loss plugin "inf" (src): returned Infinity ${where}`);
    expect(call({ name: 'ninf', loss: (o, r) => o.log(o.sub(r.neg[0]!, 1)) })).toBe(`loss plugin "ninf" (src): returned -Infinity ${where}`);
    const slope: LossPlugin = { name: 'd', loss: (o, r) => o.add(r.pos, o.mul(0, o.log(o.sub(r.neg[0]!, 1)))) };
    expect(call(slope)).toMatch(/^loss plugin "d" \(src\): (returned NaN|has a non-finite derivative \((-?Infinity|NaN)\) with respect to r_1−) on the case/);
    const dslope: LossPlugin = { name: 'd2', loss: (o, r) => o.add(r.pos, o.div(1, o.div(1, o.sub(r.neg[0]!, 1)))) };
    expect(call(dslope, [[3]])).toBe('did not throw');
    // 1/(1/0) = 0 is finite, its slope in r− is NaN; in the r_+ slot, which neither division depends
    // on, the partial stays 0 (dual.ts; it was 0/0 = NaN, and the message named r_+); log r− at a
    // subnormal r− is finite, its slope 1/r− overflows.
    expect(call(dslope, [[1]])).toBe(`loss plugin "d2" (src): has a non-finite derivative (NaN) with respect to r_1− ${where}`);
    const logSub: LossPlugin = { name: 'ls', loss: (o, r) => o.add(r.pos, o.log(r.neg[0]!)) };
    expect(call(logSub, [[1e-320]])).toBe('loss plugin "ls" (src): has a non-finite derivative (Infinity) with respect to r_1− on the case (r_+ = 0.5, r− = [1e-320]); params (none); float arithmetic');
    expect(msg(() => callPlugin(F64, { ...logSub, kind: 'batch', loss: (o, r) => o.add(r.pos[0]!, o.log(r.neg[1]![0]!)) }, 'src', {}, [0.5, 0.5], [[2], [1e-320]], 2, 'mean'))).toMatch(/has a non-finite derivative \(Infinity\) with respect to r−\[1\]\[0\] on the case/);
    // ExactUnsupported passes through unchanged.
    expect(() => callPlugin(EXACT, { name: 'e', loss: (o, r) => o.exp(r.pos) }, 's', {}, [Rational.ONE], [[Rational.ONE]], 2, 'mean')).toThrow(ExactUnsupported);
  });
});

describe('probe.ts, pluginLoss.ts, family.ts', () => {
  it('rational or not; probed with H = max(1, min negatives) on the probe cases; batch plugins get two tuples', () => {
    const seen: number[][] = [];
    const rec: LossPlugin = { name: 'rec', negatives: [3, 4], loss: (o, r) => { seen.push([val(r.pos), ...r.neg.map(val)]); return o.add(r.pos, 0); } };
    expect(probePlugin(rec, {}, 's').H).toBe(3);
    expect(seen.slice(0, 2)).toEqual([[0.5, 1, 0.25, 2], [0.5, 1, 0.25, 2]]); // the first probe case, twice
    expect(seen.some((c) => c.every((v) => v === 0))).toBe(true); // r = 0 is probed
    expect(probePlugin(linear, {}, 's')).toEqual({ rational: true, H: 1 });
    expect(probePlugin({ name: 'x', loss: (o, r) => o.exp(r.pos) }, {}, 's').rational).toBe(false);
    // divides by r_+ exactly: fine in floats at the probes that are finite? no: 1/0 is ∞ → a PluginError in floats first.
    expect(msg(() => probePlugin({ name: 'z', loss: (o, r) => o.div(1, r.pos) }, {}, 's'))).toMatch(/"z" \(s\): returned Infinity on the case \(r_\+ = 0,/);
    // 1/(r_+ + 1e-300) is finite in floats at r_+ = 0, exact there too: rational.
    expect(probePlugin({ name: 'q', loss: (o, r) => o.div(1, o.add(r.pos, 0.5)) }, {}, 's').rational).toBe(true);
    // Exact division by 0 only in rationals (r_+ − r_+·(1 + 2^-60) is 0 in floats' last step? use max): not rational.
    const exactZero: LossPlugin = { name: 'ez', loss: (o, r) => o.div(r.pos, o.sub(o.add(r.pos, 1), o.add(r.pos, 1))) };
    expect(msg(() => probePlugin(exactZero, {}, 's'))).toMatch(/returned NaN|returned Infinity/);
    const batchSeen: number[] = [];
    const bp: LossPlugin = { name: 'bp', kind: 'batch', loss: (o, r) => { batchSeen.push(r.pos.length, r.neg.length); return o.add(r.pos[0]!, 0); } };
    expect(probePlugin(bp, {}, 's')).toEqual({ rational: true, H: 1 });
    expect(batchSeen.slice(0, 2)).toEqual([2, 2]);
    let n = 0;
    const drift: LossPlugin = { name: 'dr', loss: (o, r) => o.add(r.pos, n++) };
    expect(msg(() => probePlugin(drift, {}, 's'))).toBe('loss plugin "dr" (s): is not a function of the distances: two evaluations on the same case (r_+ = 0.5, r− = [1]); params (none); float arithmetic gave 0.5 and 1.5 (random numbers or state kept between calls?)');
    let m = 0;
    const driftD: LossPlugin = { name: 'dd', loss: (o, r) => o.mul(r.pos, 1 + (m++ % 2) * 0) as never };
    expect(() => probePlugin(driftD, {}, 's')).not.toThrow();
    let q = 0;
    const driftSlope: LossPlugin = { name: 'ds', loss: (o, r) => o.add(o.mul(r.pos, 1 + q++), o.mul(r.neg[0]!, 0)) };
    expect(msg(() => probePlugin(driftSlope, {}, 's'))).toMatch(/is not a function of the distances: two evaluations/);
    let w = 0;
    const driftNeg: LossPlugin = { name: 'dn', loss: (o, r) => o.add(o.mul(r.pos, 0), o.mul(r.neg[0]!, 1 + w++)) };
    expect(msg(() => probePlugin(driftNeg, {}, 's'))).toMatch(/is not a function of the distances: two evaluations/);
  });

  it('pluginLoss: label, perTuple, reductions, the batch plugin sees the batch', () => {
    const l = pluginLoss({ ...linear, params: { c: 1 } }, 'src');
    expect([l.name, l.label, l.perTuple, l.rational, l.source]).toEqual(['lin', 'lin(c=1)', true, true, 'src']);
    expect(pluginLoss(linear, 'src').label).toBe('lin');
    const batch = { rPos: [1, 3], rNeg: [[2], [5]], dim: 4, reduction: 'mean' as const };
    const mean = l.evaluate(F64, batch);
    const sum = l.evaluate(F64, { ...batch, reduction: 'sum' });
    expect([mean.value, sum.value]).toEqual([((1 - 2) + (3 - 5)) / 2, (1 - 2) + (3 - 5)]);
    expect([mean.betaPos, mean.betaNeg, sum.betaPos]).toEqual([[0.5, 0.5], [[-0.5], [-0.5]], [1, 1]]);
    const got: unknown[] = [];
    const bp = pluginLoss({ name: 'bp', kind: 'batch', loss: (o, r) => { got.push(r.dim, r.reduction, r.pos.length); return o.add(o.mul(2, r.pos[1]!), r.neg[1]![0]!); } }, 's');
    expect(bp.perTuple).toBe(false);
    got.length = 0;
    const v = bp.evaluate(F64, { ...batch, reduction: 'sum' });
    expect([v.value, v.betaPos, v.betaNeg, got]).toEqual([11, [0, 2], [[0], [1]], [4, 'sum', 2]]);
  });

  it('family: labels, cache, negatives, make', () => {
    expect(lossLabel(parseLoss({ name: 'nce', tau: 0.5 }))).toBe('nce(tau=0.5)');
    expect(lossLabel(pluginLoss(linear, './x.ts'))).toBe('lin [./x.ts]');
    expect(lossLabel(pluginLoss({ ...linear, params: { c: 1, d: 2 } }, './x.ts'))).toBe('lin(c=1,d=2) [./x.ts]');
    expect(lossLabel(pluginLoss(linear, 'builtin:lin'))).toBe('lin');
    const nce = parseLoss({ name: 'nce', tau: 0.5 });
    const f = familyOf(nce);
    expect([f.name, f.label, f.params, f.negatives, f.perTuple]).toEqual(['nce', 'nce(tau=0.5)', { tau: 0.5 }, [1, Infinity], true]);
    expect(f.make()).toBe(nce);
    expect(f.make({ tau: 0.5 })).toBe(f.make({ tau: 0.5 }));
    expect(f.make({ tau: 0.25 }).params).toEqual({ tau: 0.25 });
    expect(familyOf(parseLoss({ name: 'tri' })).negatives).toEqual([1, 1]);
    const pf = pluginFamily({ ...linear, negatives: [2, 5], params: { c: 1 } }, './p.ts', { c: 3 });
    expect([pf.name, pf.label, pf.params, pf.negatives]).toEqual(['lin', 'lin(c=3) [./p.ts]', { c: 3 }, [2, 5]]);
    expect(pf.make({ c: 4 }).params).toEqual({ c: 4 });
    expect(pf.make()).toBe(pf.make({}));
    expect(negativesRange(linear)).toEqual([1, Infinity]);
    expect(negativesRange({ ...linear, negatives: 3 })).toEqual([3, 3]);
    expect(negativesRange({ ...linear, negatives: [2, 4] })).toEqual([2, 4]);
    expect(definePlugin(linear)).toBe(linear);
  });
});

describe('spec.ts and load.ts: the --loss value and the plugin file', () => {
  it('splitLossSpec and isPluginFileSpec', () => {
    expect(splitLossSpec('  nce  ')).toEqual({ spec: 'nce', overrides: {} });
    expect(splitLossSpec('./a:b/x.ts')).toEqual({ spec: './a:b/x.ts', overrides: {} });
    expect(splitLossSpec('./x.ts: c = 2 ,d=3')).toEqual({ spec: './x.ts', overrides: { c: 2, d: 3 } });
    expect(msg(() => splitLossSpec(' '))).toBe('--loss: expected a loss file (./my-loss.ts) or a built-in name (nce, tri:tau=0.5, …)');
    expect(msg(() => splitLossSpec('', '--losses'))).toMatch(/^--losses: /);
    expect(msg(() => splitLossSpec('nce:tau=1,x'))).toBe('--loss: bad parameter "x" in "nce:tau=1,x" (expected name=number)');
    expect(msg(() => splitLossSpec('nce:tau=abc'))).toBe('--loss: parameter tau = "abc" is not a finite number');
    expect(msg(() => splitLossSpec('nce:tau=Infinity'))).toBe('--loss: parameter tau = "Infinity" is not a finite number');
    for (const [s, want] of [['./x.ts', true], ['x.mjs', true], ['x.cjs', true], ['x.js', true], ['x.mts', true], ['a\\b', true], ['nce', false], ['builtin:nce', false], ['tri:tau=1', false], ['./x.ts:tau=abc', true], ['x.ts:tau=abc', false], ['nce:tau=abc', false], ['x.tsx', false], ['x.ts.bak', false]] as const) {
      expect(isPluginFileSpec(s), s).toBe(want);
    }
    expect(BUILTIN_SPEC_HELP).toMatch(/^a loss file \(\.\/my-loss\.ts\[:param=value,…\]\), a built-in \(simp, .*nce.*, e\.g\. nce:tau=0\.1\) or builtin:<example> \(the plugin-format examples\)$/);
  });

  it('resolveLossSpec: built-ins, builtin:<name>, errors naming the flag', async () => {
    expect((await resolveLossSpec('nce:tau=0.5', dir)).params).toEqual({ tau: 0.5 });
    expect((await resolveLossSpec('builtin:simp', dir)).name).toBe('simp');
    await expect(resolveLossSpec('builtin:nope', dir, '--x')).rejects.toThrow(/^--x: no built-in plugin "nope" \(.*simp.*\)$/);
    await expect(resolveLossSpec('nope', dir)).rejects.toThrow(/^--loss: "nope" is neither a loss file \(give a path such as \.\/my-loss\.ts\) nor a built-in loss \(.*nce.*\)$/);
    await expect(resolveLossSpec('nce:beta=1', dir)).rejects.toThrow(`--loss: the built-in loss nce has no parameter 'beta' (tau, r0)`);
    await expect(resolveLossSpec('tri:r0=1', dir)).resolves.toBeDefined();
    const e = await resolveLossSpec('nce:tau=-1', dir, '--loss').then(() => null, (x: unknown) => x as InputError);
    expect(e?.field).toBe('--loss');
    expect(e?.message).toMatch(/^--loss: "nce:tau=-1": .*tau/);
  });

  it('importPluginFile: default, named `plugin`, CommonJS interop, missing, a folder, no export', async () => {
    const body = "{ name: 'f', loss: (o, r) => o.add(r.pos, 0) }";
    const file = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
    expect((await importPluginFile(file('d.mjs', `export default ${body};\n`), dir)).plugin.name).toBe('f');
    expect((await importPluginFile(file('n.mjs', `export const plugin = ${body};\n`), dir)).plugin.name).toBe('f');
    expect((await importPluginFile(file('c.mjs', `export default { __esModule: true, default: ${body} };\n`), dir)).plugin.name).toBe('f');
    expect((await importPluginFile(file('c2.mjs', `export default { __esModule: true, plugin: ${body} };\n`), dir)).plugin.name).toBe('f');
    const r = await importPluginFile('d.mjs', dir);
    expect(r.source).toBe('d.mjs');
    mkdirSync(join(dir, 'folder.mjs'));
    await expect(importPluginFile('folder.mjs', dir)).rejects.toThrow('--loss: not a file: folder.mjs');
    await expect(importPluginFile('gone.mjs', dir, '--f')).rejects.toThrow('--f: no such loss file: gone.mjs');
    await expect(importPluginFile(file('e.mjs', 'export const x = 1;\n'), dir)).rejects.toThrow(`loss plugin (${join(dir, 'e.mjs')}): exports no plugin: write \`export default { name, params, loss(ops, r, params) { … } }\``);
    await expect(importPluginFile(file('t.mjs', "throw new TypeError('top');\n"), dir)).rejects.toThrow(`loss plugin (${join(dir, 't.mjs')}): could not be loaded: TypeError: top`);
  });
});

describe('plugin survivors of the first rerun (docs/mutation.md)', () => {
  it('rationals are not checked for overflow; an exact division by 0 makes a plugin not rational', () => {
    const huge: LossPlugin = { name: 'h', loss: (o, r) => o.mul(o.mul(r.pos, 1e300), 1e300) };
    expect(String(callPlugin(EXACT, huge, 's', {}, [Rational.ONE], [[Rational.ONE]], 2, 'mean').value).length).toBeGreaterThan(600);
    // d = (e + 1) − 1 − e with e = 1e-17: −1e-17 in floats (1 + 1e-17 rounds to 1), exactly 0 in rationals.
    const zeroInQ: LossPlugin = { name: 'zq', loss: (o, r) => { const e = o.add(o.mul(r.pos, 0), 1e-17); return o.div(r.pos, o.sub(o.sub(o.add(e, 1), 1), e)); } };
    expect(probePlugin(zeroInQ, {}, 's')).toEqual({ rational: false, H: 1 });
    // Any other failure in the rational probe is the plugin's error, not "not rational".
    let n = 0;
    const late: LossPlugin = { name: 'late', loss: (o, r) => { if (++n > 8) throw new Error('late'); return o.add(r.pos, 0); } };
    expect(msg(() => probePlugin(late, {}, 's'))).toMatch(/^loss plugin "late" \(s\): threw on the case .*rational arithmetic: late$/);
  });

  it('batch probes: the second tuple has the negatives reversed; the rational probe passes reduction mean', () => {
    const rows: number[][][] = [];
    const bp: LossPlugin = { name: 'bp', kind: 'batch', negatives: 3, loss: (o, r) => { rows.push(r.neg.map((row) => row.map(val))); return o.add(r.pos[0]!, 0); } };
    probePlugin(bp, {}, 's');
    expect(rows[0]).toEqual([[1, 0.25, 2], [2, 0.25, 1]]);
    const picky: LossPlugin = { name: 'pk', kind: 'batch', loss: (o, r) => (r.reduction === 'mean' ? o.add(r.pos[0]!, 0) : o.exp(r.pos[0]!)) };
    expect(probePlugin(picky, {}, 's').rational).toBe(true);
  });

  it('a drifting slope with a steady value is caught (batch: every partial compared, not some)', () => {
    const drift = (part: 'pos' | 'neg' | 'row'): LossPlugin => {
      let c = 1;
      return {
        name: 'dr', kind: 'batch', negatives: 2,
        loss: (o, r) => {
          c++;
          // value 0 at the first probe (pos [0.5, 1], neg [[1, 0.25], [0.25, 1]]), one partial drifts
          if (part === 'pos') return o.add(o.mul(c, o.sub(r.pos[0]!, 0.5)), o.sub(r.pos[1]!, 1));
          if (part === 'neg') return o.add(o.mul(c, o.sub(r.neg[0]![0]!, 1)), o.sub(r.neg[1]![0]!, 0.25));
          return o.add(o.mul(c, o.sub(r.neg[0]![0]!, 1)), o.sub(r.neg[0]![1]!, 0.25));
        },
      };
    };
    for (const part of ['pos', 'neg', 'row'] as const) expect(msg(() => probePlugin(drift(part), {}, 's'))).toMatch(/is not a function of the distances: two evaluations on the same case .* gave 0 and 0 /);
  });

  it('--loss parsing edges: a leading colon, names after spaces, trailing junk, whitespace', async () => {
    expect(splitLossSpec(':tau=1')).toEqual({ spec: '', overrides: { tau: 1 } });
    expect(splitLossSpec('./a:b c=2')).toEqual({ spec: './a:b c=2', overrides: {} });
    expect(msg(() => splitLossSpec('nce:tau=1,x y=2'))).toBe('--loss: bad parameter "x y=2" in "nce:tau=1,x y=2" (expected name=number)');
    expect(msg(() => splitLossSpec('nce:tau=1 2'))).toBe('--loss: bad parameter "tau=1 2" in "nce:tau=1 2" (expected name=number)');
    expect(isPluginFileSpec('a:b=x.ts ')).toBe(true);
    await expect(resolveLossSpec('builtin:nope', dir)).rejects.toThrow(/ \(\w+(, \w+)+\)$/);
    await expect(resolveLossSpec('nope', dir)).rejects.toThrow(/built-in loss \(\w+(, \w+)+\)$/);
    // A loss's own message already naming the flag's field is passed through unchanged.
    const e = await resolveLossSpec('nce:tau=-1', dir, 'loss').then(() => null, (x: unknown) => x as InputError);
    expect(e?.field).toBe('loss.tau');
  });
});
