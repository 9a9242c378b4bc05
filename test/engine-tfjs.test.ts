/**
 * The float32 engines against the float64 reference (claim C2's third witness,
 * properties/claims/C2/engines) on the wasm and cpu TF.js backends, plus backend loading.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { engineChecks as checks } from '../properties/claims/C2/index.js';
import { runCheck } from '../src/runner/run.js';
import { deriveSeed } from '../src/numeric/random.js';
import { loadBackend } from '../src/engines/backend.js';
import { InputError } from '../src/errors.js';
import type * as tfType from '@tensorflow/tfjs';
import { tfLossOfDistances } from '../src/engines/tfjs/losses.js';
import { parseLoss, type Loss } from '../src/losses/index.js';
import { pluginLoss } from '../src/losses/plugin/index.js';
import { BUILTIN_PLUGINS } from '../src/losses/builtin/index.js';
import { EXACT, ExactUnsupported, F64 } from '../src/numeric/arith.js';
import { ACTIVATIONS, activate, activateDerivative, activationName, activationRecord, parseActivation } from '../src/network/activation.js';
import { compile } from '../src/engines/f32/kernels.js';
import { Rng } from '../src/numeric/random.js';
import { tolerance } from '../src/numeric/tolerance.js';

const SEED = Number(process.env.COVCHECK_SEED ?? 42);

describe('loadBackend', () => {
  it('loads wasm and cpu', async () => {
    expect((await loadBackend('wasm')).getBackend()).toBe('wasm');
    expect((await loadBackend('cpu')).getBackend()).toBe('cpu');
  });
  it('names --backend for unknown or missing backends', async () => {
    await expect(loadBackend('nope')).rejects.toThrow(InputError);
    await expect(loadBackend('nope')).rejects.toThrow(/--backend: unknown backend "nope"/);
    await expect(loadBackend('tensorflow')).rejects.toThrow(/needs @tensorflow\/tfjs-node, which is not installed: npm install @tensorflow\/tfjs-node/);
    await expect(loadBackend('tensorflow-gpu')).rejects.toThrow(/@tensorflow\/tfjs-node-gpu/);
    await expect(loadBackend('webgpu')).rejects.toThrow(/@tensorflow\/tfjs-backend-webgpu/);
  });
});

describe.each(['wasm', 'cpu'])('C2 float32 witnesses on %s', (backend) => {
  for (const check of checks) {
    if (backend === 'cpu' && check.id.includes('f32-kernels')) continue; // no TF.js inside
    it(check.id, async () => {
      await loadBackend(backend);
      const result = await runCheck(check, { seed: deriveSeed(SEED, check.id, backend), scale: 'ci', numRuns: backend === 'cpu' ? 15 : 30 });
      const detail = `${result.message}\n${result.counterexample ? JSON.stringify(result.counterexample, null, 1).slice(0, 3000) : ''}`;
      expect(result.verdict, detail).toBe('pass');
      expect(result.worst.ratio <= 1 || Number.isNaN(result.worst.ratio)).toBe(true);
    });
  }
});

// Leave the default backend active for whatever runs next in this worker.
afterAll(async () => {
  await loadBackend('wasm');
});

describe('regression: official_nce at a saturated sigmoid (found at full scale)', () => {
  it('TF.js autograd matches the float64 gradient where σ((n − p)/τ) ≈ 1 (was y(1 − y) cancellation)', async () => {
    const { runCheck } = await import('../src/runner/run.js');
    const { CHECKS } = await import('../properties/registry.js');
    const check = CHECKS.find((c) => c.id === 'C2/float32/tfjs-autograd')!;
    const r = await runCheck(check, { seed: -640937873, path: '319:20835:1:0:1:1:1', scale: 'full' });
    expect(r.verdict, r.message).toBe('pass');
  });
});

describe('the TF.js loss table (engines/tfjs/losses.ts: the built-in plugin definitions on tensors)', () => {
  const CASES: [string, Record<string, number>][] = [
    ['simp', {}],
    ['tri', { tau: 0.5, r0: 0.25 }],
    ['tri', { tau: 0, r0: 0.25 }],
    ['nce', { tau: 0.5 }],
    ['official_nce', { tau: 0.5 }],
    ['official_subtract', {}],
  ];

  /** Value and β = ∂L/∂r on TF.js (float32 autograd) for distances rPos [B], rNeg [B, H]. */
  async function onTf(backend: string, loss: Loss, rPos: number[], rNeg: number[][], d: number): Promise<{ value: number; beta: number[] }> {
    const tf = await loadBackend(backend);
    return tf.tidy(() => {
      const f = (a: tfType.Tensor, b: tfType.Tensor) => tfLossOfDistances(tf, loss, a as tfType.Tensor1D, b as tfType.Tensor2D, d);
      const { value, grads } = tf.valueAndGrads(f)([tf.tensor1d(rPos), tf.tensor2d(rNeg)]);
      return { value: value.dataSync()[0]!, beta: grads.flatMap((g) => Array.from(g.dataSync())) };
    });
  }

  it.each(['wasm', 'cpu'])('gives each built-in loss its float64 value and weights within the float32 tolerance (%s)', async (backend) => {
    const rng = new Rng(11);
    for (const [name, params] of CASES) {
      for (let trial = 0; trial < 10; trial++) {
        const B = 1 + rng.int(4);
        const H = name === 'tri' ? 1 : 1 + rng.int(3);
        const d = 1 + rng.int(3);
        const rPos = Array.from({ length: B }, () => Math.fround(rng.range(0, 2)));
        const rNeg = Array.from({ length: B }, () => Array.from({ length: H }, () => Math.fround(rng.range(0, 2))));
        const loss = parseLoss({ name, ...params });
        const ref = loss.evaluate(F64, { rPos, rNeg, dim: d, reduction: 'mean' });
        const refBeta = [...ref.betaPos, ...ref.betaNeg.flat()];
        const got = await onTf(backend, loss, rPos, rNeg, d);
        // A chain of about H + 8 float32 operations per weight; β of nce/tri/official_nce is a
        // softmax/sigmoid of r/τ, whose relative change under a relative change of r is ≤ 1 + 2·r_max/τ.
        const kappa = params.tau ? 1 + (2 * 2) / params.tau : 1;
        const scale = kappa * Math.max(Math.abs(ref.value), ...refBeta.map(Math.abs));
        const { tol, derivation } = tolerance('float32', 'engine', H + 8, scale);
        const where = `${name}(${JSON.stringify(params)}) B=${B} H=${H} on ${backend}: ${derivation}`;
        expect(Math.abs(got.value - ref.value), where).toBeLessThanOrEqual(tol);
        got.beta.forEach((b, i) => expect(Math.abs(b - refBeta[i]!), `${where} β${i}`).toBeLessThanOrEqual(tol));
      }
    }
  });

  it('trains a plugin named like a built-in with its own formula, not the built-in', async () => {
    // "nce" here is 3·r_+ − r_1− (rational, unbalanced): the table must not take it for InfoNCE.
    const impostor = pluginLoss({ name: 'nce', params: { tau: 1 }, loss: (ops, r) => ops.sub(ops.mul(3, r.pos), r.neg[0]!) }, './impostor.ts');
    const got = await onTf('cpu', impostor, [0.5, 1], [[1], [0.25]], 2);
    expect(got.beta).toEqual([1.5, 1.5, -0.5, -0.5]);
    const builtin = pluginLoss(BUILTIN_PLUGINS.nce!, 'builtin:nce', { tau: 1 });
    const viaTable = await onTf('cpu', builtin, [0.5, 1], [[1], [0.25]], 2);
    const viaName = await onTf('cpu', parseLoss({ name: 'nce', tau: 1 }), [0.5, 1], [[1], [0.25]], 2);
    expect(viaTable).toEqual(viaName);
  });
});

describe('the activation table (network/activation.ts): every representation of each record agrees', () => {
  const GRID = [-3, -1.5, -0.25, 0, 0.125, 0.75, 2, 31];
  it.each(Object.keys(ACTIVATIONS))('%s: float64, kernel source, TF.js op and autograd; rationals where exact', async (kind) => {
    const a = parseActivation(kind === 'leaky_relu' ? 'leaky_relu:0.2' : kind);
    expect(parseActivation(activationName(a))).toEqual(a);
    const rec = activationRecord(a);
    const psi = compile<(x: number) => number>(`return (a) => ${rec.kernel.value('a', a)};`);
    const gate = compile<(g: number, d: number) => number>(`return (g, d) => ${rec.kernel.gate('g', 'd', a)};`);
    const tf = await loadBackend('cpu');
    const [tfValue, tfGrad] = tf.tidy(() => {
      const x = tf.tensor1d(GRID);
      const [grad] = tf.grads((t: tfType.Tensor) => tf.sum(rec.tf(tf, t, a)))([x]);
      return [Array.from(rec.tf(tf, x, a).dataSync()), Array.from(grad!.dataSync())];
    });
    GRID.forEach((g, i) => {
      const v = activate(F64, a, g);
      const dv = activateDerivative(F64, a, g);
      // One activation is a handful of operations: float64 sources agree to a few ε64 (relative),
      // TF.js (float32) to a few ε32.
      const t64 = tolerance('float64', 'identity', 4, Math.max(1, Math.abs(v), Math.abs(dv))).tol;
      const t32 = tolerance('float32', 'engine', 4, Math.max(1, Math.abs(v), Math.abs(dv))).tol;
      expect(Math.abs(psi(g) - v), `${kind} kernel ψ(${g})`).toBeLessThanOrEqual(t64);
      expect(Math.abs(gate(g, 1) - dv), `${kind} kernel ψ'(${g})`).toBeLessThanOrEqual(t64);
      expect(Math.abs(tfValue[i]! - v), `${kind} TF.js ψ(${g})`).toBeLessThanOrEqual(t32);
      expect(Math.abs(tfGrad[i]! - dv), `${kind} TF.js ψ'(${g})`).toBeLessThanOrEqual(t32);
      if (rec.exact) {
        expect(activate(EXACT, a, EXACT.from(g)).toNumber()).toBe(v);
        expect(activateDerivative(EXACT, a, EXACT.from(g)).toNumber()).toBe(dv);
      } else {
        expect(() => activate(EXACT, a, EXACT.from(g))).toThrow(ExactUnsupported);
        expect(() => activateDerivative(EXACT, a, EXACT.from(g))).toThrow(ExactUnsupported);
      }
    });
    if (kind === 'relu') expect([activateDerivative(F64, a, 0), gate(0, 1), tfGrad[GRID.indexOf(0)]]).toEqual([0, 0, 0]); // ReLU'(0) = 0
    await loadBackend('wasm');
  });
});
