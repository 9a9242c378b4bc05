/**
 * Activations ψ and their derivatives (docs/theory.md §1.2).
 * Convention (as every autograd): ReLU'(0) = 0; leaky ReLU'(0) = slope.
 * Positively homogeneous (keep C1): relu, leaky_relu(a), linear. Not (break it): tanh, softplus, gelu.
 */
import type { Arith } from '../numeric/arith.js';
import { ExactUnsupported, F64 } from '../numeric/arith.js';
import { InputError } from '../errors.js';

export type Activation =
  | { readonly kind: 'relu' }
  | { readonly kind: 'leaky_relu'; readonly slope: number }
  | { readonly kind: 'linear' }
  | { readonly kind: 'tanh' }
  | { readonly kind: 'softplus' }
  | { readonly kind: 'gelu' };

export const RELU: Activation = { kind: 'relu' };

/** True when ψ(cx) = cψ(x) for c > 0 (the theory's requirement). */
export function isHomogeneous(a: Activation): boolean {
  return a.kind === 'relu' || a.kind === 'leaky_relu' || a.kind === 'linear';
}

/** Text form used by the case format: "relu", "leaky_relu:0.1", "linear", "tanh", "softplus", "gelu". */
export function activationName(a: Activation): string {
  return a.kind === 'leaky_relu' ? `leaky_relu:${a.slope}` : a.kind;
}

export function parseActivation(s: unknown, field = 'activation'): Activation {
  if (typeof s !== 'string') throw new InputError(field, `expected a string such as "relu", got ${typeof s}`);
  const m = /^leaky_relu(?::(.+))?$/.exec(s);
  if (m) {
    const slope = m[1] === undefined ? 0.01 : Number(m[1]);
    if (!Number.isFinite(slope)) throw new InputError(field, `leaky_relu slope '${m[1]}' is not a number`);
    return { kind: 'leaky_relu', slope };
  }
  if (s === 'relu' || s === 'linear' || s === 'tanh' || s === 'softplus' || s === 'gelu') return { kind: s };
  throw new InputError(field, `unknown activation '${s}' (relu, leaky_relu:<slope>, linear, tanh, softplus, gelu)`);
}

/** ψ(g) in arithmetic A. */
export function activate<T>(A: Arith<T>, a: Activation, g: T): T {
  switch (a.kind) {
    case 'relu':
      return A.sign(g) > 0 ? g : A.zero;
    case 'leaky_relu':
      return A.sign(g) > 0 ? g : A.mul(A.from(a.slope), g);
    case 'linear':
      return g;
    case 'tanh':
      return A.fn('tanh', g);
    case 'softplus': {
      if (A.exact) throw new ExactUnsupported('softplus');
      const x = A.toNumber(g);
      return A.from(x > 30 ? x : Math.log1p(Math.exp(x)));
    }
    case 'gelu': {
      if (A.exact) throw new ExactUnsupported('gelu');
      const x = A.toNumber(g);
      return A.from(0.5 * x * (1 + F64.fn('erf', x / Math.SQRT2)));
    }
  }
}

/** ψ'(g) in arithmetic A (the gate D for relu: 1[g > 0]). */
export function activateDerivative<T>(A: Arith<T>, a: Activation, g: T): T {
  switch (a.kind) {
    case 'relu':
      return A.sign(g) > 0 ? A.one : A.zero;
    case 'leaky_relu':
      return A.sign(g) > 0 ? A.one : A.from(a.slope);
    case 'linear':
      return A.one;
    case 'tanh': {
      const t = A.fn('tanh', g);
      return A.sub(A.one, A.mul(t, t));
    }
    case 'softplus': {
      if (A.exact) throw new ExactUnsupported('softplus');
      return A.from(1 / (1 + Math.exp(-A.toNumber(g))));
    }
    case 'gelu': {
      if (A.exact) throw new ExactUnsupported('gelu');
      const x = A.toNumber(g);
      const cdf = 0.5 * (1 + F64.fn('erf', x / Math.SQRT2));
      return A.from(cdf + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI));
    }
  }
}

/** Throws ExactUnsupported if this activation has no exact form. */
export function requireExactActivation(a: Activation): void {
  if (!isHomogeneous(a)) throw new ExactUnsupported(`the activation '${activationName(a)}'`);
}
