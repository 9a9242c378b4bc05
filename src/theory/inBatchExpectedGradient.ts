/**
 * E[∇_{w_l} L] of a batch with in-batch negatives, by exact enumeration of the whole batch
 * (docs/theory.md §4 "In-batch negatives"; claims C3, C7), on the tables of ./pairwiseModel.ts.
 *
 * A batch of B rows: row t has its own base sample i_t ~ p and two views c_t, c_t+ ~ P(·|i_t),
 * independent given i_t; rows independent. Its probability is Π_t p_{i_t} P(c_t|i_t) P(c_t+|i_t).
 * The anchors and their negatives are network/inBatchPairs.ts's (H = 2B − 2); the batch loss is the
 * mean over anchors, each anchor's weights β from the loss on its own distances (a tuple loss):
 *
 *   E[∇L] = Σ_batches P(batch)·(1/|anchors|)·Σ_a (β_a+ D(a, a+) + Σ_k β_ak D(a, n_ak))
 *   ξ(i, j) = H·E[−β_ak | base of the anchor = i, base of the negative's row = j]   (any a, k)
 *
 * with D(a,b) = ∇_{w_l} ½‖f(a) − f(b)‖² (claim C2). Cost: (n_0·S²)^B batches (S = support size):
 * B = 2 on trees of ≤ 4 leaves.
 */
import type { Loss, LossValue } from '../losses/loss.js';
import { inBatchAnchors, type Anchor } from '../network/inBatchPairs.js';
import { axpy, distance, pairGradient, type PairwiseModel } from './pairwiseModel.js';

export interface InBatchExpectation<T> {
  /** E[∇_{w_l} L] stacked over the cut (mean over anchors). */
  readonly grad: T[];
  /** ξ(i, j), as above. */
  readonly xi: T[][];
  /** Batches with positive probability that were enumerated. */
  readonly batches: number;
}

/** Refuses enumerations above this many batches. */
export const MAX_IN_BATCH_ENUMERATION = 1 << 20;

/** Memoises the loss per view configuration when there are at most this many (C^(2+H)). */
const MAX_LOSS_MEMO = 1 << 17;

export function inBatchExpectedGradient<T>(M: PairwiseModel<T>, loss: Loss, o: { B?: number; symmetric?: boolean } = {}): InBatchExpectation<T> {
  const { A, support, cond, p, d } = M;
  const B = o.B ?? 2;
  if (!loss.perTuple || loss.statistic === 'similarity') throw new RangeError(`inBatchExpectedGradient: ${loss.name} is not a tuple loss of the distances`);
  const rows: { i: number; c: number; cp: number; w: T }[] = [];
  p.forEach((pi, i) => {
    for (const c of support) {
      for (const cp of support) {
        const w = A.mul(pi, A.mul(cond[i]![c]!, cond[i]![cp]!));
        if (A.sign(w) !== 0) rows.push({ i, c, cp, w });
      }
    }
  });
  if (rows.length ** B > MAX_IN_BATCH_ENUMERATION) throw new RangeError(`inBatchExpectedGradient: ${rows.length}^${B} batches exceed ${MAX_IN_BATCH_ENUMERATION}`);
  const anchors = inBatchAnchors(B, o.symmetric === true);
  const H = 2 * B - 2;
  const perAnchor = A.div(A.one, A.from(anchors.length));
  const C = M.marginal.length;
  const D = new Array<T[] | undefined>(C * C);
  const pairGrad = (a: number, b: number): T[] => (D[a * C + b] ??= pairGradient(M, a, b));
  // The loss weights of an anchor depend only on the configurations of its views: memoised per
  // (anchor, positive, negatives) when there are few enough of those (the same values, fewer calls).
  const memoise = C ** (2 + H) <= MAX_LOSS_MEMO;
  const losses = new Array<LossValue<T> | undefined>(memoise ? C ** (2 + H) : 0);
  const views = new Array<number>(2 * B).fill(0);
  const lossAt = (an: Anchor): LossValue<T> => {
    const a = views[an.anchor]!;
    let key = a * C + views[an.positive]!;
    for (const v of an.negatives) key = key * C + views[v]!;
    let lv = memoise ? losses[key] : undefined;
    if (lv === undefined) {
      const rNeg = an.negatives.map((v) => distance(M, a, views[v]!));
      lv = loss.evaluate(A, { rPos: [distance(M, a, views[an.positive]!)], rNeg: [rNeg], dim: M.nOut, reduction: 'sum' });
      if (memoise) losses[key] = lv;
    }
    return lv;
  };
  const grad = new Array<T>(d).fill(A.zero);
  const num = p.map(() => p.map(() => A.zero));
  const den = p.map(() => p.map(() => A.zero));
  const idx = new Array<number>(B).fill(0);
  // The base sample of each view's row, for the current batch.
  const base = new Array<number>(2 * B).fill(0);
  let batches = 0;
  for (;;) {
    let prob = A.one;
    for (let t = 0; t < B; t++) {
      const r = rows[idx[t]!]!;
      prob = A.mul(prob, r.w);
      views[2 * t] = r.c;
      views[2 * t + 1] = r.cp;
      base[2 * t] = base[2 * t + 1] = r.i;
    }
    batches++;
    const scaled = A.mul(prob, perAnchor);
    for (const an of anchors) {
      const a = views[an.anchor]!;
      const lv = lossAt(an);
      axpy(A, grad, A.mul(scaled, lv.betaPos[0]!), pairGrad(a, views[an.positive]!));
      const numA = num[base[an.anchor]!]!;
      const denA = den[base[an.anchor]!]!;
      const betaNeg = lv.betaNeg[0]!;
      for (let k = 0; k < an.negatives.length; k++) {
        const v = an.negatives[k]!;
        const b = betaNeg[k]!;
        axpy(A, grad, A.mul(scaled, b), pairGrad(a, views[v]!));
        const j = base[v]!;
        numA[j] = A.sub(numA[j]!, A.mul(prob, b));
        denA[j] = A.add(denA[j]!, prob);
      }
    }
    let t = 0;
    for (; t < B; t++) {
      idx[t]!++;
      if (idx[t]! < rows.length) break;
      idx[t] = 0;
    }
    if (t === B) break;
  }
  const xi = num.map((row, i) => row.map((v, j) => (A.sign(den[i]![j]!) === 0 ? A.zero : A.mul(A.from(H), A.div(v, den[i]![j]!)))));
  return { grad, xi, batches };
}
