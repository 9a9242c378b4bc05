/**
 * E[∇_{w_l} L] of a tuple loss over the joint law of a tuple (./pairwiseModel.ts), by enumeration,
 * and the pairwise weight ξ (docs/theory.md §1.5, claim C7):
 *
 *   E[∇_{w_l} L] = Σ_{c,c_+,c_1..c_H} W(c,c_+) Π_k m(c_k) · (β_+ D(c,c_+) + Σ_k β_k D(c,c_k)),
 *   W(c,c_+) = Σ_i p_i P(c|i) P(c_+|i),   ξ(i,j) = H·E[−β_1 | x_0 = i, x_0'_1 = j].
 *
 * With weights −β_k = φ(x_0, x_0'_k) of the base samples alone (an "oracle" weight table, not a
 * loss), E[∇L] = H·Σ_{i,j} p_i p_j φ(i,j)·(E[D(x,x_+)|i] − E[D(x,x')|i,j]). The loss pass costs
 * C^(2+H) evaluations of the loss: keep leaves ≤ 4 and H ≤ 2.
 */
import type { Loss } from '../losses/loss.js';
import { axpy, distance, pairGradient, THEORY_LAW, type PairwiseModel, type TupleLaw } from './pairwiseModel.js';

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
