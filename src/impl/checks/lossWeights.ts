/**
 * C6 through `distances` (docs/theory.md §1.4, §2 C6; claims/lossBalance.ts), on drawn distances
 * r_b+, r_bk− ∈ [0.1, 2] (B = 2, H = 2; 1 for tri), rounded to the announced dtype:
 *  - weights: the answered β are the derivatives of the answered loss: ⟨β, u⟩ along a random
 *    direction u in r-space (quantised to 2^-12, so r + t·u is exact in float32) against central
 *    differences of the loss through six more distances requests (numeric/finiteDifference.ts, the
 *    dtype's rounding term), plus the implementation's own rounding c·n·ε·Σ|β_i u_i| (kind 'engine',
 *    n = 4·(H + 1) + 8);
 *  - balance: for the balanced losses of docs/case-format.md (simp, tri, nce: docs/theory.md C6)
 *    β_+ + Σ_k β_k = 0 per anchor, within c·n·ε·(1 + Σ|β|) (kind 'identity', n = 4·(H + 1)), in
 *    the dtype. Other losses: balance not asserted (the note says so).
 */
import { Rng } from '../../numeric/random.js';
import { tolerance } from '../../numeric/tolerance.js';
import { compareDerivative, richardsonDerivative } from '../../numeric/finiteDifference.js';
import type { ImplClient } from '../client.js';
import type { ImplMeasurement } from './measurement.js';
import { quantisedDirection } from './derivative.js';

const BALANCED = ['simp', 'tri', 'nce'];
const H_STEP = 2 ** -5;

export async function lossWeightsThroughDistances(impl: ImplClient, loss: Readonly<Record<string, unknown>>, seed: number): Promise<{ weights: ImplMeasurement; balance: ImplMeasurement | null }> {
  const dtype = impl.handshake.dtype;
  const rng = new Rng(seed);
  const round = (x: number) => (dtype === 'float32' ? Math.fround(x) : x);
  const B = 2;
  const H = loss.name === 'tri' ? 1 : 2;
  const rPos = Array.from({ length: B }, () => round(0.1 + 1.9 * rng.uniform()));
  const rNeg = Array.from({ length: B }, () => Array.from({ length: H }, () => round(0.1 + 1.9 * rng.uniform())));
  const a = await impl.distances({ loss, r_pos: rPos, r_neg: rNeg });
  const u = quantisedDirection(Array.from({ length: B * (H + 1) }, () => rng.normal()));
  const beta = [...a.beta_pos, ...a.beta_neg.flat()];
  let bu = 0;
  let scale = 0;
  beta.forEach((b, i) => {
    bu += b * u[i]!;
    scale += Math.abs(b * u[i]!);
  });
  const moved = (t: number) => ({ loss, r_pos: rPos.map((r, b) => r + t * u[b]!), r_neg: rNeg.map((row, b) => row.map((r, k) => r + t * u[B + b * H + k]!)) });
  const steps = [H_STEP, -H_STEP, H_STEP / 2, -H_STEP / 2, H_STEP / 4, -H_STEP / 4];
  const values = await Promise.all(steps.map((t) => impl.distances(moved(t)).then((d) => d.loss)));
  const at = new Map(steps.map((t, i) => [t, values[i]!]));
  const d = richardsonDerivative((t) => at.get(t)!, { h: H_STEP, value: a.loss, precision: dtype });
  let weights: ImplMeasurement;
  if (!d.smooth) weights = { ok: true, skipped: true, error: 0, tolerance: 0, note: 'the loss of distances is not smooth here (a hinge): skipped' };
  else {
    const cmp = compareDerivative(bu, d, { source: 'loss-weight', scale, scaleText: 'Σ|β_i u_i|' });
    const own = tolerance(dtype, 'engine', 4 * (H + 1) + 8, scale);
    weights = {
      ok: cmp.error <= cmp.tolerance + own.tol,
      error: cmp.error,
      tolerance: cmp.tolerance + own.tol,
      derivation: `${cmp.derivation}; + the implementation's rounding ${own.derivation}`,
      note: `⟨β, u⟩ = ${bu} from its distances answer, ${d.estimate} from differences of its loss`,
    };
  }
  if (!BALANCED.includes(String(loss.name))) return { weights, balance: null };
  let err = 0;
  let bScale = 1;
  a.beta_pos.forEach((bp, b) => {
    const g = [bp, ...a.beta_neg[b]!];
    err = Math.max(err, Math.abs(g.reduce((p, q) => p + q, 0)));
    bScale = Math.max(bScale, 1 + g.reduce((p, q) => p + Math.abs(q), 0));
  });
  const tB = tolerance(dtype, 'identity', 4 * (H + 1), bScale);
  return { weights, balance: { ok: err <= tB.tol, error: err, tolerance: tB.tol, derivation: tB.derivation, note: `max over anchors |β_+ + Σ_k β_k| from its distances answer` } };
}
