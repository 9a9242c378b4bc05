/**
 * The pairwise-weighted covariance operator OP^ξ and the residue θ (docs/theory.md §1.5, claim C7),
 * by exact enumeration of the joint law of a tuple (x, x_+, x_1−, …, x_H−) on tiny trees.
 *
 * Given x_0 = i the views x, x_+ are independent draws c, c_+ ~ P(·|i); each negative x_k− is a
 * draw c_k ~ P(·|j_k) from its own base sample j_k ~ p. So for a cut l (stacked blocks, d rows)
 *
 *   E[∇_{w_l} L] = Σ_{c,c_+,c_1..c_H} W(c,c_+) Π_k m(c_k) · (β_+ D(c,c_+) + Σ_k β_k D(c,c_k)),
 *   W(c,c_+) = Σ_i p_i P(c|i) P(c_+|i),   m(c) = Σ_j p_j P(c|j),
 *   D(a,b)   = (K_l(a) − K_l(b))(f(a) − f(b)) = ∇_{w_l} ½‖f(a) − f(b)‖²     (claim C2, any network)
 *
 * and ξ(i,j) = H·E[−β_1 | x_0 = i, x_0'_1 = j] from the same pass. Then
 *
 *   OP^ξ_l w_l = ½·E_{i,j}[ξ(i,j) ΔK̄ (ΔK̄ᵀ w_l)],   ΔK̄ = K̄_l(i) − K̄_l(j)   (matrix-free)
 *   θ_l        = E[∇_{w_l} L] + 2·OP^ξ_l w_l                                  (the definition)
 *   C(i)       = Cov[K_l, f_L | x_0 = i] = Σ_c P(c|i) K_l(c) f(c) − K̄_l(i) f̄(i)   (a d-vector)
 *
 * With weights −β_k = φ(x_0, x_0'_k) of the base samples alone (an "oracle" weight table, not a
 * loss), E[∇L] = H·Σ_{i,j} p_i p_j φ(i,j)·(E[D(x,x_+)|i] − E[D(x,x')|i,j]) and, derived in
 * docs/theory.md C7, θ_l = E[ξ·(C(x_0) − C(x_0'))] with ξ = H·φ: zero when φ is symmetric.
 *
 * Everything runs in any arithmetic (rationals: exact). Sizes: C = 2^leaves configurations, the
 * loss pass costs C^(2+H) evaluations of the loss: keep leaves ≤ 4 and H ≤ 2.
 *
 * Tuple laws other than the theory's are mutants (src/mutants): the positive equal to the anchor
 * ('shares-anchor'), or the first negative being the tuple's own positive ('selfNegative').
 */
import type { Arith } from '../numeric/arith.js';
import type { Loss } from '../losses/loss.js';
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
function distance<T>(M: PairwiseModel<T>, a: number, b: number): T {
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

function axpy<T>(A: Arith<T>, acc: T[], a: T, x: readonly T[]): void {
  if (A.sign(a) === 0) return;
  for (let r = 0; r < acc.length; r++) if (A.sign(x[r]!) !== 0) acc[r] = A.add(acc[r]!, A.mul(a, x[r]!));
}

export interface ExpectedLossGradient<T> {
  /** E[∇_{w_l} L] stacked over the cut. */
  readonly grad: T[];
  /** ξ(i, j) = H·E[−β_1 | x_0 = i, x_0'_1 = j] (averaged over the independent negatives). */
  readonly xi: T[][];
  /** E[L]. */
  readonly value: T;
  /** Tuples with positive probability that were evaluated. */
  readonly tuples: number;
  /** max over tuples of |β_+| + Σ_k |β_k| (float64; for tolerances). */
  readonly betaScale: number;
}

/**
 * E[∇L] over the joint law of a tuple, and the weight ξ, by enumeration. `loss` must be a tuple
 * loss (perTuple); its weights are evaluated on each tuple's distances (reduction 'sum', B = 1).
 */
export function expectedLossGradient<T>(M: PairwiseModel<T>, loss: Loss, H: number, law: TupleLaw = THEORY_LAW): ExpectedLossGradient<T> {
  const { A, support, marginal, cond, p, d } = M;
  if (!loss.perTuple) throw new RangeError(`expectedLossGradient: ${loss.name} is a batch-level loss (C7 is stated for tuple losses)`);
  if (law.selfNegative && H < 1) throw new RangeError('expectedLossGradient: a self negative needs H >= 1');
  const C = marginal.length;
  const n0 = p.length;
  // Anchor-side weights W(c, c_+).
  const pairs: { c: number; cp: number; w: T }[] = [];
  for (const c of support) {
    for (const cp of law.positive === 'shares-anchor' ? [c] : support) {
      let w = A.zero;
      for (let i = 0; i < n0; i++) {
        const pc = cond[i]![c]!;
        if (A.sign(pc) === 0) continue;
        w = A.add(w, A.mul(p[i]!, law.positive === 'shares-anchor' ? pc : A.mul(pc, cond[i]![cp]!)));
      }
      if (A.sign(w) !== 0) pairs.push({ c, cp, w });
    }
  }
  const indep = Array.from({ length: H }, (_, k) => k).filter((k) => !(law.selfNegative && k === 0));
  // G[k][(c*C + cp)*C + ck] = Σ over the other negatives of Π m · (−β_k).
  const G = indep.map(() => new Map<number, T>());
  const grad = new Array<T>(d).fill(A.zero);
  const D = new Map<number, T[]>();
  const pairGrad = (a: number, b: number): T[] => {
    const key = a * C + b;
    let v = D.get(key);
    if (!v) {
      v = pairGradient(M, a, b);
      D.set(key, v);
    }
    return v;
  };
  let value = A.zero;
  let tuples = 0;
  let betaScale = 0;
  const negs = new Array<number>(H).fill(0);
  const free = Array.from({ length: H }, (_, k) => k).filter((k) => !(law.selfNegative && k === 0));
  for (const { c, cp, w } of pairs) {
    const rPos = distance(M, c, cp);
    // Enumerate the free negatives' configurations (odometer over the support).
    const idx = new Array<number>(free.length).fill(0);
    for (;;) {
      let prob = w;
      for (let t = 0; t < free.length; t++) {
        const cfg = support[idx[t]!]!;
        negs[free[t]!] = cfg;
        prob = A.mul(prob, marginal[cfg]!);
      }
      if (law.selfNegative) negs[0] = cp;
      tuples++;
      const rNeg = negs.map((cn) => distance(M, c, cn));
      const lv = loss.evaluate(A, { rPos: [rPos], rNeg: [rNeg], dim: M.nOut, reduction: 'sum' });
      value = A.add(value, A.mul(prob, lv.value));
      betaScale = Math.max(betaScale, Math.abs(A.toNumber(lv.betaPos[0]!)) + lv.betaNeg[0]!.reduce((sum, b) => sum + Math.abs(A.toNumber(b)), 0));
      axpy(A, grad, A.mul(prob, lv.betaPos[0]!), pairGrad(c, cp));
      lv.betaNeg[0]!.forEach((b, k) => axpy(A, grad, A.mul(prob, b), pairGrad(c, negs[k]!)));
      indep.forEach((k, s) => {
        // Π over the other free negatives' m, times the anchor pair weight w.
        const mk = marginal[negs[k]!]!;
        const others = A.div(prob, mk);
        const key = (c * C + cp) * C + negs[k]!;
        const prev = G[s]!.get(key) ?? A.zero;
        G[s]!.set(key, A.sub(prev, A.mul(others, lv.betaNeg[0]![k]!)));
      });
      // Next odometer state.
      let t = 0;
      for (; t < free.length; t++) {
        idx[t]!++;
        if (idx[t]! < support.length) break;
        idx[t] = 0;
      }
      if (t === free.length) break;
    }
  }
  // ξ(i, j) = (H/|indep|) Σ_s Σ_{c,c+,ck} [P(c|i)P(c+|i)/W(c,c+)]·P(ck|j)·G_s[c,c+,ck]
  // (G_s holds W(c,c+)·Π m(others)·(−β); dividing by W and multiplying by the conditionals
  // conditions on x_0 = i and x_0'_k = j).
  const wOf = new Map(pairs.map((q) => [q.c * C + q.cp, q.w]));
  const xi = Array.from({ length: n0 }, () => new Array<T>(n0).fill(A.zero));
  if (indep.length > 0) {
    const scale = A.div(A.from(H), A.from(indep.length));
    for (let s = 0; s < indep.length; s++) {
      for (const [key, g] of G[s]!) {
        const ck = key % C;
        const pairKey = Math.floor(key / C);
        const c = Math.floor(pairKey / C);
        const cp = pairKey % C;
        const base = A.div(g, wOf.get(pairKey)!);
        for (let i = 0; i < n0; i++) {
          const pc = cond[i]![c]!;
          if (A.sign(pc) === 0) continue;
          const anchor = law.positive === 'shares-anchor' ? pc : A.mul(pc, cond[i]![cp]!);
          if (A.sign(anchor) === 0) continue;
          for (let j = 0; j < n0; j++) {
            const pn = cond[j]![ck]!;
            if (A.sign(pn) === 0) continue;
            xi[i]![j] = A.add(xi[i]![j]!, A.mul(scale, A.mul(A.mul(anchor, pn), base)));
          }
        }
      }
    }
  }
  return { grad, xi, value, tuples, betaScale };
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

/** C(i) = Cov[K_l, f_L | x_0 = i] = E[K f | i] − K̄(i) f̄(i), a d-vector per x_0 value. */
export function withinCovariance<T>(M: PairwiseModel<T>): T[][] {
  const { A, nOut } = M;
  const { Kbar, fbar, KfBar } = conditionalTables(M);
  return KfBar.map((kf, i) =>
    kf.map((v, r) => {
      let s = A.zero;
      for (let k = 0; k < nOut; k++) s = A.add(s, A.mul(Kbar[i]![r * nOut + k]!, fbar[i]![k]!));
      return A.sub(v, s);
    }),
  );
}

/** OP^ξ_l·w_l = ½·Σ_{i,j} p_i p_j ξ(i,j) ΔK̄ (ΔK̄ᵀ w), matrix-free (`v` replaces w when given). */
export function pairwiseOperatorTimes<T>(M: PairwiseModel<T>, xi: readonly (readonly T[])[], v: readonly T[] = M.w): T[] {
  const { A, d, nOut } = M;
  return halfPairwiseSum(M, xi, (dK) => {
    const u = new Array<T>(nOut).fill(A.zero);
    for (let r = 0; r < d; r++) {
      if (A.sign(v[r]!) === 0) continue;
      for (let k = 0; k < nOut; k++) u[k] = A.add(u[k]!, A.mul(dK[r * nOut + k]!, v[r]!));
    }
    return u;
  });
}

/** ½·Σ_{i≠j} p_i p_j ξ_ij ΔK̄_ij·rhs(ΔK̄_ij), ΔK̄_ij = K̄(i) − K̄(j) (flat d × nOut), rhs ∈ R^{nOut}. */
function halfPairwiseSum<T>(M: PairwiseModel<T>, xi: readonly (readonly T[])[], rhs: (dK: readonly T[]) => readonly T[]): T[] {
  const { A, d, nOut, p } = M;
  const { Kbar } = conditionalTables(M);
  const out = new Array<T>(d).fill(A.zero);
  const half = A.div(A.one, A.from(2));
  for (let i = 0; i < p.length; i++) {
    for (let j = 0; j < p.length; j++) {
      if (i === j) continue;
      const weight = A.mul(half, A.mul(A.mul(p[i]!, p[j]!), xi[i]![j]!));
      if (A.sign(weight) === 0) continue;
      const dK = Kbar[i]!.map((x, r) => A.sub(x, Kbar[j]![r]!));
      const u = rhs(dK);
      for (let r = 0; r < d; r++) {
        let s = A.zero;
        for (let k = 0; k < nOut; k++) s = A.add(s, A.mul(dK[r * nOut + k]!, u[k]!));
        out[r] = A.add(out[r]!, A.mul(weight, s));
      }
    }
  }
  return out;
}

/** θ_l = E[∇L] + 2·OP^ξ_l w_l. */
export function residue<T>(M: PairwiseModel<T>, e: Pick<ExpectedLossGradient<T>, 'grad' | 'xi'>): { theta: T[]; opTimesW: T[] } {
  const { A } = M;
  const op = pairwiseOperatorTimes(M, e.xi);
  const two = A.from(2);
  return { theta: e.grad.map((g, r) => A.add(g, A.mul(two, op[r]!))), opTimesW: op };
}

/**
 * The "oracle" expected gradient with weights −β_k = φ(x_0, x_0'_k) of the base samples:
 * E[Σ_k φ(x_0,x_0'_k)(∇r_+ − ∇r_k−)] = H·Σ_{i,j} p_i p_j φ(i,j)(E[D(x,x_+)|i] − E[D(x,x')|i,j]).
 */
export function oracleExpectedGradient<T>(M: PairwiseModel<T>, phi: readonly (readonly T[])[], H: number): T[] {
  const { A, p, cond, support, d } = M;
  const n0 = p.length;
  const Dpos = p.map(() => new Array<T>(d).fill(A.zero));
  // E[D(x, x') | i, j] for x ~ P(·|i), x' ~ P(·|j): Σ_{c,c'} P(c|i)P(c'|j) D(c,c').
  const Dneg = p.map(() => p.map(() => new Array<T>(d).fill(A.zero)));
  for (const c of support) {
    for (const c2 of support) {
      if (c === c2) continue;
      const D = pairGradient(M, c, c2);
      for (let i = 0; i < n0; i++) {
        const pc = cond[i]![c]!;
        if (A.sign(pc) === 0) continue;
        axpy(A, Dpos[i]!, A.mul(pc, cond[i]![c2]!), D);
        for (let j = 0; j < n0; j++) {
          const q = cond[j]![c2]!;
          if (A.sign(q) !== 0) axpy(A, Dneg[i]![j]!, A.mul(pc, q), D);
        }
      }
    }
  }
  const out = new Array<T>(d).fill(A.zero);
  const Ht = A.from(H);
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n0; j++) {
      const wgt = A.mul(Ht, A.mul(A.mul(p[i]!, p[j]!), phi[i]![j]!));
      if (A.sign(wgt) === 0) continue;
      axpy(A, out, wgt, Dpos[i]!.map((v, r) => A.sub(v, Dneg[i]![j]![r]!)));
    }
  }
  return out;
}

/** θ's closed form E_{i,j}[ξ(i,j)·(C(i) − C(j))] (docs/theory.md C7), ξ = H·φ. */
export function residueClosedForm<T>(M: PairwiseModel<T>, xi: readonly (readonly T[])[]): T[] {
  const { A, p, d } = M;
  const C = withinCovariance(M);
  const out = new Array<T>(d).fill(A.zero);
  for (let i = 0; i < p.length; i++) {
    for (let j = 0; j < p.length; j++) {
      const wgt = A.mul(A.mul(p[i]!, p[j]!), xi[i]![j]!);
      if (A.sign(wgt) === 0) continue;
      axpy(A, out, wgt, C[i]!.map((v, r) => A.sub(v, C[j]![r]!)));
    }
  }
  return out;
}

/** ‖v‖₂ in float64. */
export function norm2<T>(A: Arith<T>, v: readonly T[]): number {
  let s = 0;
  for (const x of v) s += A.toNumber(x) ** 2;
  return Math.sqrt(s);
}

/** ‖θ‖/‖OP^ξ w‖ (Infinity when OP^ξ w = 0 and θ ≠ 0; 0 when both vanish). */
export function residueRatio<T>(M: PairwiseModel<T>, e: Pick<ExpectedLossGradient<T>, 'grad' | 'xi'>): { ratio: number; theta: number; op: number } {
  const { theta, opTimesW } = residue(M, e);
  const t = norm2(M.A, theta);
  const o = norm2(M.A, opTimesW);
  return { ratio: o === 0 ? (t === 0 ? 0 : Number.POSITIVE_INFINITY) : t / o, theta: t, op: o };
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
