/**
 * Losses of the distances (docs/theory.md §1.4).
 *
 * For a batch of B tuples with outputs f(x_b), f(x_b+), f(x_bk−) (dimension d) the distances are
 *   r_b+ = ½‖f(x_b) − f(x_b+)‖²,  r_bk− = ½‖f(x_b) − f(x_bk−)‖²,
 * and every loss here is a function of them. A *tuple* loss ℓ(r_+, r_1−..r_H−) is reduced over the
 * batch (mean or sum); a *batch* loss (the official code's) is a function of all distances at once.
 * `evaluate` returns the value and the weights β_b+ = ∂L/∂r_b+, β_bk = ∂L/∂r_bk− (claims C2, C6, C7).
 */
import type { Arith } from '../numeric/arith.js';

export type Reduction = 'mean' | 'sum';

export interface DistanceBatch<T> {
  /** r_b+ for b < B. */
  readonly rPos: readonly T[];
  /** r_bk− for b < B, k < H. */
  readonly rNeg: readonly (readonly T[])[];
  /** Output dimension d (the official losses average over it). */
  readonly dim: number;
  readonly reduction: Reduction;
}

export interface LossValue<T> {
  readonly value: T;
  /** ∂L/∂r_b+ */
  readonly betaPos: T[];
  /** ∂L/∂r_bk− */
  readonly betaNeg: T[][];
}

export interface Loss {
  /** Name as in the case format: simp, tri, nce, official_nce, official_subtract, or a plugin's. */
  readonly name: string;
  /** Parameters for reports ({tau, r0}). */
  readonly params: Readonly<Record<string, number>>;
  /** True when the value is a rational function of the distances (exact arithmetic allowed). */
  readonly rational: boolean;
  /** Tuple losses satisfy L = reduce_b ℓ(r_b+, r_b·−); batch losses do not. */
  readonly perTuple: boolean;
  /**
   * What the loss is a function of: 'distance' (default, r = ½‖f − f′‖²) or 'similarity'
   * (s = ⟨f, f′⟩, NT-Xent: then rPos/rNeg hold s and β is ∂L/∂s; in-batch negatives only).
   */
  readonly statistic?: 'distance' | 'similarity';
  evaluate<T>(A: Arith<T>, batch: DistanceBatch<T>): LossValue<T>;
}

/** Reduces per-tuple values and weights: mean divides by B, sum does not. */
export function reduceTuples<T>(
  A: Arith<T>,
  batch: DistanceBatch<T>,
  perTuple: (rPos: T, rNeg: readonly T[]) => { value: T; betaPos: T; betaNeg: T[] },
): LossValue<T> {
  const B = batch.rPos.length;
  const scale = batch.reduction === 'mean' ? A.div(A.one, A.from(B)) : A.one;
  let value = A.zero;
  const betaPos: T[] = [];
  const betaNeg: T[][] = [];
  for (let b = 0; b < B; b++) {
    const t = perTuple(batch.rPos[b]!, batch.rNeg[b]!);
    value = A.add(value, t.value);
    betaPos.push(A.mul(scale, t.betaPos));
    betaNeg.push(t.betaNeg.map((v) => A.mul(scale, v)));
  }
  return { value: A.mul(scale, value), betaPos, betaNeg };
}
