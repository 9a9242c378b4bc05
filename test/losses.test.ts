/**
 * Loss plugins (dual numbers, rationals, float32, TensorFlow.js), their error messages, the
 * pairwise operator of C7 on small cases, and `covcheck compare` (help, bad input, exit codes).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type * as tfType from '@tensorflow/tfjs';
import { InputError } from '../src/errors.js';
import { EXACT, F64 } from '../src/numeric/arith.js';
import { Rational } from '../src/numeric/rational.js';
import { Rng } from '../src/numeric/random.js';
import { tolerance } from '../src/numeric/tolerance.js';
import { compareDerivative, richardsonDerivative } from '../src/numeric/finiteDifference.js';
import { expectWithin, type Within } from './support/within.js';
import { dualOps, F32 } from '../src/losses/dual.js';
import { parseLoss } from '../src/losses/index.js';
import { familyOf, pluginLoss, resolveLossSpec, splitLossSpec, type LossPlugin } from '../src/losses/plugin/index.js';
import { tfLossOfDistances } from '../src/engines/tfjs/losses.js';
import { loadBackend } from '../src/engines/backend.js';
import { BUILTIN_PLUGINS } from '../src/losses/builtin/index.js';
import { completeTree } from '../src/hltm/tree.js';
import { treeArchitecture, type NetworkSpec } from '../src/network/architecture.js';
import { initParams, toArith } from '../src/network/init.js';
import { leafDistribution } from '../src/hltm/exactDistribution.js';
import { parseAugmentation } from '../src/hltm/augmentation.js';
import { conditionalMeans } from '../src/theory/conditionalMeans.js';
import { operatorTimes } from '../src/theory/covarianceOperator.js';
import { expectedLossGradient, oracleExpectedGradient } from '../src/theory/expectedLossGradient.js';
import { pairwiseModel } from '../src/theory/pairwiseModel.js';
import { residue, residueClosedForm, residueRatio } from '../src/theory/pairwiseOperator.js';
import { runCli as runCliIn } from './support/runCli.js';
import { negligibleRatio } from '../properties/claims/C7/models.js';

const dir = mkdtempSync(join(tmpdir(), 'covcheck-losses-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function plugin(name: string, body: string, extra = ''): string {
  const path = join(dir, `${name}.mjs`);
  writeFileSync(path, `export default { name: '${name}', ${extra} loss(ops, r, p) { ${body} } };\n`);
  return path;
}

const batch = (rPos: number[], rNeg: number[][]) => ({ rPos, rNeg, dim: 2, reduction: 'mean' as const });

type Bound = Omit<Within, 'what'>;

/**
 * Σ|terms| of lse(x) = m + log Σ e^{x_i − m}: |m| + |log s|; 1 for log s of a sum that carries relative roundings; p_i·(|x_i| + |m|)
 * for each exponent x_i − m, which rounds relative to its terms and moves lse by p_i times that (as in test/mutation-losses.test.ts).
 */
function lseScale(x: readonly number[]): number {
  const m = Math.max(...x);
  const e = x.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return Math.abs(m) + Math.abs(Math.log(s)) + 1 + x.reduce((acc, v, i) => acc + (e[i]! / s) * (Math.abs(v) + Math.abs(m)), 0);
}

describe('dual numbers', () => {
  it('give the exact first derivatives of every operation (against central differences)', () => {
    const rng = new Rng(7);
    // The value: equal where the dual performs the oracle's roundings in its order (null), else the table's bound with its
    // operation count (Higham's: a sum adds 1 to the longer chain of its operands, a product or quotient 1 to the sum of both).
    const fs: [string, (o: ReturnType<typeof dualOps<number>>, x: any, y: any) => any, (x: number, y: number) => number, ((x: number, y: number) => Bound) | null][] = [
      ['div', (o, x, y) => o.div(o.mul(x, x), o.add(y, 2)), (x, y) => (x * x) / (y + 2), null],
      ['exp/log', (o, x, y) => o.log(o.add(o.exp(x), o.mul(y, y))), (x, y) => Math.log(Math.exp(x) + y * y), null],
      // 2y (1), x_i − m (2), exp (3), 0 + e₀ + e₁ + e₂ (6), log, + m: 8 (the oracle: 2y, exp, 2 adds, log: 5); exponents in lseScale
      ['lse', (o, x, y) => o.logSumExp([x, o.mul(2, y), 0.5]), (x, y) => Math.log(Math.exp(x) + Math.exp(2 * y) + Math.exp(0.5)), (x, y) => ({ ops: 8, scale: lseScale([x, 2 * y, 0.5]) })],
      // u = x − y alike on both sides, then exp, log1p and + u (u > 0): 4 (the oracle: exp, log1p: 3); terms u and log1p(e^{−u})
      // of one sign (|ℓ|), and log1p of a relatively rounded argument errs absolutely: + 1
      ['softplus', (o, x, y) => o.softplus(o.sub(x, y)), (x, y) => Math.log1p(Math.exp(x - y)), (x, y) => ({ ops: 4, scale: Math.log1p(Math.exp(x - y)) + 1 })],
      // σ(x): exp, 1 +, the quotient (x < 0: e/(1 + e), 1 + 2 + 1 = 4), ·y: 5 (the oracle: exp, 1 +, y/(…): 3); a product: |ℓ|
      ['sigmoid', (o, x, y) => o.mul(o.sigmoid(x), y), (x, y) => y / (1 + Math.exp(-x)), () => ({ ops: 5 })],
      ['max', (o, x, y) => o.max(o.mul(x, 3), y), (x, y) => Math.max(3 * x, y), null],
    ];
    const h = 1e-3;
    for (const [name, f, g, bound] of fs) {
      for (let k = 0; k < 20; k++) {
        const x = rng.range(-2, 2);
        const y = rng.range(0.1, 2);
        const o = dualOps(F64, 2);
        const d = f(o, o.variable(x, 0), o.variable(y, 1));
        const want = g(x, y);
        if (bound) expectWithin(d.v, want, { ...bound(x, y), what: `${name} value at (${x}, ${y})` });
        else expect(d.v === want, `${name} value: ${d.v} vs ${want} (the same roundings: equal)`).toBe(true);
        // Each partial against Richardson's differences of the oracle (src/numeric/finiteDifference.ts): truncation and rounding of
        // the differences, and the dual's own rounding as a loss weight's relative to |∂| (its terms are one product or quotient)
        const along = [(t: number) => g(x + t, y), (t: number) => g(x, y + t)];
        along.forEach((fi, i) => {
          const est = richardsonDerivative(fi, { h, value: want });
          if (!est.smooth) {
            // only max has a kink: where the stencil (±h) crosses 3x = y
            expect(name === 'max' && Math.abs(3 * x - y) <= 3 * h, `${name} ∂${i}: not smooth at (${x}, ${y})`).toBe(true);
            return;
          }
          const claimed = d.d[i] as number;
          const c = compareDerivative(claimed, est, { source: 'loss-weight', scale: Math.abs(claimed), scaleText: '|∂|' });
          expect(c.ok, `${name} ∂${i} at (${x}, ${y}): ${claimed} vs ${est.estimate} (${c.derivation})`).toBe(true);
        });
      }
    }
  });

  it('run exactly in rationals for + − × ÷ max and refuse exp there', () => {
    const o = dualOps(EXACT, 1);
    const x = o.variable(Rational.parse('3/4'), 0);
    const v = o.div(o.mul(x, x), o.add(x, 1));
    expect(v.v.toString()).toBe('9/28');
    expect(v.d[0]!.toString()).toBe('33/49'); // (x² + 2x)/(x+1)² at 3/4
    expect(() => o.exp(x)).toThrow(/exact \(rational\) arithmetic cannot compute exp/);
  });

  it('refuse JavaScript arithmetic on a distance with a clear message', () => {
    const o = dualOps(F64, 1);
    const x = o.variable(1, 0);
    expect(() => (x as unknown as number) * 2).toThrow(/JavaScript arithmetic/);
    expect(() => Math.exp(x as unknown as number)).toThrow(/use the ops/);
  });
});

describe('loss plugins', () => {
  it('the plugin-format built-ins agree with the hand-written losses (value and weights)', () => {
    // B = H = d = 2 (tri: H = 1) and τ = 0.5 for tri: every 1/B, 1/H, 2/(B·d), ·2, /d and ∂u/∂r·τ = (1/τ)·τ is a power of 2, so
    // where the plugin's duals compute what the hand-written loss computes, in its order, the two are equal: every value (the
    // same sums; the same logits, lse and σ), and the weights of simp, tri and official_subtract. The rest within the table's
    // bound (Higham's count), from the quantities both sides compute alike (the softmax p, σ(u)σ(−u)):
    //  - nce β_k = −p_k/B: the dual's −1/τ, p_k·(−1/τ) (2), + 0, τ·(…) (4), + 0, + 0 (∂r_+/∂r_k), ·(1/B) with 1/B's own: 8;
    //  - nce β_+ = (1 − p_+)/B = Σ_k p_k/B only as far as the computed p sum to 1: from the shared exps, s (H + 1 adds), p_+ = e_+/s
    //    (H + 2), the dual's 6 steps above and 1 + (H + 8), ·(1/B) (H + 10); the hand-written Σ_k p_k (2H + 2), ·(1/B): 2H + 4;
    //    the terms 1, p_+ and the p_k sum to 2, over B;
    //  - official_nce β = slope·(±2/(B·d or B·H·d))/τ: the dual's ∂u/∂r through Σ (up to BH = 4 adds), mean's divide rule
    //    (v·y′, x′ − ·, /y: 8), ·2 (0 + 2·x′: 10), /d (12), n − p (13), /τ (15), slope·∂u (16), the add to 0: 17 (the hand-written
    //    slope/τ, 2/(B·H·d), their product: 3); a product: |β|.
    type BetaBound = (i: number) => Bound | null;
    const B = 2;
    const H = 2;
    const cases: [string, Record<string, number>, BetaBound][] = [
      ['simp', {}, () => null],
      ['nce', { tau: 0.3 }, (i) => (i < B ? { ops: Math.max(H + 10, 2 * H + 4), scale: 2 / B } : { ops: 8 })],
      ['tri', { tau: 0.5, r0: 0.25 }, () => null],
      ['official_nce', { tau: 0.1 }, () => ({ ops: 17 })],
      ['official_subtract', {}, () => null],
    ];
    for (const [name, params, betaBound] of cases) {
      const a = pluginLoss(BUILTIN_PLUGINS[name]!, `builtin:${name}`, params).evaluate(F64, batch([0.3, 1.2], name === 'tri' ? [[0.5], [2]] : [[0.5, 0.1], [2, 0.7]]));
      const b = parseLoss({ name, ...params }).evaluate(F64, batch([0.3, 1.2], name === 'tri' ? [[0.5], [2]] : [[0.5, 0.1], [2, 0.7]]));
      expect(a.value === b.value, `${name} value: ${a.value} vs ${b.value} (the same roundings: equal)`).toBe(true);
      const wants = [...b.betaPos, ...b.betaNeg.flat()];
      [...a.betaPos, ...a.betaNeg.flat()].forEach((v, i) => {
        const bound = betaBound(i);
        if (bound) expectWithin(v, wants[i]!, { ...bound, what: `${name} β${i}` });
        else expect(v === wants[i], `${name} β${i}: ${v} vs ${wants[i]} (the same roundings: equal)`).toBe(true);
      });
    }
  });

  it('are rational exactly when they use rational operations only', () => {
    expect(pluginLoss(BUILTIN_PLUGINS.simp!, 'builtin:simp').rational).toBe(true);
    expect(pluginLoss(BUILTIN_PLUGINS.unbalanced!, 'builtin:unbalanced').rational).toBe(true);
    expect(pluginLoss(BUILTIN_PLUGINS.nce!, 'builtin:nce').rational).toBe(false);
    const r = pluginLoss(BUILTIN_PLUGINS.unbalanced!, 'x').evaluate(EXACT, { rPos: [Rational.parse('1/3')], rNeg: [[Rational.ONE, Rational.parse('1/2')]], dim: 1, reduction: 'mean' });
    expect([r.value, r.betaPos[0], ...r.betaNeg[0]!].map(String)).toEqual(['-7/6', '1', '-1', '-1']);
  });

  it('load from a file given to --loss, with parameter overrides', async () => {
    const path = plugin('half_simp', 'return ops.mul(p.c, ops.sub(r.pos, ops.mean(r.neg)));', 'params: { c: 0.5 },');
    const loss = await resolveLossSpec(`${path}:c=2`, dir);
    expect(loss.name).toBe('half_simp');
    expect(loss.params).toEqual({ c: 2 });
    expect(loss.evaluate(F64, batch([1], [[3]])).value).toBe(-4);
    const ts = join(dir, 'typed.ts');
    writeFileSync(ts, "interface Ops { add(a: unknown, b: unknown): unknown; mul(a: unknown, b: unknown): unknown }\nexport default { name: 'typed', params: { k: 3 }, loss(ops: Ops, r: { pos: unknown }, p: { k: number }) { return ops.mul(p.k, r.pos); } };\n");
    expect((await resolveLossSpec(ts, dir)).evaluate(F64, batch([2], [[1]])).betaPos).toEqual([3]);
    expect(splitLossSpec('nce:tau=0.1,r0=2')).toEqual({ spec: 'nce', overrides: { tau: 0.1, r0: 2 } });
    expect((await resolveLossSpec('tri:tau=0.5', dir)).params).toEqual({ tau: 0.5, r0: 0 });
    expect((await resolveLossSpec('builtin:nce:tau=0.25', dir)).params).toEqual({ tau: 0.25 });
  });

  it('load a .ts plugin from a folder whose package.json lacks "type": "module" (in process and through the CLI)', async () => {
    const project = join(dir, 'typeless');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{ "name": "user-project", "version": "1.0.0" }\n');
    writeFileSync(
      join(project, 'half.ts'),
      [
        'interface Ops<T> { mul(a: T | number, b: T | number): T; sub(a: T | number, b: T | number): T; mean(xs: readonly T[]): T }',
        'const c: number = 0.5;',
        "export default { name: 'half_simp', params: { c }, loss<T>(ops: Ops<T>, r: { pos: T; neg: readonly T[] }, p: { c: number }): T { return ops.mul(p.c, ops.sub(r.pos, ops.mean(r.neg!))); } };",
        '',
      ].join('\n'),
    );
    const loss = await resolveLossSpec('./half.ts:c=2', project);
    expect(loss.name).toBe('half_simp');
    expect(loss.evaluate(F64, batch([1], [[3]])).value).toBe(-4);
    const bin = fileURLToPath(new URL('../bin/covcheck.js', import.meta.url));
    const r = spawnSync(process.execPath, [bin, 'hunt', '--claim', 'C6', '--variant', 'balance', '--loss', './half.ts', '--runs', '3'], { cwd: project, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/no violation found/);
  });

  it('that misbehave get a clear error naming the plugin and the case, not a crash', async () => {
    const bad: [string, string, RegExp][] = [
      ['thrower', "throw new Error('boom');", /loss plugin "thrower" \(.*thrower\.mjs\): threw on the case \(r_\+ = 0\.5, r− = \[1\]\).*boom/],
      ['nan', 'return ops.log(ops.sub(r.pos, 10));', /"nan" .*returned NaN on the case \(r_\+ = 0\.5/],
      ['shape', 'return [r.pos];', /"shape" .*has the wrong shape .*got an array of length 1/],
      ['jsmath', 'return r.pos * 2;', /"jsmath" .*not a function of the distances through the ops/],
      ['random', 'return ops.add(r.pos, Math.random());', /"random" .*is not a function of the distances: two evaluations on the same case/],
      ['constant', 'return 3;', /"constant" .*returned the plain number 3/],
      ['stateful', 'globalThis.__kept ??= ops.add(r.pos, 0); return globalThis.__kept;', /"stateful" .*(computed in another call|not a function of the distances)/],
    ];
    for (const [name, body, re] of bad) {
      const err = await resolveLossSpec(plugin(name, body), dir).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, name).toBeInstanceOf(InputError);
      expect(String((err as Error).message), name).toMatch(re);
    }
    const notPlugin = join(dir, 'notplugin.mjs');
    writeFileSync(notPlugin, 'export default 42;\n');
    await expect(resolveLossSpec(notPlugin, dir)).rejects.toThrow(/must export a plugin object/);
    const syntax = join(dir, 'syntax.mjs');
    writeFileSync(syntax, 'export default { name: ;\n');
    await expect(resolveLossSpec(syntax, dir)).rejects.toThrow(/could not be loaded/);
    await expect(resolveLossSpec('./missing.ts', dir)).rejects.toThrow(/no such loss file/);
    await expect(resolveLossSpec('nosuchloss', dir)).rejects.toThrow(/neither a loss file/);
    await expect(resolveLossSpec(`${plugin('withparams', 'return r.pos;', 'params: { tau: 1 },')}:beta=2`, dir)).rejects.toThrow(/unknown parameter 'beta'/);
    const validated: LossPlugin = { ...BUILTIN_PLUGINS.nce!, params: { tau: 1 } };
    expect(() => pluginLoss(validated, 'x', { tau: -1 })).toThrow(/tau must be > 0/);
  });

  it('report a failure inside a check as that check failing, naming the plugin and the case', () => {
    const flaky: LossPlugin = { name: 'flaky', loss: (ops, r) => ops.div(r.pos, ops.sub(r.neg[0]!, 7)) };
    const loss = pluginLoss(flaky, './flaky.ts');
    expect(() => loss.evaluate(F64, batch([1], [[7]]))).toThrow(/"flaky" \(\.\/flaky\.ts\): returned (Infinity|NaN) on the case \(r_\+ = 1, r− = \[7\]\)/);
  });

  it('nce stays finite down to τ = 1e-3 in float64 and float32 (emulated and TensorFlow.js)', async () => {
    const tf = await loadBackend('cpu');
    const rPos = [0.3, 5, 0.001];
    const rNeg = [[0.2, 1.7], [0.1, 40], [30, 0.0005]];
    for (const tau of [1, 0.1, 1e-2, 1e-3]) {
      const loss = parseLoss({ name: 'nce', tau });
      const ref = loss.evaluate(F64, batch(rPos, rNeg));
      const dual = pluginLoss(BUILTIN_PLUGINS.nce!, 'builtin:nce', { tau });
      const f32 = dual.evaluate(F32, batch(rPos.map(Math.fround), rNeg.map((r) => r.map(Math.fround))));
      const [gp, gn] = tf.grads((a, b) => tfLossOfDistances(tf, loss, a as tfType.Tensor1D, b as tfType.Tensor2D, 2))([tf.tensor1d(rPos), tf.tensor2d(rNeg)]);
      const tfBeta = [...gp!.dataSync(), ...gn!.dataSync()];
      const refBeta = [...ref.betaPos, ...ref.betaNeg.flat()];
      for (const v of [ref.value, f32.value, ...refBeta, ...f32.betaPos, ...f32.betaNeg.flat(), ...tfBeta]) expect(Number.isFinite(v), `τ = ${tau}`).toBe(true);
      // TF.js runs in float32 on the distances rounded to float32 (before: 1e-6 absolute). nce per
      // tuple: β_j = ±p_j/B with p the softmax of −u, u_j = r_j/τ (j: the positive, then the negatives;
      // β_+ = (1 − p_+)/B moves with p_+). Each u_j carries a relative rounding (|Δu_j| ≤ ε·u_j per
      // rounding), and to first order Δp_j = p_j·Σ_i p_i(Δu_i − Δu_j), so
      //   |Δp_j| ≤ p_j·((1 − p_j)·|Δu_j| + Σ_{i≠j} p_i·|Δu_i|) + the softmax chain's own relative rounding,
      // and β_j's own rounding (1 − p_+, the factor 1/B: relative to |β_j|): the table's float32 engine
      // tolerance, n = H + 8, scale |β_j| + p_j·(1 + (1 − p_j)·u_j + Σ_{i≠j} p_i·u_i)/B.
      const B = rPos.length;
      const H = rNeg[0]!.length;
      tfBeta.forEach((b, i) => {
        const t = i < B ? i : Math.floor((i - B) / H);
        const p = [1 - B * ref.betaPos[t]!, ...ref.betaNeg[t]!.map((v) => -B * v)];
        const u = [rPos[t]!, ...rNeg[t]!].map((r) => r / tau);
        const j = i < B ? 0 : 1 + ((i - B) % H);
        const others = p.reduce((acc, pi, k) => (k === j ? acc : acc + pi * u[k]!), 0);
        const tol = tolerance('float32', 'engine', H + 8, Math.abs(refBeta[i]!) + (p[j]! * (1 + (1 - p[j]!) * u[j]! + others)) / B);
        expect(Math.abs(b - refBeta[i]!), `τ = ${tau} β${i}: ${tol.derivation}`).toBeLessThanOrEqual(tol.tol);
      });
    }
    await loadBackend('wasm'); // the default backend, for whatever runs next in this worker
    // The literal quotient (a mutant) is NaN at small τ in float64: the check that catches it is C6 small-tau.
    const literal: LossPlugin = { name: 'literal', params: { tau: 1e-3 }, loss: (o, r, p) => o.mul(-p.tau!, o.log(o.div(o.exp(o.div(o.neg(r.pos), p.tau!)), o.add(o.exp(o.div(o.neg(r.pos), p.tau!)), o.sum(r.neg.map((n) => o.exp(o.div(o.neg(n), p.tau!)))))))) };
    expect(() => pluginLoss(literal, 'mutant').evaluate(F64, batch([5], [[6]]))).toThrow(/returned (NaN|Infinity)/);
  });

  it('families rebuild a loss at other parameters (built-ins and plugins)', () => {
    const f = familyOf(parseLoss({ name: 'nce', tau: 1 }));
    expect(f.make({ tau: 0.5 }).params.tau).toBe(0.5);
    const g = familyOf(pluginLoss(BUILTIN_PLUGINS.tri!, 'builtin:tri', { tau: 2 }));
    expect(g.make({ r0: 1 }).params).toEqual({ tau: 2, r0: 1 });
    expect(g.negatives).toEqual([1, 1]);
  });
});

describe('the pairwise operator (C7) on a tiny tree', () => {
  const tree = completeTree(2, 2, (n) => (n.length % 2 ? 0.75 : -0.5));
  const spec: NetworkSpec = { arch: treeArchitecture(tree, 2, 2), activation: { kind: 'relu' }, bias: false, normalize: false, eps: 1e-4 };
  // Seed 5: C(x_0) is not constant (with seed 3 the network is nearly linear and C is constant, so θ = 0).
  const p64 = initParams(spec, new Rng(5), { scheme: 'dyadic' });

  it('θ equals its closed form E[ξ(C(x_0) − C(x_0′))] exactly, and vanishes for symmetric weights', () => {
    const A = EXACT;
    const dist = leafDistribution(A, tree, parseAugmentation('level(1)+flip(0.25)'));
    let nonzero = 0;
    for (const layer of spec.arch.layers) {
      const M = pairwiseModel(A, spec, toArith(A, p64), dist, layer.blocks);
      const n0 = M.p.length;
      const phi = Array.from({ length: n0 }, (_, i) => Array.from({ length: n0 }, (_, j) => A.from(((3 * i + 5 * j) % 7) / 8)));
      const xi = phi.map((r) => r.map((v) => A.mul(A.from(2), v)));
      const { theta } = residue(M, { grad: oracleExpectedGradient(M, phi, 2), xi });
      const closed = residueClosedForm(M, xi);
      expect(theta.every((v, r) => v.equals(closed[r]!))).toBe(true);
      if (theta.some((v) => v.sign() !== 0)) nonzero++;
      const sym = phi.map((r, i) => r.map((v, j) => A.add(v, phi[j]![i]!)));
      const t2 = residue(M, { grad: oracleExpectedGradient(M, sym, 1), xi: sym }).theta;
      expect(t2.every((v) => v.sign() === 0)).toBe(true);
    }
    expect(nonzero).toBeGreaterThan(0);
  });

  it('L_simp by joint enumeration gives −2·OP·w exactly (C3), with ξ ≡ 1', () => {
    const A = EXACT;
    const params = toArith(A, p64);
    const dist = leafDistribution(A, tree, parseAugmentation('root'));
    const cm = conditionalMeans(A, spec, params, dist);
    for (const layer of spec.arch.layers) {
      const M = pairwiseModel(A, spec, params, dist, layer.blocks);
      const e = expectedLossGradient(M, parseLoss({ name: 'simp' }), 1);
      const op = operatorTimes(A, spec, cm, layer.blocks, params.W);
      const want = layer.blocks.flatMap((nu) => op.get(nu)!.map((v) => A.mul(A.from(-2), v)));
      expect(e.grad.every((v, r) => v.equals(want[r]!))).toBe(true);
      expect(e.xi.flat().every((v) => v.equals(Rational.ONE))).toBe(true);
    }
  });

  it('identity augmentation: θ = 0 for nce with H = 2; root: the ratio falls like 1/τ', () => {
    const dist = leafDistribution(F64, tree, parseAugmentation('identity'));
    const cut = spec.arch.layers[1]!.blocks;
    const M = pairwiseModel(F64, spec, p64, dist, cut);
    // θ = 0 in exact arithmetic: the ratio is at most its rounding level (C7/models.ts negligibleRatio, the trends' 0).
    const e = expectedLossGradient(M, parseLoss({ name: 'nce', tau: 0.7 }), 2);
    const r = residueRatio(M, e);
    const level = negligibleRatio(M, { ...e, terms: e.tuples }, 2, r.op);
    expect(r.ratio).toBeLessThanOrEqual(level);
    const MR = pairwiseModel(F64, spec, p64, leafDistribution(F64, tree, parseAugmentation('root')), cut);
    const at = (tau: number) => residueRatio(MR, expectedLossGradient(MR, parseLoss({ name: 'nce', tau }), 1)).ratio * tau;
    expect(Math.abs(at(2048) / at(1024) - 1)).toBeLessThan(0.01);
    expect(level * 2048 * 100, 'the level is far below a genuine residue (root, τ = 2048)').toBeLessThan(at(2048));
  });
});

// ---- covcheck compare ----

/** The real CLI, in process, in the test folder. */
const runCli = (args: string[]) => runCliIn(args, { cwd: dir });

describe('covcheck compare', () => {
  it('has --help', async () => {
    const r = await runCli(['compare', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--loss <spec>/);
    expect(r.out).toMatch(/Exit codes/);
  });

  it('rejects bad input with exit 2 and a message naming the flag', async () => {
    expect((await runCli(['compare'])).err).toMatch(/--loss: give at least one loss/);
    for (const args of [['compare'], ['compare', '--loss', 'nosuch'], ['compare', '--loss', './missing.ts'], ['compare', '--loss', 'nce', '--loss', 'nce'], ['compare', '--loss', 'nce', '--runs', 'x'], ['compare', '--loss', 'nce:tau=abc'], ['compare', '--loss', 'nce', '--bogus']]) {
      expect((await runCli(args)).code, args.join(' ')).toBe(2);
    }
  });

  it('tabulates claim × loss × verdict; an unbalanced loss fails C6 (exit 1), balanced ones pass (exit 0)', async () => {
    const good = await runCli(['compare', '--loss', 'nce:tau=0.5', '--loss', 'builtin:simp', '--runs', '8', '--no-trends', '--report-dir', join(dir, 'reports')]);
    expect(good.code, good.out + good.err).toBe(0);
    expect(good.out).toMatch(/C6\s+balance\s+pass/);
    expect(good.out).toMatch(/nce\(tau=0\.5\)/);
    const bad = await runCli(['compare', '--loss', 'nce', '--loss', 'builtin:unbalanced', '--runs', '8', '--no-trends', '--no-report', '--json']);
    expect(bad.code).toBe(1);
    const json = JSON.parse(bad.out) as { rows: { check: string; cells: ({ verdict: string } | null)[] }[] };
    const balance = json.rows.find((r) => r.check === 'C6/balance')!;
    expect(balance.cells.map((c) => c?.verdict)).toEqual(['pass', 'fail']);
  });
});
