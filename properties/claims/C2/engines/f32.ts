/**
 * C2's f32 witness: the hand-written float32 kernels (engines/f32/*, pattern tables included) must
 * give the gradient of the float64 backward pass, within the engine tolerance (./tolerance.ts).
 */
import { F64 } from '../../../../src/numeric/arith.js';
import type { Measurement } from '../../../../src/runner/check.js';
import { batchLoss } from '../../../../src/network/batchGradient.js';
import { F32Engine, unpackParams } from '../../../../src/engines/f32/engine.js';
import { withinTolerance } from '../../../../src/claims/compare.js';
import { engineLoss, samplesOf, toMatrix, type EngineCase } from './cases.js';
import { gradientTolerance, nearKink } from './tolerance.js';

export function measureF32Gradient(c: EngineCase): Measurement {
  const { spec, params } = c.net;
  if (nearKink(spec, params, samplesOf(c.batch))) return { ok: true, error: 0, tolerance: 0, note: 'a pre-activation lies within rounding of a kink: skipped (C2 holds a.e.)' };
  const ref = batchLoss(F64, spec, params, c.batch, engineLoss(c.loss));
  const { x, B, H } = toMatrix(c.batch, spec.arch.nInputs);
  const L = spec.arch.nInputs;
  const e = new F32Engine({ spec, params, loss: engineLoss(c.loss), optimizer: { name: 'sgd', lr: 1 }, B, H });
  e.gradient({ B, H, anchor: x.subarray(0, B * L), pos: x.subarray(B * L, 2 * B * L), neg: x.subarray(2 * B * L), anchorLatents: new Uint8Array(0) });
  const g = unpackParams(e.layout, e.grad);
  const t = gradientTolerance(spec, params, c, ref);
  const want = [...ref.grads.W.flat(), ...(ref.grads.b ? ref.grads.b.flat() : [])];
  return withinTolerance([...g.W.flat(), ...(g.b ? g.b.flat() : [])], want, t, 'f32 kernels vs float64 backward pass');
}
