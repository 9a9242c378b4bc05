/**
 * The tolerances of a float32 engine against the float64 reference (numeric/tolerance.ts, float32
 * 'engine', c = 8): tol = c·n·ε₃₂·scale with
 *  - forward: n = ops (the forward chain: depth·(widest + 2) + nOut + 4, network/magnitude.ts),
 *    scale = ḡ_ν, the path-sum bound of every partial sum of block ν (|W|, |b|, |x|, ψ → identity);
 *    normalised outputs: ×2/(‖g_L‖+ε);
 *  - gradient Σ_s K_s·δ_s: n = gradientOps + S + 8 (forward and backward chains and a block's row sum,
 *    network/magnitude.ts; the sum over the S samples; the loss stage), scale = Σ_s K̄_s·(‖δ_s‖₁ + κ·Σ|β_s|·ō_s) where K̄_s
 *    bounds |K_ν(s)| (magnitude.ts connectionBound; with biases also |J_ν(s)|, their connection), ō_s·n·ε bounds the outputs' rounding (ō = ḡ_L,
 *    or ḡ_L/(‖g_L‖+ε) after normalisation), and κ = 1 + 2·r_max/τ bounds the relative change of β under a relative change of
 *    the distances (β of nce/tri/official_nce is a softmax/sigmoid of r/τ; 1 for simp, subtract):
 *    δ = Σ β·(o − o′) inherits the outputs' rounding through both factors.
 *    Below that relative model, float32 cannot resolve β under an absolute floor: σ′(u) and the softmax
 *    weights come from exp, whose float32 result is subnormal or 0 below the smallest normal η (exp(u)
 *    overflows past u ≈ 88.7, so σ(−u) rounds to 0 where the true value is < 3e-39: seed 15,
 *    C2/float32/tfjs-level-autograd, β ≈ 7.9e-38). So |δσ′| ≤ η and |δβ| ≤ 2η/τ (β = σ′·(2/d)/τ per
 *    mean, d ≥ 1), and through δ = Σ β·(o − o′), |o − o′| ≤ 2ō, each of a sample's β terms adds
 *    (2η/τ)·2ō to its ‖δ‖₁: an absolute term, entered in the scale as ÷ε so that c·n·ε·scale carries it
 *    as c·n·(2η/τ)·2ō. It is far below the cancellation of 1 − σ(u) (absolute ε·σ′ scale, the sigmoid
 *    mutant), which stays caught.
 * ReLU-type networks are differentiable only a.e.: a case where some reference pre-activation lies
 * within the forward tolerance of a kink is skipped (noted), as C2 holds off gate flips.
 */
import { F64 } from '../../../../src/numeric/arith.js';
import { MACHINE_EPSILON, tolerance, UNDERFLOW_UNIT, type Tolerance } from '../../../../src/numeric/tolerance.js';
import { isHomogeneous } from '../../../../src/network/activation.js';
import type { NetworkSpec, Params } from '../../../../src/network/architecture.js';
import type { BatchResult } from '../../../../src/network/batchGradient.js';
import { forward } from '../../../../src/network/forward.js';
import { connectionBound, jacobianBounds, magnitude } from '../../../../src/network/magnitude.js';
import { engineLoss, samplesOf, type EngineCase } from './cases.js';

/** Forward tolerance of one input and the chain length (see the module comment). */
export function forwardTolerance(spec: NetworkSpec, params: Params<number>, x: readonly number[]): Tolerance & { ops: number; scale: number } {
  const m = magnitude(spec, params, x);
  return { ...tolerance('float32', 'engine', m.ops, m.scale), ops: m.ops, scale: m.scale };
}

/** True when some reference pre-activation of a kinked activation is within `tol` of 0 (a gate may flip). */
export function nearKink(spec: NetworkSpec, params: Params<number>, samples: readonly (readonly number[])[]): boolean {
  if (!isHomogeneous(spec.activation) || spec.activation.kind === 'linear') return false;
  return samples.some((x) => {
    const t = forward(F64, spec, params, x);
    const tol = forwardTolerance(spec, params, x).tol;
    return t.g.some((g, b) => b !== spec.arch.output && g.some((v) => v !== 0 && Math.abs(v) <= tol));
  });
}

/** The gradient tolerance of a batch (module comment). */
export function gradientTolerance(spec: NetworkSpec, params: Params<number>, c: EngineCase, ref: BatchResult<number>): Tolerance {
  const samples = samplesOf(c.batch);
  const deltas = [...ref.dOut.x, ...ref.dOut.pos, ...ref.dOut.neg.flat()];
  const B = c.batch.x.length;
  const betaAbs = (s: number): number => {
    if (s < B) return Math.abs(ref.betaPos[s]!) + ref.betaNeg[s]!.reduce((a, v) => a + Math.abs(v), 0);
    if (s < 2 * B) return Math.abs(ref.betaPos[s - B]!);
    const q = s - 2 * B;
    const H = ref.betaNeg[0]!.length;
    return Math.abs(ref.betaNeg[Math.floor(q / H)]![q % H]!);
  };
  const loss = engineLoss(c.loss);
  const tau = loss.params.tau;
  const rmax = Math.max(...ref.f.x.map((fx, b) => Math.max(...[ref.f.pos[b]!, ...ref.f.neg[b]!].map((o) => o.reduce((a, v, i) => a + (v - fx[i]!) ** 2, 0) / 2))));
  const kappa = tau === undefined ? 1 : 1 + (2 * rmax) / tau;
  // The β floor (module comment): 2η/τ per β term, an absolute error (÷ε in the scale).
  const betaFloor = tau === undefined ? 0 : (2 * UNDERFLOW_UNIT.float32) / tau;
  const betaTerms = (s: number): number => (s < B ? 1 + ref.betaNeg[s]!.length : 1);
  let scale = 0;
  let ops = 0;
  samples.forEach((x, s) => {
    const t = forward(F64, spec, params, x);
    const m = magnitude(spec, params, x);
    // Absolute output error ≤ n·ε·ḡ_L before normalisation, ÷(‖g_L‖+ε) after it.
    const obar = spec.normalize ? m.scale / ((t.norm ?? 0) + spec.eps) : m.scale;
    const l1 = deltas[s]!.reduce((a, v) => a + Math.abs(v), 0);
    const kbar = connectionBound(spec, params, x, t.norm ?? 0);
    const bound = spec.bias ? Math.max(kbar, ...jacobianBounds(spec, params, t.norm ?? 0).flat()) : kbar;
    scale += bound * (l1 + kappa * betaAbs(s) * obar + (betaTerms(s) * betaFloor * 2 * obar) / MACHINE_EPSILON.float32);
    ops = Math.max(ops, m.gradientOps);
  });
  return tolerance('float32', 'engine', ops + samples.length + 8, scale);
}
