/**
 * Builds a training engine by name: `f32` (hand-written kernels, tree networks) or `tfjs` (on the
 * TF.js backend `backend`, loaded here; an unavailable backend is an InputError naming --backend).
 */
import type { Loss } from '../losses/loss.js';
import type { NetworkSpec, Params } from '../network/architecture.js';
import type { OptimizerSpec } from '../train/optim.js';
import { loadBackend } from './backend.js';
import type { EngineName, TrainEngine } from './engine.js';
import { F32Engine } from './f32/engine.js';

export interface EngineRequest {
  readonly engine: EngineName;
  readonly backend?: string;
  readonly spec: NetworkSpec;
  readonly params: Params<number>;
  readonly loss: Loss;
  readonly optimizer: OptimizerSpec;
  readonly B: number;
  readonly H: number;
}

export async function createEngine(r: EngineRequest): Promise<TrainEngine> {
  if (r.engine === 'f32') return new F32Engine(r);
  if (r.engine === 'webgpu') return new (await import('./webgpu/engine.js')).WebGpuEngine(r);
  const tf = await loadBackend(r.backend ?? 'wasm');
  const { TfEngine } = await import('./tfjs/engine.js');
  return new TfEngine(tf, r);
}
