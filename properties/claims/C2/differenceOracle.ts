/**
 * C2's independent oracle (issue 12): the float64 backward pass against central differences of
 * the value it differentiates, computed by the forward pass alone (src/network/forward.ts, no
 * backwardPre), with the one finite-difference checker (src/numeric/finiteDifference.ts). The
 * connection form (network/connection.ts) shares backwardPre with the backward pass, so a bug there
 * (e.g. in the normalisation's backward step) passes it; it does not pass this.
 *   pair:  r(t) = ½‖f(x; θ + t·v) − f(x′; θ + t·v)‖²,  ⟨∇r, v⟩ from the backward pass;
 *   batch: L(θ + t·v) (src/claims/chainRule.ts).
 * v: a fixed pseudo-random direction over the weights and the biases (so ∂/∂b is covered).
 * Where the differences disagree at first order (a ReLU gate or a hinge flips on the stencil) the
 * case is `undecided`, counted by the runner.
 */
import { F64 } from '../../../src/numeric/arith.js';
import { compareDerivative, richardsonDerivative } from '../../../src/numeric/finiteDifference.js';
import { Rng } from '../../../src/numeric/random.js';
import type { Measurement } from '../../../src/runner/check.js';
import type { NetworkSpec, Params } from '../../../src/network/architecture.js';
import { accumulateGrads, zeroGrads } from '../../../src/network/backward.js';
import { forward } from '../../../src/network/forward.js';
import type { Batch } from '../../../src/network/batchGradient.js';
import type { Loss } from '../../../src/losses/index.js';
import { derivativeAlongDirection } from '../../../src/claims/chainRule.js';

const H = 2 ** -8;

/** A direction in [−1, 1]^n over W then b (block order), fixed per network shape. */
export function directionFor(params: Params<number>): number[] {
  const n = params.W.reduce((s, w) => s + w.length, 0) + (params.b ? params.b.reduce((s, b) => s + b.length, 0) : 0);
  const rng = new Rng(0x5eed + n);
  return Array.from({ length: n }, () => rng.range(-1, 1));
}

function moved(params: Params<number>, v: readonly number[], t: number): Params<number> {
  let k = 0;
  const W = params.W.map((w) => w.map((x) => x + t * v[k++]!));
  const b = params.b ? params.b.map((bb) => bb.map((x) => x + t * v[k++]!)) : null;
  return { W, b };
}

const NORM_KINK = 1 / 64;
const GATED = new Set(['relu', 'leaky_relu']);

/**
 * Whether the differences of a function of these inputs would straddle a kink: a ReLU/leaky gate
 * whose pre-activation is 0 or changes sign on the stencil θ + t·v, |t| ≤ h (central differences
 * all agree at a kink exactly at t = 0, so the smoothness test of the checker cannot see it), or
 * with output normalisation a raw output within 1/64 of 0 (‖f‖'s kink).
 */
export function straddlesKink(spec: NetworkSpec, params: Params<number>, v: readonly number[], xs: readonly (readonly number[])[]): boolean {
  const gated = GATED.has(spec.activation.kind);
  if (!gated && !spec.normalize) return false;
  let pattern: string | null = null;
  for (const t of [-H, -H / 2, -H / 4, 0, H / 4, H / 2, H]) {
    const p = moved(params, v, t);
    const signs: string[] = [];
    for (const x of xs) {
      const tr = forward(F64, spec, p, x);
      if (spec.normalize && Math.hypot(...tr.raw) < NORM_KINK) return true;
      if (gated) for (const g of tr.g.flat()) {
        if (g === 0) return true;
        signs.push(g > 0 ? '+' : '-');
      }
    }
    const s = signs.join('');
    if (pattern !== null && s !== pattern) return true;
    pattern = s;
  }
  return false;
}

const KINK_NOTE = 'a ReLU gate or the norm is at a kink on the difference stencil: undecided';

/** ⟨∇r, v⟩ (backward pass) against central differences of r (forward pass only). */
export function pairDifferenceOracle(spec: NetworkSpec, params: Params<number>, x: readonly number[], xp: readonly number[]): Measurement {
  const r = (p: Params<number>): number => {
    const a = forward(F64, spec, p, x).out;
    const b = forward(F64, spec, p, xp).out;
    return a.reduce((s, v, k) => s + (v - b[k]!) ** 2, 0) / 2;
  };
  const t = forward(F64, spec, params, x);
  const tp = forward(F64, spec, params, xp);
  const df = t.out.map((v, k) => v - tp.out[k]!);
  const g = zeroGrads(F64, spec);
  accumulateGrads(F64, spec, params, t, df, g);
  accumulateGrads(F64, spec, params, tp, df.map((v) => -v), g);
  const grad = [...g.W.flat(), ...(g.b && params.b ? g.b.flat() : [])];
  const v = directionFor(params);
  if (straddlesKink(spec, params, v, [x, xp])) return { ok: true, error: 0, tolerance: 0, undecided: true, note: KINK_NOTE };
  let gv = 0;
  let scale = 0;
  grad.forEach((q, i) => {
    gv += q * v[i]!;
    scale += Math.abs(q * v[i]!);
  });
  const d = richardsonDerivative((s) => r(moved(params, v, s)), { h: H, value: r(params) });
  if (!d.smooth) return { ok: true, error: 0, tolerance: 0, undecided: true, note: 'r is not smooth along v here (a gate flips on the stencil): undecided' };
  const cmp = compareDerivative(gv, d, { source: 'gradient', scale, scaleText: 'Σ|g_i v_i|' });
  return { ok: cmp.ok, error: cmp.error, tolerance: cmp.tolerance, derivation: `backward pass vs central differences of r along v (weights and biases): ${cmp.derivation}`, note: `⟨∇r, v⟩ = ${gv}, differences ${d.estimate}` };
}

/** ⟨∇L, v⟩ (backward pass) against central differences of the batch loss L. */
export function batchDifferenceOracle(spec: NetworkSpec, params: Params<number>, batch: Batch<number>, loss: Loss): Measurement {
  const v = directionFor(params);
  if (straddlesKink(spec, params, v, [...batch.x, ...batch.pos, ...batch.neg.flat()])) return { ok: true, error: 0, tolerance: 0, undecided: true, note: KINK_NOTE };
  return derivativeAlongDirection({ spec, params, batch, loss, direction: v });
}

/** Both measurements must hold; the result is the one nearer its tolerance (a failing one first). */
export function bothHold(a: Measurement, b: Measurement): Measurement {
  if (!a.ok) return a;
  if (!b.ok) return b;
  const ratio = (m: Measurement) => (m.tolerance > 0 ? m.error / m.tolerance : 0);
  const worse = ratio(b) > ratio(a) ? b : a;
  return b.undecided && worse === a ? { ...a, undecided: true, note: `${a.note ?? ''}${a.note ? '; ' : ''}differences: ${b.note}` } : worse;
}
