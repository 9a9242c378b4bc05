/**
 * Claim C2, the chain rule through distances (docs/theory.md §1.3–1.4, §2 C2): for a loss of the
 * distances r = ½‖f_L(x) − f_L(x′)‖² the batch gradient of block ν is
 *
 *     ∇_{w_ν} L = Σ_samples K_ν(s)·δ_s,    δ_s = ∂L/∂f_L(s) = Σ β·(f(s) − f(s′))    (K_ν: (out·in) × n_L)
 *
 * for any network (bias, normalisation, any ψ) away from gate flips. Two predicates, shared by the
 * fast-check properties (properties/claims/C2) and the hunt targets (hunt/targets.ts):
 *   connectionForm          the backward pass against Σ_s K_ν(s)·δ_s;
 *   derivativeAlongDirection ⟨∇L, v⟩ against central differences of t ↦ L(w + t·v) (the weights β
 *                           are the derivatives of the loss), numeric/finiteDifference.ts.
 */
import { F64 } from '../numeric/arith.js';
import { compareDerivative, richardsonDerivative } from '../numeric/finiteDifference.js';
import { tolerance } from '../numeric/tolerance.js';
import type { Measurement } from '../runner/check.js';
import type { Loss, Reduction } from '../losses/loss.js';
import type { NetworkSpec, Params } from '../network/architecture.js';
import { batchLoss, connectionGradient, type Batch } from '../network/batchGradient.js';
import { forward } from '../network/forward.js';
import { connectionBound, magnitude } from '../network/magnitude.js';
import type { GradientEngine } from '../mutants/catalogue.js';
import { withinTolerance } from './compare.js';

/**
 * Backward pass against Σ_s K_ν(s)·δ_s, every block, float64. tol = c·n·ε·scale with
 * scale = Σ_s K̄_s·‖δ_s‖₁ (K̄_s bounds |K_ν(s)|, network/magnitude.ts) and n = the longest gradient
 * chain (magnitude's gradientOps) + S.
 */
export function connectionForm(spec: NetworkSpec, params: Params<number>, batch: Batch<number>, loss: Loss, reduction: Reduction = 'mean'): Measurement {
  const r = batchLoss(F64, spec, params, batch, loss, reduction);
  const viaK = connectionGradient(F64, spec, params, r);
  const samples = [...batch.x, ...batch.pos, ...batch.neg.flat()];
  const deltas = [...r.dOut.x, ...r.dOut.pos, ...r.dOut.neg.flat()];
  const traces = [...r.traces.x, ...r.traces.pos, ...r.traces.neg.flat()];
  let scale = 0;
  let ops = 0;
  samples.forEach((x, i) => {
    scale += connectionBound(spec, params, x, traces[i]!.norm ?? 0) * deltas[i]!.reduce((s, v) => s + Math.abs(v), 0);
    ops = Math.max(ops, magnitude(spec, params, x).gradientOps);
  });
  return withinTolerance(r.grads.W.flat(), viaK.flat(), tolerance('float64', 'identity', ops + samples.length, scale));
}

/** A batch, a loss and a direction v over the weights (flat, block by block). */
export interface DirectionalCase {
  readonly spec: NetworkSpec;
  readonly params: Params<number>;
  readonly batch: Batch<number>;
  readonly loss: Loss;
  readonly reduction?: Reduction;
  /** v; absent: the unit gradient direction ∇L/‖∇L‖. */
  readonly direction?: readonly number[];
  /** The first step h of the differences (h, h/2, h/4); default 2^-8. */
  readonly h?: number;
  /** The gradient engine (default the backward pass; a mutant's in the mutation self-check). */
  readonly engine?: GradientEngine;
}

const NORM_KINK = 1 / 64;

/**
 * ⟨∇L, v⟩ from the engine's gradient against Richardson-extrapolated central differences of
 * L(w + t·v). Skipped (ok, with a note) where L is not smooth on the stencil, and with output
 * normalisation where some output comes within 1/64 of 0 (‖f‖ is not differentiable at 0).
 */
export function derivativeAlongDirection(c: DirectionalCase): Measurement {
  const engine = c.engine ?? batchLoss;
  const { spec, params, batch, loss } = c;
  const r = engine(F64, spec, params, batch, loss, c.reduction);
  // A direction of length #W + #b moves the biases too (finite differences cover ∂L/∂b); of length #W, only W.
  const gW = r.grads.W.flat();
  const gB = r.grads.b && params.b ? r.grads.b.flat() : [];
  const withBias = gB.length > 0 && c.direction !== undefined && c.direction.length === gW.length + gB.length;
  const g = withBias ? [...gW, ...gB] : gW;
  let v = c.direction;
  if (!v) {
    const norm = Math.hypot(...g);
    if (!(norm > 0)) return { ok: true, error: 0, tolerance: 0, note: 'zero gradient' };
    v = g.map((x) => x / norm);
  }
  const dir = v;
  let gv = 0;
  let scale = 0;
  g.forEach((x, i) => {
    gv += x * dir[i]!;
    scale += Math.abs(x * dir[i]!);
  });
  const moved = (t: number): Params<number> => {
    let k = 0;
    const W = params.W.map((w) => w.map((x) => x + t * dir[k++]!));
    return { W, b: withBias ? params.b!.map((b) => b.map((x) => x + t * dir[k++]!)) : params.b };
  };
  const h = c.h ?? 2 ** -8;
  if (spec.normalize && nearNormKink(spec, moved, batch, h)) {
    return { ok: true, error: 0, tolerance: 0, undecided: true, note: 'an output is within 1/64 of 0 on the difference stencil, where ‖f‖ is not differentiable: undecided' };
  }
  const d = richardsonDerivative((t) => engine(F64, spec, moved(t), batch, loss, c.reduction).value, { h, value: r.value });
  if (!d.smooth) return { ok: true, error: 0, tolerance: 0, undecided: true, note: 'the loss is not smooth along this direction here (a max or a hinge): undecided' };
  const cmp = compareDerivative(gv, d, { source: 'gradient', scale, scaleText: 'Σ|g_i v_i|' });
  const e = Math.log2(h);
  return {
    ok: cmp.ok,
    error: cmp.error,
    tolerance: cmp.tolerance,
    derivation: `central differences along ${c.direction ? `a random direction v${withBias ? ' (weights and biases)' : ''}` : 'v = ∇L/‖∇L‖'} with Richardson extrapolation, h = 2^${e}, 2^${e - 1}, 2^${e - 2}: ${cmp.derivation}`,
    note: `⟨∇L, v⟩ = ${gv} from the gradient, ${d.estimate} from differences of L`,
  };
}

/** Whether some sample's raw output comes within 1/64 of 0 at w + t·v, |t| ≤ h (the norm's kink). */
function nearNormKink(spec: NetworkSpec, moved: (t: number) => Params<number>, batch: Batch<number>, h: number): boolean {
  const xs = [...batch.x, ...batch.pos, ...batch.neg.flat()];
  for (const t of [-h, -h / 2, 0, h / 2, h]) {
    const p = moved(t);
    for (const x of xs) {
      if (Math.hypot(...forward(F64, spec, p, x).raw) < NORM_KINK) return true;
    }
  }
  return false;
}
