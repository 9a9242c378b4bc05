/**
 * The implementation protocol (docs/impl-protocol.md) end to end: covcheck's client (src/impl)
 * against the TF.js example (examples/impl-tfjs/impl.js) through the real protocol — handshake,
 * grad answers with validated shapes, distances, bye — and every fault of §3, each an ImplError
 * naming the implementation, the request and the fault, with the tail of its standard error.
 * Then agreement: the example's float32 answers equal covcheck's float64 reference
 * (src/case/evaluateCase.ts) on the shared example cases, within the derived float32 tolerance
 * (src/impl/agreementTolerance.ts), and the two broken variants do not. In-batch cases are judged
 * through their explicit expansion (docs/case-format.md, "In-batch negatives"), since the reference
 * takes explicit negatives only. The PyTorch adapter runs where torch imports, else is skipped.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { F64 } from '../src/numeric/arith.js';
import { tolerance, type Tolerance } from '../src/numeric/tolerance.js';
import { parseCase } from '../src/case/parseCase.js';
import { evaluateCase } from '../src/case/evaluateCase.js';
import { batchLoss } from '../src/network/batchGradient.js';
import { parseLoss } from '../src/losses/index.js';
import { ImplClient, ImplError, caseOutsideSupport, parseHandshake, supportsCase, type GradAnswer, type ImplCase, type ImplFault, type ImplHandshake } from '../src/impl/index.js';
import { readGradAnswer } from '../src/impl/answers.js';
import { agreementTolerance } from '../src/impl/agreementTolerance.js';

const ROOT = join(import.meta.dirname, '..');
const EXAMPLE = join(ROOT, 'examples', 'impl-tfjs', 'impl.js');
const ADAPTER = join(ROOT, 'examples', 'impl-pytorch', 'adapter.py');
const CASES = join(ROOT, 'fixtures', 'cases');
const node = (script: string, ...flags: string[]) => [process.execPath, script, ...flags].map((a) => JSON.stringify(a)).join(' ');
const tfjs = (...flags: string[]) => node(EXAMPLE, ...flags);
/** TF.js takes a while to import on a busy machine: the handshake gets a minute. */
const SLOW_START = { handshakeTimeoutMs: 60_000 };

type Json = Record<string, unknown>;
const readCase = (name: string) => JSON.parse(readFileSync(join(CASES, name), 'utf8')) as Json;
const gradCaseNames = readdirSync(CASES)
  .filter((f) => f.endsWith('.case.json'))
  .sort()
  .filter((f) => (readCase(f).mode ?? 'grad') === 'grad');

/** Expects the promise to reject with an ImplError of this fault; returns it. */
async function implFault(p: Promise<unknown>, fault: ImplFault): Promise<ImplError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e, `expected an ImplError (${fault})`).toBeInstanceOf(ImplError);
  const err = e as ImplError;
  expect(err.fault, err.message).toBe(fault);
  expect(err).toBeInstanceOf(InputError); // the CLI maps it to exit 2
  return err;
}

/**
 * True while a process of the group `pgid` runs (Linux /proc). Zombies count as dead: where PID 1
 * does not reap orphans (containers), a killed grandchild stays a zombie in its group.
 */
function processAlive(pgid: number | undefined): boolean {
  if (pgid === undefined) return false;
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .some((d) => {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      } catch {
        return false; // exited meanwhile
      }
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(pgrp) === pgid && state !== 'Z';
    });
}

/** Waits (≤ 5 s) until no process of the group runs: SIGKILL is delivered asynchronously. */
async function goneSoon(pgid: number | undefined): Promise<boolean> {
  for (let i = 0; i < 100 && processAlive(pgid); i++) await new Promise((r) => setTimeout(r, 50));
  return !processAlive(pgid);
}

// ---------------------------------------------------------------------------------------------
describe('the TF.js example through the real protocol', () => {
  let impl: ImplClient;
  beforeAll(async () => {
    impl = await ImplClient.start(tfjs(), SLOW_START);
  });
  afterAll(async () => impl?.close());

  it('handshake: name, dtype float32, what it supports', () => {
    expect(impl.name).toBe('tfjs-example');
    expect(impl.handshake.dtype).toBe('float32');
    expect(impl.handshake.supports.negatives).toEqual(['explicit', 'in-batch']);
    expect(impl.handshake.supports.losses).toContain('ntxent');
    expect(impl.handshake.supports.distances).toBe(true);
  });

  it('grad: loss, f (x, x_pos, x_neg [B][H][n_out]), grads and grads_bias in the case shapes', async () => {
    const c = readCase('03-nce-bias-norm-leaky_relu.case.json') as unknown as ImplCase;
    const a = await impl.grad(c);
    expect(Number.isFinite(a.loss)).toBe(true);
    expect(a.f.x).toHaveLength(4);
    expect((a.f.x_neg as number[][][])[0]).toHaveLength(2);
    expect(Object.keys(a.grads).sort()).toEqual(['s', 's0', 's1', 's2']);
    expect(a.grads.s).toHaveLength(2);
    expect(a.grads.s![0]).toHaveLength(6);
    expect(a.grads_bias?.s1).toHaveLength(2);
  });

  it('grad: flat negatives ([B][leaves]) come back flat, in-batch cases without x_neg', async () => {
    const flat = await impl.grad(readCase('01-tri-norm-relu.case.json') as unknown as ImplCase);
    expect(Array.isArray((flat.f.x_neg as number[][])[0]![0])).toBe(false);
    const inBatch = await impl.grad(inBatchCase('02-nce-relu.case.json', { name: 'nce', tau: 0.5, symmetric: true }));
    expect(inBatch.f.x_neg).toBeUndefined();
  });

  it('pipelined requests are answered in order, each matched to its own case', async () => {
    const cases = gradCaseNames.map((n) => readCase(n) as unknown as ImplCase);
    const answers = await Promise.all(cases.map((c) => impl.grad(c)));
    answers.forEach((a, i) => expect(Object.keys(a.grads).sort()).toEqual(Object.keys(cases[i]!.weights).sort()));
  });

  it('distances: loss and β = ∂loss/∂r agree with covcheck float64 (simp, tri, nce) within the float32 tolerance', async () => {
    const rPos = [0.25, 1.5, 0.75];
    const rNeg = [
      [1, 0.5],
      [2, 0.125],
      [0.375, 3],
    ];
    for (const spec of [{ name: 'simp' }, { name: 'nce', tau: 0.5 }, { name: 'tri', tau: 0.5, r0: 0.25 }]) {
      const neg = spec.name === 'tri' ? rNeg.map((r) => [r[0]!]) : rNeg;
      const got = await impl.distances({ loss: spec, r_pos: rPos, r_neg: neg });
      const want = parseLoss(spec).evaluate(F64, { rPos, rNeg: neg, dim: 2, reduction: 'mean' });
      const t = distanceTolerance(want, rPos, neg, spec.name === 'simp' ? 1 : spec.tau!);
      expect(Math.abs(got.loss - want.value), `${spec.name} loss; ${t.derivation}`).toBeLessThanOrEqual(t.tol);
      expect(maxAbsDiff([got.beta_pos, got.beta_neg], [want.betaPos, want.betaNeg]), `${spec.name} β; ${t.derivation}`).toBeLessThanOrEqual(t.tol);
    }
  });

  it('an {"error": ...} answer rejects that request only; the next one is answered', async () => {
    const err = await implFault(impl.distances({ loss: { name: 'tri' }, r_pos: [1], r_neg: [[2, 3]] }), 'error-answer');
    expect(err.message).toMatch(/implementation "tfjs-example", request distances #\d+: error-answer: .*tri takes H = 1/);
    const ok = await impl.distances({ loss: { name: 'simp' }, r_pos: [1], r_neg: [[2]] });
    expect(ok.loss).toBe(-1);
  });

  it('official_* through distances (no output width d in the contract) is refused before it is sent', async () => {
    const err = await implFault(impl.distances({ loss: { name: 'official_nce' }, r_pos: [1], r_neg: [[2]] }), 'unsupported');
    expect(err.message).toMatch(/official_nce depends on the output width d/);
    expect((await impl.distances({ loss: { name: 'simp' }, r_pos: [1], r_neg: [[2]] })).loss).toBe(-1);
  });

  it('a case outside supports is refused before it is sent (unsupported), the process stays up', async () => {
    const c = { ...readCase('02-nce-relu.case.json'), activation: 'gelu' } as unknown as ImplCase;
    expect(supportsCase(impl.handshake, c)).toBe(false);
    const err = await implFault(impl.grad(c), 'unsupported');
    expect(err.message).toMatch(/activation "gelu" is not in supports.activations/);
    await impl.grad(readCase('02-nce-relu.case.json') as unknown as ImplCase);
  });
});

// ---------------------------------------------------------------------------------------------
describe('faults of the protocol: each an ImplError naming implementation, request, fault, stderr tail', () => {
  it('no handshake: the process exits before its first line', async () => {
    const err = await implFault(ImplClient.start(tfjs('--fault', 'no-handshake'), SLOW_START), 'no-handshake');
    expect(err.message).toMatch(/implementation ".*impl\.js.*", the handshake: no-handshake: the process exited with status 3 before its handshake/);
    expect(err.stderrTail).toMatch(/fault mode no-handshake/);
    expect(err.message).toContain(err.stderrTail);
  });

  it('a command that does not exist, or a folder that does not: no-handshake with the reason', async () => {
    const missing = await implFault(ImplClient.start('no-such-command-for-covcheck'), 'no-handshake');
    expect(missing.message).toMatch(/exited with status 127 before its handshake/);
    expect(missing.stderrTail).toMatch(/no-such-command-for-covcheck: not found/);
    const noDir = await implFault(ImplClient.start('true', { cwd: join(tmpdir(), 'covcheck-no-such-folder') }), 'no-handshake');
    expect(noDir.message).toMatch(/could not be started in .*covcheck-no-such-folder/);
  });

  it('a malformed handshake names the field', async () => {
    const bad = JSON.stringify({ ...handshake('x'), dtype: 'float16' });
    const err = await implFault(ImplClient.start(`echo '${bad}'; sleep 30`), 'bad-handshake');
    expect(err.message).toMatch(/the handshake: bad-handshake: dtype: expected "float32" or "float64", got "float16"/);
  });

  it('a banner on standard output before the handshake is not JSON', async () => {
    const err = await implFault(ImplClient.start(`echo 'a warning' >&2; echo 'Hi there, TF.js speaking'; sleep 30`), 'not-json');
    expect(err.message).toMatch(/the handshake: not-json: a line of standard output is not JSON: "Hi there, TF.js speaking"/);
    expect(err.stderrTail).toBe('a warning');
  });

  it('a line longer than the limit (memory guard)', async () => {
    const err = await implFault(ImplClient.start(`head -c 100000 /dev/zero | tr '\\0' a; sleep 30`, { maxLineChars: 10_000 }), 'line-too-long');
    expect(err.message).toMatch(/grew past \d+ characters/);
  });

  const faultCases: [string, ImplFault, RegExp, RegExp][] = [
    ['garbage', 'not-json', /request grad #1: not-json: a line of standard output is not JSON: "this line is not JSON"/, /fault mode garbage on request 1/],
    ['wrong-id', 'wrong-id', /request grad #1: wrong-id: the answer carries id 2, expected 1/, /fault mode wrong-id/],
    ['nan', 'non-finite', /request grad #1: non-finite: grads\.s\[0\]\[0\]: expected a finite number, got null/, /fault mode nan/],
    ['crash-midway', 'exited', /request grad #2: exited: the process exited with status 1 before answering/, /simulated crash/],
  ];
  for (const [mode, fault, message, stderr] of faultCases) {
    it(`--fault ${mode} → ${fault}, and later requests fail with the same error`, async () => {
      const impl = await ImplClient.start(tfjs('--fault', mode), SLOW_START);
      const c = readCase('02-nce-relu.case.json') as unknown as ImplCase;
      const first = impl.grad(c);
      const second = impl.grad(c);
      const err = mode === 'crash-midway' ? (await first, await implFault(second, fault)) : await implFault(first, fault);
      expect(err.implementation).toBe('tfjs-example');
      expect(err.message).toMatch(message);
      expect(err.stderrTail).toMatch(stderr);
      expect(err.message).toContain('--- last lines of its standard error ---');
      if (mode !== 'crash-midway') expect(await second.catch((e: unknown) => e)).toBe(err);
      expect(await impl.grad(c).catch((e: unknown) => e)).toBe(err);
      await impl.close();
      expect(await goneSoon(impl.pid)).toBe(true);
    });
  }

  it('--fault timeout → timeout after implTimeoutMs, and the process is killed', async () => {
    const impl = await ImplClient.start(tfjs('--fault', 'timeout'), { ...SLOW_START, implTimeoutMs: 1000 });
    const t0 = performance.now();
    const err = await implFault(impl.grad(readCase('02-nce-relu.case.json') as unknown as ImplCase), 'timeout');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(990);
    expect(err.message).toMatch(/request grad #1: timeout: no answer within 1000 ms \(the process was killed\)/);
    expect(err.stderrTail).toMatch(/fault mode timeout/);
    expect(await goneSoon(impl.pid)).toBe(true);
  });

  it('the process group is killed when covcheck exits without closing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'covcheck-impl-'));
    const script = join(dir, 'forget.mts');
    const impl = `echo '${JSON.stringify(handshake('forgotten'))}'; sleep 60`;
    writeFileSync(script, `import { ImplClient } from ${JSON.stringify(join(ROOT, 'src', 'impl', 'index.ts'))};\nconst c = await ImplClient.start(${JSON.stringify(impl)});\nconsole.log(c.pid);\n`);
    const out = execFileSync(process.execPath, [join(ROOT, 'bin', 'run-ts.js'), script], { encoding: 'utf8', timeout: 60_000 });
    const pid = Number(out.trim());
    expect(pid).toBeGreaterThan(0);
    expect(await goneSoon(pid)).toBe(true);
  });

  it('bye: the process exits with status 0; a later request is refused', async () => {
    const impl = await ImplClient.start(tfjs(), SLOW_START);
    await impl.close();
    expect(await goneSoon(impl.pid)).toBe(true);
    await implFault(impl.grad(readCase('02-nce-relu.case.json') as unknown as ImplCase), 'exited');
  });
});

// ---------------------------------------------------------------------------------------------
describe('answers are validated against the case (shapes, fields, finite numbers)', () => {
  const c = readCase('03-nce-bias-norm-leaky_relu.case.json') as unknown as ImplCase;
  const ref = evaluateCase(parseCase(c)) as unknown as Json;
  const good = () => JSON.parse(JSON.stringify({ loss: ref.loss, f: ref.f, grads: ref.grads, grads_bias: ref.grads_bias })) as Json;
  const fault = (answer: Json) => {
    try {
      readGradAnswer(c, answer);
    } catch (e) {
      return `${(e as { fault: string }).fault}: ${(e as Error).message}`;
    }
    return 'accepted';
  };
  it('the reference answer itself is accepted, and only the contract fields are kept', () => {
    const a = readGradAnswer(c, { ...good(), connection_grads: {}, verdict: 'pass' });
    expect(Object.keys(a).sort()).toEqual(['f', 'grads', 'grads_bias', 'loss']);
  });
  it('each defect is named', () => {
    const g = good();
    expect(fault({ ...g, loss: undefined })).toBe('missing-field: loss: missing');
    expect(fault({ ...g, grads_bias: undefined })).toBe('missing-field: grads_bias: missing');
    expect(fault({ ...g, loss: 'NaN' })).toMatch(/^non-finite: loss: expected a finite number, got "NaN"/);
    expect(fault({ ...g, grads: { ...(g.grads as Json), s9: [[1]] } })).toMatch(/^shape: grads\.s9: no such node in the case/);
    const short = good();
    ((short.grads as Json).s0 as number[][]).pop();
    expect(fault(short)).toBe('shape: grads.s0: expected 2 rows, got 1');
    const neg = good();
    ((neg.f as Json).x_neg as number[][][])[3]!.pop();
    expect(fault(neg)).toBe('shape: f.x_neg[3]: expected 2 rows, got 1');
  });
  it('handshake validation names the field', () => {
    const h = handshake('x') as unknown as Json;
    const bad = (patch: Json) => {
      try {
        parseHandshake({ ...h, ...patch });
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(bad({})).toBe('accepted');
    expect(bad({ protocol: 'covcheck-impl/2' })).toMatch(/^protocol: expected "covcheck-impl\/1"/);
    expect(bad({ version: 1 })).toMatch(/^version: unknown field/);
    expect(bad({ supports: { ...(h.supports as Json), negatives: ['all'] } })).toMatch(/^supports\.negatives\[0\]: expected one of explicit, in-batch/);
    expect(bad({ supports: { ...(h.supports as Json), normalize: [{ form: 'l2' }] } })).toMatch(/^supports\.normalize\[0\]\.form/);
    expect(bad({ supports: { ...(h.supports as Json), distances: undefined } })).toBe('supports.distances: missing');
  });
  it('supportsCase: activation kinds, bias, normalisation form and eps, loss, negatives', () => {
    const h = parseHandshake(handshake('x'));
    const base = { ...readCase('02-nce-relu.case.json') } as Json;
    const why = (patch: Json) => caseOutsideSupport(h, { ...base, ...patch } as unknown as ImplCase);
    expect(why({})).toBeNull();
    expect(why({ activation: 'leaky_relu:0.2' })).toMatch(/activation "leaky_relu:0.2"/);
    expect(why({ biases: { s: [0] } })).toMatch(/biases/);
    expect(why({ normalize: true })).toMatch(/normalisation plus with eps 0.0001/);
    expect(why({ normalize: true, normalize_form: 'max', eps: 1e-12 })).toBeNull();
    expect(why({ normalize: true, normalize_form: 'max', eps: 1e-4 })).toMatch(/max with eps 0.0001/);
    expect(why({ loss: { name: 'tri' } })).toMatch(/loss "tri"/);
    expect(why({ negatives: 'in-batch' })).toMatch(/negatives "in-batch"/);
    expect(why({ mode: 'expect' })).toMatch(/grad-mode cases only/);
  });
});

// ---------------------------------------------------------------------------------------------
describe('agreement: the TF.js example (float32) equals covcheck float64 within the derived tolerance', () => {
  let impl: ImplClient;
  let detached: ImplClient;
  let halved: ImplClient;
  beforeAll(async () => {
    [impl, detached, halved] = await Promise.all([ImplClient.start(tfjs(), SLOW_START), ImplClient.start(tfjs('--bug', 'detach-negative'), SLOW_START), ImplClient.start(tfjs('--bug', 'half-grad'), SLOW_START)]);
  });
  afterAll(async () => Promise.all([impl?.close(), detached?.close(), halved?.close()]));

  it('has the grad-mode example cases', () => expect(gradCaseNames.length).toBeGreaterThanOrEqual(11));
  for (const name of gradCaseNames) {
    it(`${name}: loss, f, grads`, async () => {
      const c = readCase(name);
      const r = judge(c, await impl.grad(c as unknown as ImplCase));
      for (const k of ['loss', 'f', 'grads'] as const) expect(r.err[k], `${k}: ${r.tol[k].derivation}`).toBeLessThanOrEqual(r.tol[k].tol);
    });
  }

  const inBatch: [string, Json][] = [
    ['02-nce-relu.case.json', { name: 'nce', tau: 0.5 }],
    ['02-nce-relu.case.json', { name: 'nce', tau: 0.5, symmetric: true }],
    ['07-nce-bias-relu.case.json', { name: 'simp', symmetric: true }],
    ['05-official_subtract-relu.case.json', { name: 'official_subtract' }],
    ['08-official_nce-bias-norm-relu.case.json', { name: 'official_nce', tau: 0.5, symmetric: true }],
  ];
  for (const [name, loss] of inBatch) {
    it(`in-batch ${JSON.stringify(loss)} on ${name} (judged through its explicit expansion)`, async () => {
      const c = inBatchCase(name, loss);
      const r = judge(c as unknown as Json, await impl.grad(c));
      for (const k of ['loss', 'f', 'grads'] as const) expect(r.err[k], `${k}: ${r.tol[k].derivation}`).toBeLessThanOrEqual(r.tol[k].tol);
    });
  }

  it('ntxent (cosine similarities, F.normalize eps 1e-12) equals symmetric in-batch nce / τ', async () => {
    const tau = 0.5;
    const c = { ...inBatchCase('07-nce-bias-relu.case.json', { name: 'ntxent', tau }), normalize: true, normalize_form: 'max', eps: 1e-12 };
    const r = judge(c as unknown as Json, await impl.grad(c as ImplCase));
    for (const k of ['loss', 'f', 'grads'] as const) expect(r.err[k], `${k}: ${r.tol[k].derivation}`).toBeLessThanOrEqual(r.tol[k].tol);
  });

  it('the broken variants disagree: a detached negative and a gradient scaled by ½ exceed the tolerance', async () => {
    for (const name of ['02-nce-relu.case.json', '03-nce-bias-norm-leaky_relu.case.json']) {
      const c = readCase(name);
      const d = judge(c, await detached.grad(c as unknown as ImplCase));
      const h = judge(c, await halved.grad(c as unknown as ImplCase));
      // The loss value and f are right in both: only the gradient is wrong.
      expect(d.err.loss).toBeLessThanOrEqual(d.tol.loss.tol);
      expect(d.err.grads, d.tol.grads.derivation).toBeGreaterThan(d.tol.grads.tol);
      expect(h.err.f).toBeLessThanOrEqual(h.tol.f.tol);
      expect(h.err.grads, h.tol.grads.derivation).toBeGreaterThan(h.tol.grads.tol);
    }
    const ib = inBatchCase('02-nce-relu.case.json', { name: 'nce', tau: 0.5, symmetric: true });
    const d = judge(ib as unknown as Json, await detached.grad(ib));
    expect(d.err.grads, d.tol.grads.derivation).toBeGreaterThan(d.tol.grads.tol);
  });
});

// ---------------------------------------------------------------------------------------------
/** $COVCHECK_PYTHON if set, else the first of python3, /usr/bin/python3 (Debian's python3-torch) that imports torch. */
function pythonWithTorch(): string | null {
  const candidates = process.env.COVCHECK_PYTHON ? [process.env.COVCHECK_PYTHON] : ['python3', '/usr/bin/python3'];
  for (const py of candidates) {
    if (spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 }).status === 0) return py;
  }
  return null;
}
const PYTHON = pythonWithTorch();

const TORCH = PYTHON === null ? 'SKIPPED: torch is not importable (python3 -c "import torch" fails; Debian: apt-get install python3-torch)' : `with ${PYTHON}`;

describe(`the PyTorch adapter (examples/impl-pytorch/adapter.py), ${TORCH}`, () => {
  const torchIt = it.skipIf(PYTHON === null);
  let impl: ImplClient | undefined;
  beforeAll(async () => {
    if (PYTHON !== null) impl = await ImplClient.start(`${JSON.stringify(PYTHON)} ${JSON.stringify(ADAPTER)}`, SLOW_START);
  });
  afterAll(async () => impl?.close());
  torchIt('handshake: float64, both negatives, ntxent, distances', () => {
    expect(impl!.handshake.dtype).toBe('float64');
    expect(impl!.handshake.supports.negatives).toEqual(['explicit', 'in-batch']);
    expect(impl!.handshake.supports.losses).toContain('ntxent');
  });
  for (const name of gradCaseNames) {
    torchIt(`${name}: agrees with covcheck float64`, async () => {
      const c = readCase(name);
      if (!supportsCase(impl!.handshake, c as unknown as ImplCase)) return;
      const r = judge(c, await impl!.grad(c as unknown as ImplCase), 'float64');
      for (const k of ['loss', 'f', 'grads'] as const) expect(r.err[k], `${k}: ${r.tol[k].derivation}`).toBeLessThanOrEqual(r.tol[k].tol);
    });
  }
  torchIt('in-batch symmetric nce and ntxent (F.normalize, similarity matrix) agree with the explicit expansion', async () => {
    const tau = 0.5;
    for (const c of [inBatchCase('02-nce-relu.case.json', { name: 'nce', tau, symmetric: true }), { ...inBatchCase('07-nce-bias-relu.case.json', { name: 'ntxent', tau }), normalize: true, normalize_form: 'max', eps: 1e-12 }]) {
      const r = judge(c as unknown as Json, await impl!.grad(c as ImplCase), 'float64');
      for (const k of ['loss', 'f', 'grads'] as const) expect(r.err[k], `${k}: ${r.tol[k].derivation}`).toBeLessThanOrEqual(r.tol[k].tol);
    }
  });
  torchIt('distances: β of nce equals covcheck float64', async () => {
    const rPos = [0.25, 1.5];
    const rNeg = [
      [1, 0.5],
      [2, 0.125],
    ];
    const got = await impl!.distances({ loss: { name: 'nce', tau: 0.5 }, r_pos: rPos, r_neg: rNeg });
    const want = parseLoss({ name: 'nce', tau: 0.5 }).evaluate(F64, { rPos, rNeg, dim: 2, reduction: 'mean' });
    const t = distanceTolerance(want, rPos, rNeg, 0.5, 'float64');
    expect(maxAbsDiff([got.loss, got.beta_pos, got.beta_neg], [want.value, want.betaPos, want.betaNeg]), t.derivation).toBeLessThanOrEqual(t.tol);
  });
});

// ---------------------------------------------------------------------------------------------
// helpers

function handshake(name: string): ImplHandshake {
  return {
    protocol: 'covcheck-impl/1',
    name,
    dtype: 'float64',
    supports: { activations: ['relu'], bias: false, normalize: [{ form: 'max', eps: 1e-12 }], losses: ['nce'], negatives: ['explicit'], distances: false },
  };
}

/** A fixture case turned into an in-batch case with this loss (x_neg dropped). */
function inBatchCase(name: string, loss: Json): ImplCase {
  const c = readCase(name);
  const batch = c.batch as Json;
  return { ...c, negatives: 'in-batch', batch: { x: batch.x, x_pos: batch.x_pos }, loss } as unknown as ImplCase;
}

interface Expansion {
  /** A case covcheck's reference reads: explicit negatives, normalize_form "plus". */
  readonly explicit: Json;
  /** ntxent: the reference's loss and gradients are divided by τ. */
  readonly divideBy: number;
  /** B of the original case (the expansion of a symmetric case has 2B rows). */
  readonly rows: number;
  /** normalize_form "max": its eps, for judge() to check that every ‖f‖ exceeds it. */
  readonly maxEps?: number;
}

/**
 * The explicit case an in-batch case stands for (docs/case-format.md): anchor i's negatives are
 * the views x_0, x_pos_0, x_1, … of the other samples; symmetric: every row twice, x and x_pos
 * swapped. ntxent becomes symmetric nce (its value and gradients are nce's divided by τ).
 * normalize_form "max" becomes "plus" with eps 0: f/max(‖f‖, eps) = f/‖f‖ wherever ‖f‖ > eps.
 */
function explicitExpansion(c: Json): Expansion {
  const { negatives: _n, normalize_form: form, ...rest } = c;
  const maxEps = form === 'max' ? { maxEps: Number(c.eps ?? 1e-4) } : {};
  if (form === 'max') rest.eps = 0;
  if (c.negatives !== 'in-batch') return { explicit: rest, divideBy: 1, rows: (c.batch as { x: unknown[] }).x.length, ...maxEps };
  const { x, x_pos } = c.batch as { x: number[][]; x_pos: number[][] };
  const views = x.flatMap((v, j) => [v, x_pos[j]!]);
  const negs = x.map((_, i) => views.filter((_, k) => k >> 1 !== i));
  const loss = { ...(c.loss as Json) };
  const ntxent = loss.name === 'ntxent';
  const symmetric = ntxent || loss.symmetric === true;
  delete loss.symmetric;
  if (ntxent) loss.name = 'nce';
  const batch = symmetric ? { x: [...x, ...x_pos], x_pos: [...x_pos, ...x], x_neg: [...negs, ...negs] } : { x, x_pos, x_neg: negs };
  return { explicit: { ...rest, batch, loss }, divideBy: ntxent ? Number(loss.tau ?? 1) : 1, rows: x.length, ...maxEps };
}

/** Every number rounded to float32 (what a float32 implementation holds). */
const fround = (v: unknown): unknown => (typeof v === 'number' ? Math.fround(v) : Array.isArray(v) ? v.map(fround) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fround(x)])) : v);

function maxAbsDiff(a: unknown, b: unknown): number {
  if (typeof b === 'number') return typeof a === 'number' ? Math.abs(a - b) : Number.POSITIVE_INFINITY;
  if (Array.isArray(b)) return Array.isArray(a) && a.length === b.length ? Math.max(0, ...b.map((x, i) => maxAbsDiff(a[i], x))) : Number.POSITIVE_INFINITY;
  const ao = a as Json;
  return Math.max(0, ...Object.entries(b as Json).map(([k, x]) => maxAbsDiff(ao?.[k], x)));
}

/**
 * The implementation's answer against covcheck's float64 reference on the same (rounded) numbers:
 * errors and tolerances of loss, f and grads (with grads_bias).
 */
function judge(c: Json, got: GradAnswer, dtype: 'float32' | 'float64' = 'float32') {
  const rounded = (dtype === 'float32' ? fround(c) : c) as Json;
  const { explicit, divideBy, rows, maxEps } = explicitExpansion(rounded);
  const parsed = parseCase(explicit);
  const ref = evaluateCase(parsed) as { loss: number; f: { x: number[][]; x_pos: number[][]; x_neg: unknown }; grads: Json; grads_bias?: Json };
  const result = batchLoss(F64, parsed.spec, parsed.params, parsed.batch, parsed.loss, parsed.reduction);
  const t = agreementTolerance(dtype, parsed.spec, parsed.params, parsed.batch, parsed.loss, result);
  const inBatch = c.negatives === 'in-batch';
  if (maxEps !== undefined) {
    const norms = [...result.traces.x, ...result.traces.pos, ...result.traces.neg.flat()].map((t) => t.norm ?? 0);
    expect(Math.min(...norms), 'normalize_form max judged as f/‖f‖ needs every ‖f‖ > eps').toBeGreaterThan(maxEps);
  }
  if (c.loss && (c.loss as Json).name === 'ntxent') {
    // ntxent = nce/τ only where no output is all zero (normalised, 0 stays 0).
    expect(result.f.x.concat(result.f.pos).every((o) => o.some((v) => v !== 0)), 'ntxent reference needs nonzero outputs').toBe(true);
  }
  const scale = (v: unknown): unknown => (typeof v === 'number' ? v / divideBy : Array.isArray(v) ? v.map(scale) : Object.fromEntries(Object.entries(v as Json).map(([k, x]) => [k, scale(x)])));
  const wantF = inBatch ? { x: ref.f.x.slice(0, rows), x_pos: ref.f.x_pos.slice(0, rows) } : ref.f;
  const div = (tol: Tolerance): Tolerance => (divideBy === 1 ? tol : { tol: tol.tol / divideBy, derivation: `${tol.derivation} ÷ τ = ${divideBy} (ntxent = nce/τ)` });
  return {
    err: {
      loss: Math.abs(got.loss - ref.loss / divideBy),
      f: maxAbsDiff(got.f, wantF),
      grads: Math.max(maxAbsDiff(got.grads, scale(ref.grads)), ref.grads_bias ? maxAbsDiff(got.grads_bias, scale(ref.grads_bias)) : 0),
    },
    tol: { loss: div(t.loss), f: t.f, grads: div(t.grads) },
  };
}

/**
 * Tolerance of a distances answer: the loss stage alone on float32-rounded r (n = 4·(H+1) as C6's
 * balance checks, properties/claims/C6.ts), scale = 1 + |L| + Σ|β| + Σr/τ (the logits' magnitude:
 * the softmax/sigmoid of r/τ carries a relative error n·ε·r/τ into β and τ·that into the loss).
 */
function distanceTolerance(want: { value: number; betaPos: number[]; betaNeg: number[][] }, rPos: number[], rNeg: number[][], tau: number, dtype: 'float32' | 'float64' = 'float32'): Tolerance {
  const H = rNeg[0]!.length;
  const rSum = [...rPos, ...rNeg.flat()].reduce((a, v) => a + Math.abs(v), 0);
  const betaSum = [...want.betaPos, ...want.betaNeg.flat()].reduce((a, v) => a + Math.abs(v), 0);
  return tolerance(dtype, 'engine', 4 * (H + 1), 1 + Math.abs(want.value) + betaSum + rSum / tau);
}
