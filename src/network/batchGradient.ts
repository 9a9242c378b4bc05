/**
 * The loss of a batch of tuples and its parameter gradient, by the hand-written backward pass.
 *
 * Batch: x, x_+ ∈ [B][nIn], x_− ∈ [B][H][nIn]. With β from the loss (losses/loss.ts):
 *   ∂L/∂f(x_b)   = β_b+ (f(x_b) − f(x_b+)) + Σ_k β_bk (f(x_b) − f(x_bk−))
 *   ∂L/∂f(x_b+)  = −β_b+ (f(x_b) − f(x_b+)),   ∂L/∂f(x_bk−) = −β_bk (f(x_b) − f(x_bk−))
 * and ∇_w L = Σ_samples backward(δ_sample). `connectionGradient` computes the same gradient as
 * Σ_samples K_ν(s)·δ_s from the connections (claim C2); the two must agree.
 */
import type { Arith } from '../numeric/arith.js';
import { InputError } from '../errors.js';
import type { Loss, Reduction } from '../losses/loss.js';
import type { NetworkSpec, Params } from './architecture.js';
import { accumulateGrads, type ParamGrads, zeroGrads } from './backward.js';
import { connections } from './connection.js';
import { forward, type Trace } from './forward.js';

export interface Batch<T> {
  readonly x: readonly (readonly T[])[];
  readonly pos: readonly (readonly T[])[];
  readonly neg: readonly (readonly (readonly T[])[])[];
}

export interface BatchResult<T> {
  readonly value: T;
  /** Outputs the loss sees. */
  readonly f: { x: T[][]; pos: T[][]; neg: T[][][] };
  readonly betaPos: T[];
  readonly betaNeg: T[][];
  /** ∂L/∂f for every sample (same nesting as f). */
  readonly dOut: { x: T[][]; pos: T[][]; neg: T[][][] };
  readonly traces: { x: Trace<T>[]; pos: Trace<T>[]; neg: Trace<T>[][] };
  readonly grads: ParamGrads<T>;
}

/** ½‖a − b‖². */
export function halfSquaredDistance<T>(A: Arith<T>, a: readonly T[], b: readonly T[]): T {
  let s = A.zero;
  for (let i = 0; i < a.length; i++) {
    const d = A.sub(a[i]!, b[i]!);
    s = A.add(s, A.mul(d, d));
  }
  return A.div(s, A.from(2));
}

const scaledDiff = <T>(A: Arith<T>, c: T, a: readonly T[], b: readonly T[]): T[] => a.map((v, i) => A.mul(c, A.sub(v, b[i]!)));

export function batchLoss<T>(
  A: Arith<T>,
  spec: NetworkSpec,
  params: Params<T>,
  batch: Batch<T>,
  loss: Loss,
  reduction: Reduction = 'mean',
): BatchResult<T> {
  if (loss.statistic === 'similarity') throw new InputError('negatives', `loss '${loss.name}' is defined on in-batch negatives only`);
  const run = (x: readonly T[]) => forward(A, spec, params, x);
  const traces = { x: batch.x.map(run), pos: batch.pos.map(run), neg: batch.neg.map((row) => row.map(run)) };
  const f = {
    x: traces.x.map((t) => [...t.out]),
    pos: traces.pos.map((t) => [...t.out]),
    neg: traces.neg.map((row) => row.map((t) => [...t.out])),
  };
  const rPos = f.x.map((fx, b) => halfSquaredDistance(A, fx, f.pos[b]!));
  const rNeg = f.x.map((fx, b) => f.neg[b]!.map((fn) => halfSquaredDistance(A, fx, fn)));
  const { value, betaPos, betaNeg } = loss.evaluate(A, { rPos, rNeg, dim: spec.arch.nOut, reduction });
  const dOut = { x: [] as T[][], pos: [] as T[][], neg: [] as T[][][] };
  f.x.forEach((fx, b) => {
    const dp = scaledDiff(A, betaPos[b]!, fx, f.pos[b]!);
    const dns = f.neg[b]!.map((fn, k) => scaledDiff(A, betaNeg[b]![k]!, fx, fn));
    dOut.x.push(dp.map((v, i) => dns.reduce((s, dn) => A.add(s, dn[i]!), v)));
    dOut.pos.push(dp.map((v) => A.neg(v)));
    dOut.neg.push(dns.map((dn) => dn.map((v) => A.neg(v))));
  });
  const grads = zeroGrads(A, spec);
  traces.x.forEach((t, b) => accumulateGrads(A, spec, params, t, dOut.x[b]!, grads));
  traces.pos.forEach((t, b) => accumulateGrads(A, spec, params, t, dOut.pos[b]!, grads));
  traces.neg.forEach((row, b) => row.forEach((t, k) => accumulateGrads(A, spec, params, t, dOut.neg[b]![k]!, grads)));
  return { value, f, betaPos, betaNeg, dOut, traces, grads };
}

/** Σ_samples K_ν(s)·∂L/∂f(s) for every block ν (flat row-major like W): claim C2's form. */
export function connectionGradient<T>(A: Arith<T>, spec: NetworkSpec, params: Params<T>, result: BatchResult<T>): T[][] {
  const traces = [...result.traces.x, ...result.traces.pos, ...result.traces.neg.flat()];
  const deltas = [...result.dOut.x, ...result.dOut.pos, ...result.dOut.neg.flat()];
  return connectionGradientOf(A, spec, params, traces, deltas);
}

/** Σ_s K_ν(trace_s)·δ_s over any list of samples (explicit or in-batch views). */
export function connectionGradientOf<T>(A: Arith<T>, spec: NetworkSpec, params: Params<T>, traces: readonly Trace<T>[], deltas: readonly (readonly T[])[]): T[][] {
  const acc = spec.arch.blocks.map((b) => new Array<T>(b.out * b.in).fill(A.zero));
  traces.forEach((t, s) => {
    const delta = deltas[s]!;
    for (const c of connections(A, spec, params, t)) {
      const g = acc[c.block]!;
      for (let r = 0; r < c.rows; r++) {
        let v: T = g[r]!;
        for (let k = 0; k < c.cols; k++) v = A.add(v, A.mul(c.K[r * c.cols + k]!, delta[k]!));
        g[r] = v;
      }
    }
  });
  return acc;
}
