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
