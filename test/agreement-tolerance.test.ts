/**
 * The agreement tolerance of a loss value (src/impl/agreementTolerance.ts, issue 12 review): it is
 * relative to the terms the loss formula adds, so a correct float32 implementation whose loss cancels
 * passes. nce with the positive far closer than the negative: L = τ·(lse(ℓ) − ℓ_+), ℓ = −r/τ, is ≈ 7e-10
 * while its terms are ≈ 20; PyTorch's cross-entropy computes exactly that difference in float32.
 */
import { describe, expect, it } from 'vitest';
import { F64 } from '../src/numeric/arith.js';
import { mlpArchitecture, type NetworkSpec, type Params } from '../src/network/architecture.js';
import { batchLoss } from '../src/network/batchGradient.js';
import { parseLoss } from '../src/losses/index.js';
import { agreementTolerance } from '../src/impl/agreementTolerance.js';
import { tolerance } from '../src/numeric/tolerance.js';

const f32 = Math.fround;
/** τ·(logsumexp(ℓ) − ℓ_+) in float32, every operation rounded (PyTorch's F.cross_entropy on logits −r/τ, scaled by τ). */
function crossEntropyF32(rPos: number, rNeg: readonly number[], tau: number): number {
  const l = [rPos, ...rNeg].map((r) => f32(-f32(r) / f32(tau)));
  const m = Math.max(...l);
  const s = l.reduce((a, x) => f32(a + f32(Math.exp(f32(x - m)))), 0);
  return f32(f32(tau) * f32(f32(m + f32(Math.log(s))) - l[0]!));
}

describe('agreement tolerance of the loss value', () => {
  // A linear 1 → 1 network f(x) = x: anchor 0, positive √(2·10.1), negative √(2·20.3): r_+ = 10.1, r_− = 20.3.
  const spec: NetworkSpec = { arch: mlpArchitecture([1, 1]), activation: { kind: 'linear' }, bias: false, normalize: false, eps: 0 };
  const params: Params<number> = { W: [[1]], b: null };
  const batch = { x: [[0]], pos: [[Math.sqrt(2 * 10.1)]], neg: [[[Math.sqrt(2 * 20.3)]]] };
  const loss = parseLoss({ name: 'nce', tau: 0.5 });
  const ref = batchLoss(F64, spec, params, batch, loss, 'mean');

  it('a correct float32 cross-entropy at p_+ ≈ 1 is within it; β-weighted statistics alone would fail it', () => {
    const got = crossEntropyF32(10.1, [20.3], 0.5);
    const err = Math.abs(got - ref.value);
    expect(ref.value).toBeLessThan(1e-8);
    expect(err).toBeGreaterThan(ref.value / 2); // the float32 difference loses L entirely
    const tol = agreementTolerance('float32', spec, params, batch, loss, ref).loss;
    expect(err, tol.derivation).toBeLessThanOrEqual(tol.tol);
    // The scale before (Σ|β|·r + |L|, with the output term ‖δ‖₁·ō ≈ 0): far below the error.
    const beta = Math.abs(ref.betaPos[0]!) * 10.1 + Math.abs(ref.betaNeg[0]![0]!) * 20.3 + Math.abs(ref.value);
    expect(tolerance('float32', 'engine', 64, beta).tol).toBeLessThan(err);
  });

  it('a loss off by 1e-3 of its terms still fails', () => {
    const tol = agreementTolerance('float32', spec, params, batch, loss, ref).loss;
    expect(1e-3 * 20.3).toBeGreaterThan(tol.tol);
  });
});
