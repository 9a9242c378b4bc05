/**
 * Builds a training engine by name: `f32` (hand-written kernels, tree networks), `webgpu` (WGSL
 * kernels on Dawn, docs/gpu.md) or `tfjs` (on the
 * TF.js backend `backend`, loaded here; an unavailable backend is an InputError naming --backend).
 * Adding an engine is one entry of ENGINES (and its name in engine.ts's ENGINE_NAMES).
 */
import { describe, InputError } from '../errors.js';
import { loadBackend } from './backend.js';
import type { EngineName, EngineRequest, TrainEngine } from './engine.js';
import { F32Engine } from './f32/engine.js';

const ENGINES: Readonly<Record<EngineName, (r: EngineRequest) => Promise<TrainEngine>>> = {
  f32: async (r) => new F32Engine(r),
  tfjs: async (r) => {
    const tf = await loadBackend(r.backend ?? 'wasm');
    const { TfEngine } = await import('./tfjs/engine.js');
    return new TfEngine(tf, r);
  },
  // Issue 11, docs/gpu.md: Dawn is loaded only here, when the engine is asked for.
  webgpu: async (r) => new (await import('./webgpu/engine.js')).WebGpuEngine(r),
};

export async function createEngine(r: EngineRequest): Promise<TrainEngine> {
  const make = (ENGINES as Readonly<Record<string, (r: EngineRequest) => Promise<TrainEngine>>>)[r.engine];
  if (!make) throw new InputError('--engine', `unknown engine ${describe(r.engine)} (${Object.keys(ENGINES).join(', ')})`);
  return make(r);
}
