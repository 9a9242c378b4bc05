/**
 * The arithmetic a computation runs in. The network, connection and loss code is written once
 * against this interface and runs in float64 (`F64`) and in exact rationals (`EXACT`).
 * docs/theory.md §3: exact claims are decided with `===` in rationals and with a derived tolerance in float64.
 */
import { Rational } from './rational.js';

export interface Arith<T> {
  readonly name: 'float64' | 'rational';
  readonly exact: boolean;
  readonly zero: T;
  readonly one: T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  neg(a: T): T;
  /** 1 if a > 0, -1 if a < 0, 0 if a == 0. */
  sign(a: T): -1 | 0 | 1;
  eq(a: T, b: T): boolean;
  from(x: number): T;
  toNumber(a: T): number;
  /** Square root; float64 only (throws `ExactUnsupported` in rationals). */
  sqrt(a: T): T;
  /** exp/log/tanh etc.: float64 only. */
  fn(name: 'exp' | 'log' | 'tanh' | 'log1p' | 'erf', a: T): T;
}

/** Thrown when an exact computation needs an irrational operation (tanh, sqrt, exp, ...). */
export class ExactUnsupported extends Error {
  constructor(what: string) {
    super(`exact (rational) arithmetic cannot compute ${what}: use float64 for this variant`);
    this.name = 'ExactUnsupported';
  }
}

function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 is too coarse for gradient checks; use a series/continued fraction.
  const t = Math.abs(x);
  if (t < 2.5) {
    // Maclaurin series, converges fast for |x| < 2.5 (terms < 1e-17 after ~40).
    let sum = 0;
    let term = x;
    for (let n = 0; n < 80; n++) {
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
      term *= (-x * x) / (n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Continued fraction for erfc, accurate for x >= 2.5.
  let f = 0;
  for (let n = 60; n >= 1; n--) f = (n / 2) / (t + f);
  const erfc = Math.exp(-t * t) / Math.sqrt(Math.PI) / (t + f);
  return Math.sign(x) * (1 - erfc);
}

export const F64: Arith<number> = {
  name: 'float64',
  exact: false,
  zero: 0,
  one: 1,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  neg: (a) => -a,
  sign: (a) => (a > 0 ? 1 : a < 0 ? -1 : 0),
  eq: (a, b) => a === b,
  from: (x) => x,
  toNumber: (a) => a,
  sqrt: (a) => Math.sqrt(a),
  fn: (name, a) => {
    switch (name) {
      case 'exp':
        return Math.exp(a);
      case 'log':
        return Math.log(a);
      case 'tanh':
        return Math.tanh(a);
      case 'log1p':
        return Math.log1p(a);
      case 'erf':
        return erf(a);
    }
  },
};

export const EXACT: Arith<Rational> = {
  name: 'rational',
  exact: true,
  zero: Rational.ZERO,
  one: Rational.ONE,
  add: (a, b) => a.add(b),
  sub: (a, b) => a.sub(b),
  mul: (a, b) => a.mul(b),
  div: (a, b) => a.div(b),
  neg: (a) => a.neg(),
  sign: (a) => a.sign(),
  eq: (a, b) => a.equals(b),
  from: (x) => Rational.fromNumber(x),
  toNumber: (a) => a.toNumber(),
  sqrt: () => {
    throw new ExactUnsupported('a square root (output normalisation)');
  },
  fn: (name) => {
    throw new ExactUnsupported(name);
  },
};

/** Machine epsilons (unit roundoff ×2) used by the tolerance table. */
export const EPS64 = Number.EPSILON; // 2^-52
export const EPS32 = 1.1920928955078125e-7; // 2^-23
