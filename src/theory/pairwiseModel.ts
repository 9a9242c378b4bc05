/**
 * The joint law of a tuple (x, x_+, x_1−, …, x_H−) on a tiny tree, tabulated for one cut l
 * (docs/theory.md §1.5, claims C3 and C7): per leaf configuration c the output f(c) and the stacked
 * connections K_l(c), with the conditional law P(c | x_0 = i) and the marginal m(c) = Σ_i p_i P(c|i).
 *
 * Given x_0 = i the views x, x_+ are independent draws c, c_+ ~ P(·|i); each negative x_k− is a
 * draw c_k ~ P(·|j_k) from its own base sample j_k ~ p. For a pair (a, b)
 *
 *   D(a,b) = (K_l(a) − K_l(b))(f(a) − f(b)) = ∇_{w_l} ½‖f(a) − f(b)‖²     (claim C2, any network)
 *
 * Everything runs in any arithmetic (rationals: exact). Sizes: C = 2^leaves configurations. Tuple
 * laws other than the theory's are mutants (src/mutants): the positive equal to the anchor
 * ('shares-anchor'), or the first negative being the tuple's own positive ('selfNegative').
 * The expected gradient over this law: ./expectedLossGradient.ts; OP^ξ and θ: ./pairwiseOperator.ts.
 */
import type { Arith } from '../numeric/arith.js';
import type { NetworkSpec, Params } from '../network/architecture.js';
import { connections } from '../network/connection.js';
import { forward } from '../network/forward.js';
import type { ConditionalLeafDistribution } from './conditionalMeans.js';

/** How a tuple is drawn. The theory's law is THEORY_LAW; anything else is a mutant. */
export interface TupleLaw {
  /** 'independent': x, x_+ independent augmentations of x_0; 'shares-anchor': x_+ = x. */
  readonly positive: 'independent' | 'shares-anchor';
  /** The first negative is the tuple's own positive x_+ (the self-pair left in the negatives). */
  readonly selfNegative: boolean;
}

export const THEORY_LAW: TupleLaw = { positive: 'independent', selfNegative: false };

/** Per-configuration outputs and stacked cut connections, plus the conditional law. */
export interface PairwiseModel<T> {
  readonly A: Arith<T>;
  readonly spec: NetworkSpec;
  readonly params: Params<T>;
  readonly cut: readonly number[];
  /** p(x_0 = i). */
  readonly p: readonly T[];
  /** cond[i][c] = P(view = c | x_0 = i). */
  readonly cond: readonly (readonly T[])[];
  /** m(c) = Σ_i p_i P(c|i): the law of one view (and of a negative). */
  readonly marginal: readonly T[];
  /** Configurations with positive marginal probability. */
  readonly support: readonly number[];
  /** f(c) (what the loss sees), by configuration (empty for configurations outside the support). */
  readonly f: readonly (readonly T[])[];
  /** K_l(c) stacked over the cut, flat (d × nOut). */
  readonly K: readonly (readonly T[])[];
  /** d = rows of the stacked cut. */
  readonly d: number;
  readonly nOut: number;
  /** w_l stacked over the cut. */
  readonly w: readonly T[];
}

/** Builds the per-configuration tables of a model for a cut (a list of blocks). */
export function pairwiseModel<T>(
  A: Arith<T>,
  spec: NetworkSpec,
  params: Params<T>,
  dist: ConditionalLeafDistribution<T>,
  cut: readonly number[],
): PairwiseModel<T> {
  const n0 = dist.x0.length;
  const p = dist.x0.map((v) => v.prob);
  const nOut = spec.arch.nOut;
  const marginal: T[] = [];
  const support: number[] = [];
  const f: T[][] = [];
  const K: T[][] = [];
  dist.configs.forEach((config, c) => {
    let m = A.zero;
    for (let i = 0; i < n0; i++) m = A.add(m, A.mul(p[i]!, dist.cond[i]![c]!));
    marginal.push(m);
    if (A.sign(m) === 0) {
      f.push([]);
      K.push([]);
      return;
    }
    support.push(c);
    const x = Array.from(config, (v) => (v ? A.one : A.zero));
    const trace = forward(A, spec, params, x);
    f.push([...trace.out]);
    K.push(connections(A, spec, params, trace, cut).flatMap((k) => k.K));
  });
  const w = cut.flatMap((nu) => [...params.W[nu]!]);
  return { A, spec, params, cut, p, cond: dist.cond, marginal, support, f, K, d: w.length, nOut, w };
}

/** D(a,b) = (K(a) − K(b))(f(a) − f(b)), the cut gradient of ½‖f(a) − f(b)‖². */
export function pairGradient<T>(M: PairwiseModel<T>, a: number, b: number): T[] {
  const { A, d, nOut } = M;
  const out = new Array<T>(d).fill(A.zero);
  if (a === b) return out;
  const Ka = M.K[a]!;
  const Kb = M.K[b]!;
  const df = M.f[a]!.map((v, k) => A.sub(v, M.f[b]![k]!));
  for (let r = 0; r < d; r++) {
    let s = A.zero;
    for (let k = 0; k < nOut; k++) s = A.add(s, A.mul(A.sub(Ka[r * nOut + k]!, Kb[r * nOut + k]!), df[k]!));
    out[r] = s;
  }
  return out;
}

const distanceCache = new WeakMap<PairwiseModel<unknown>, Map<number, unknown>>();

/** ½‖f(a) − f(b)‖² (cached per model). */
export function distance<T>(M: PairwiseModel<T>, a: number, b: number): T {
  let cache = distanceCache.get(M as PairwiseModel<unknown>) as Map<number, T> | undefined;
  if (!cache) {
    cache = new Map();
    distanceCache.set(M as PairwiseModel<unknown>, cache);
  }
  const key = a * M.marginal.length + b;
  let v = cache.get(key);
  if (v === undefined) {
    v = halfSquared(M, a, b);
    cache.set(key, v);
  }
  return v;
}

function halfSquared<T>(M: PairwiseModel<T>, a: number, b: number): T {
  const { A } = M;
  let s = A.zero;
  const fa = M.f[a]!;
  const fb = M.f[b]!;
  for (let k = 0; k < fa.length; k++) {
    const t = A.sub(fa[k]!, fb[k]!);
    s = A.add(s, A.mul(t, t));
  }
  return A.div(s, A.from(2));
}

/** acc += a·x (entries with a zero factor skipped: exact in rationals, fewer operations). */
export function axpy<T>(A: Arith<T>, acc: T[], a: T, x: readonly T[]): void {
  if (A.sign(a) === 0) return;
  for (let r = 0; r < acc.length; r++) if (A.sign(x[r]!) !== 0) acc[r] = A.add(acc[r]!, A.mul(a, x[r]!));
}

/** K̄_l(i) stacked (d × nOut flat) and f̄(i), from the model tables. */
export function conditionalTables<T>(M: PairwiseModel<T>): { Kbar: T[][]; fbar: T[][]; KfBar: T[][] } {
  const { A, cond, support, d, nOut, p } = M;
  const Kbar = p.map(() => new Array<T>(d * nOut).fill(A.zero));
  const fbar = p.map(() => new Array<T>(nOut).fill(A.zero));
  const KfBar = p.map(() => new Array<T>(d).fill(A.zero));
  for (const c of support) {
    const Kc = M.K[c]!;
    const fc = M.f[c]!;
    const Kf = new Array<T>(d).fill(A.zero);
    for (let r = 0; r < d; r++) {
      let s = A.zero;
      for (let k = 0; k < nOut; k++) s = A.add(s, A.mul(Kc[r * nOut + k]!, fc[k]!));
      Kf[r] = s;
    }
    p.forEach((_, i) => {
      const w = cond[i]![c]!;
      if (A.sign(w) === 0) return;
      axpy(A, Kbar[i]!, w, Kc);
      axpy(A, fbar[i]!, w, fc);
      axpy(A, KfBar[i]!, w, Kf);
    });
  }
  return { Kbar, fbar, KfBar };
}

/** Largest |entry| of K and of f over the support (float64; for tolerances). */
export function modelMagnitudes<T>(M: PairwiseModel<T>): { K: number; f: number } {
  let K = 0;
  let f = 0;
  for (const c of M.support) {
    for (const v of M.K[c]!) K = Math.max(K, Math.abs(M.A.toNumber(v)));
    for (const v of M.f[c]!) f = Math.max(f, Math.abs(M.A.toNumber(v)));
  }
  return { K, f };
}
