/**
 * C2 on a batch of tuples with a built-in loss: the backward pass against the connection form
 * Σ_s K_ν(s)·δ_s (src/claims/chainRule.ts), and against a central difference per weight for ReLU
 * networks with L_simp (piecewise quadratic in each weight: exact away from gate flips).
 */
import { F64 } from '../../../src/numeric/arith.js';
import { centralDifference } from '../../../src/numeric/finiteDifference.js';
import { tolerance } from '../../../src/numeric/tolerance.js';
import type { Measurement } from '../../../src/runner/check.js';
import { batchLoss } from '../../../src/network/batchGradient.js';
import { magnitude } from '../../../src/network/magnitude.js';
import { connectionForm } from '../../../src/claims/chainRule.js';
import { withinTolerance } from '../../../src/claims/compare.js';
import { LOSSES, type BatchCase } from './generators.js';

/** Backward pass of a batch loss vs Σ_samples K·∂L/∂f (any network, any loss). */
export function measureBatch(c: BatchCase): Measurement {
  return connectionForm(c.net.spec, c.net.params, c.batch, LOSSES[c.loss]!);
}

/**
 * One weight's central difference of a ReLU-net L_simp batch loss, h = 2^-12, against the backward
 * pass; skipped when a gate flips within ±h. tol = c·n·ε·2M²/h (the rounding of L over 2h).
 */
export function measureFiniteDifference(c: BatchCase & { readonly entry: number }): Measurement {
  const { spec, params } = c.net;
  const loss = LOSSES.simp!;
  const h = 2 ** -12;
  const flat = params.W.flat();
  const idx = c.entry % flat.length;
  let block = 0;
  let offset = idx;
  while (offset >= params.W[block]!.length) offset -= params.W[block++]!.length;
  const at = (delta: number): { value: number; gates: string } => {
    const W = params.W.map((w, b) => (b === block ? w.map((v, j) => (j === offset ? v + delta : v)) : w));
    const p = { W, b: params.b };
    const r = batchLoss(F64, spec, p, c.batch, loss);
    const gates = [...r.traces.x, ...r.traces.pos, ...r.traces.neg.flat()].map((t) => t.g.flat().map((g) => (g > 0 ? 1 : 0)).join('')).join('|');
    return { value: r.value, gates };
  };
  const mid = at(0);
  const stencilGates: string[] = [];
  const fd = centralDifference((t) => {
    const r = at(t);
    stencilGates.push(r.gates);
    return r.value;
  }, h);
  if (stencilGates.some((g) => g !== mid.gates)) return { ok: true, error: 0, tolerance: 0, note: 'a gate flips within ±h: skipped (C2 holds a.e.)' };
  const grad = batchLoss(F64, spec, params, c.batch, loss).grads.W[block]![offset]!;
  const samples = [...c.batch.x, ...c.batch.pos, ...c.batch.neg.flat()];
  const m = Math.max(...samples.map((x) => magnitude(spec, params, x).scale)) + h;
  const t = tolerance('float64', 'identity', magnitude(spec, params, samples[0]!).ops, (2 * m * m) / h);
  return withinTolerance([grad], [fd], { tol: t.tol, derivation: `${t.derivation}; scale = 2·M²/h, h = 2^-12 (rounding of L over 2h)` });
}
