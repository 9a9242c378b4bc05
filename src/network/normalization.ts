/**
 * Output ℓ2 normalisation (docs/theory.md §1.2): the loss sees out = f/d(n), n = ‖f‖ = √(Σ f_i²),
 * f = g_L the raw output of one input (shape [nOut]). One record per form of the divisor:
 *   plus   d(n) = n + ε          (the official code; the default)
 *   (a form such as PyTorch's F.normalize, d(n) = max(n, ε), is one more entry: case-format
 *    `normalize_form`)
 * and one formula for everything that differentiates it by hand: the reference backward pass
 * (backward.ts), the f32 engine's loss stage (engines/f32/lossStage.ts) and the operator estimate's
 * Jacobians (train/operator.ts). ∂out/∂f is symmetric, so its vector-Jacobian product, for δ = ∂L/∂out,
 *   ∂L/∂f = δ/d − f·s,   s = d'(n)·(f·δ)/(n·d²)   (s = 0 at n = 0 and where d' = 0),
 * is also the row of the Jacobian for δ = e_a. Float only: n is a square root, which rationals refuse.
 * TF.js differentiates its own graph of the same forward formula (engines/tfjs/treeNetwork.ts).
 * Vectors are read from an offset (entry i of f at f[fOff + i], likewise δ, out; default: whole
 * arrays), so the f32 engine passes rows of its batch matrices without copying them.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { Arith } from '../numeric/arith.js';

/** A form of the divisor d(n) of f/d(n). */
export interface NormalizationForm {
  /** d(n) for the norm n. */
  divisor<T>(A: Arith<T>, n: T, eps: number): T;
  /** d'(n) ≠ 0 (it is 1 where so): false where the divisor is the constant ε. */
  dependsOnNorm<T>(A: Arith<T>, n: T, eps: number): boolean;
  /** d on TF.js tensors (the norm tensor n; autograd differentiates it). */
  tf(tf: typeof tfType, n: tfType.Tensor, eps: number): tfType.Tensor;
}

export const NORMALIZATIONS = {
  plus: {
    divisor: (A, n, eps) => A.add(n, A.from(eps)),
    dependsOnNorm: () => true,
    tf: (tf, n, eps) => tf.add(n, eps),
  },
} as const satisfies Readonly<Record<string, NormalizationForm>>;

/** A writable vector: an array, or a Float64Array for T = number. */
export interface Writable<T> {
  [i: number]: T;
  readonly length: number;
}

/** ‖f‖: the sum of squares in index order, then the square root. */
export function outputNorm<T>(A: Arith<T>, f: ArrayLike<T>, length = f.length, fOff = 0): T {
  let sq = A.zero;
  for (let i = 0; i < length; i++) sq = A.add(sq, A.mul(f[fOff + i]!, f[fOff + i]!));
  return A.sqrt(sq);
}

/** out = f/d(‖f‖) written into `out`; returns the norm ‖f‖. */
export function normalize<T>(
  A: Arith<T>,
  eps: number,
  f: ArrayLike<T>,
  out: Writable<T>,
  length = f.length,
  fOff = 0,
  outOff = 0,
  form: NormalizationForm = NORMALIZATIONS.plus,
): T {
  const norm = outputNorm(A, f, length, fOff);
  const d = form.divisor(A, norm, eps);
  for (let i = 0; i < length; i++) out[outOff + i] = A.div(f[fOff + i]!, d);
  return norm;
}

/** ∂L/∂f = δ/d − f·s for δ = ∂L/∂out (module comment), given f and its norm n, written into `into`. */
export function normalizeVjp<T>(
  A: Arith<T>,
  eps: number,
  f: ArrayLike<T>,
  n: T,
  delta: ArrayLike<T>,
  into: Writable<T>,
  length = f.length,
  fOff = 0,
  deltaOff = 0,
  intoOff = 0,
  form: NormalizationForm = NORMALIZATIONS.plus,
): void {
  const d = form.divisor(A, n, eps);
  let fd = A.zero;
  for (let i = 0; i < length; i++) fd = A.add(fd, A.mul(f[fOff + i]!, delta[deltaOff + i]!));
  const s = A.sign(n) === 0 || !form.dependsOnNorm(A, n, eps) ? A.zero : A.div(fd, A.mul(n, A.mul(d, d)));
  for (let i = 0; i < length; i++) into[intoOff + i] = A.sub(A.div(delta[deltaOff + i]!, d), A.mul(f[fOff + i]!, s));
}
