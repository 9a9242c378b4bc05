/**
 * C2 on one pair (x, x′), r = ½‖f(x) − f(x′)‖²: the backward pass against the connection form
 * ∂r/∂w_ν = ΔK_ν·Δf (every block, any network) and the layer form ∂r/∂w_l = ΔK_l·ΔK_lᵀ·w_l (a cut,
 * with C1), ΔK = K(x) − K(x′), Δf = f(x) − f(x′).
 */
import { F64, type Arith } from '../../../src/numeric/arith.js';
import { tolerance } from '../../../src/numeric/tolerance.js';
import type { Measurement } from '../../../src/runner/check.js';
import type { NetworkSpec, Params } from '../../../src/network/architecture.js';
import { accumulateGrads, zeroGrads } from '../../../src/network/backward.js';
import { connections, connectionTimes, connectionTransposeTimes } from '../../../src/network/connection.js';
import { forward } from '../../../src/network/forward.js';
import { toArith } from '../../../src/network/init.js';
import { connectionBound, magnitude } from '../../../src/network/magnitude.js';
import { compareIn } from '../../../src/claims/compare.js';
import type { PairCase } from './generators.js';

/** Backward-pass gradient of r = ½‖f(x) − f(x')‖² (flat per block). */
function distanceGradient<T>(A: Arith<T>, spec: NetworkSpec, params: Params<T>, x: T[], xp: T[]): { grad: T[][]; df: T[] } {
  const t = forward(A, spec, params, x);
  const tp = forward(A, spec, params, xp);
  const df = t.out.map((v, k) => A.sub(v, tp.out[k]!));
  const g = zeroGrads(A, spec);
  accumulateGrads(A, spec, params, t, df, g);
  accumulateGrads(A, spec, params, tp, df.map((v) => A.neg(v)), g);
  return { grad: g.W, df };
}

/** (K_ν(x) − K_ν(x')) applied to v, for the requested blocks. */
function deltaK<T>(A: Arith<T>, spec: NetworkSpec, params: Params<T>, x: T[], xp: T[], blocks: readonly number[]) {
  const K = connections(A, spec, params, forward(A, spec, params, x), blocks);
  const Kp = connections(A, spec, params, forward(A, spec, params, xp), blocks);
  return K.map((k, i) => ({ ...k, K: k.K.map((v, r) => A.sub(v, Kp[i]!.K[r]!)) }));
}

/** scale = Σ_{s∈{x,x'}} K̄_s·‖Δf‖₁ (K̄_s bounds |K_ν(s)| entries, magnitude.ts), ops = the longer gradient chain (gradientOps). */
function pairTolerance(c: PairCase) {
  return () => {
    const { spec, params } = c.net;
    const outs = [c.x, c.xp].map((x) => forward(F64, spec, params, x));
    const df = outs[0]!.out.reduce((s, v, k) => s + Math.abs(v - outs[1]!.out[k]!), 0);
    let scale = 0;
    let ops = 0;
    [c.x, c.xp].forEach((x, i) => {
      scale += connectionBound(spec, params, x, outs[i]!.norm ?? 0) * df;
      ops = Math.max(ops, magnitude(spec, params, x).gradientOps);
    });
    return tolerance('float64', 'identity', ops, scale);
  };
}

/** Connection form ∂r/∂w_ν = ΔK_ν Δf, every block. */
export function measureConnectionForm<T>(A: Arith<T>, c: PairCase): Measurement {
  const { spec } = c.net;
  const params = toArith(A, c.net.params);
  const x = c.x.map((v) => A.from(v));
  const xp = c.xp.map((v) => A.from(v));
  const { grad, df } = distanceGradient(A, spec, params, x, xp);
  const all = spec.arch.blocks.map((b) => b.index);
  const viaK = deltaK(A, spec, params, x, xp, all).flatMap((k) => connectionTimes(A, k, df));
  return compareIn(A, grad.flat(), viaK, pairTolerance(c));
}

/** Layer form ∂r/∂w_l = ΔK_l ΔK_lᵀ w_l on a cut. */
export function measureLayerForm<T>(A: Arith<T>, c: PairCase): Measurement {
  const { spec } = c.net;
  const params = toArith(A, c.net.params);
  const x = c.x.map((v) => A.from(v));
  const xp = c.xp.map((v) => A.from(v));
  const { grad } = distanceGradient(A, spec, params, x, xp);
  const dK = deltaK(A, spec, params, x, xp, c.cut);
  const u = new Array<T>(spec.arch.nOut).fill(A.zero);
  for (const k of dK) connectionTransposeTimes(A, k, params.W[k.block]!).forEach((v, i) => (u[i] = A.add(u[i]!, v)));
  const lhs = c.cut.flatMap((b) => grad[b]!);
  const rhs = dK.flatMap((k) => connectionTimes(A, k, u));
  return compareIn(A, lhs, rhs, pairTolerance(c));
}
