/**
 * Forward-mode dual numbers over any arithmetic (float64, emulated float32, exact rationals), and the
 * small operation set a loss plugin is written in (docs/plugins.md):
 *
 *   const, add, sub, mul, div, neg, exp, log, logSumExp, softplus, sigmoid, max, min, sum, mean
 *
 * A dual carries a value v and the vector of its first partials d = ∂v/∂(r_+, r_1−, …, r_H−), so
 * one evaluation of a plugin gives the loss and its exact weights β = ∂L/∂r (docs/theory.md §1.4, C6).
 * The derivative rules are exact (no finite differences); exp/log/… are float only, so in
 * rationals they throw `ExactUnsupported` and a plugin built from + − × ÷ max alone runs exactly.
 *
 * A dual refuses JavaScript's own arithmetic (`r.pos * 2` throws a clear error instead of giving
 * NaN): a plugin must reach the distances only through the operations it is given.
 */
import type { Arith } from '../numeric/arith.js';
import { ExactUnsupported } from '../numeric/arith.js';
import { sigmoid as sigmoid64, softplus as softplus64 } from './triplet.js';

/** The operations a loss plugin is written with; T is a dual number, or a tensor on TensorFlow.js. */
export interface LossOps<T> {
  /** 'float64' | 'float32' | 'rational' (duals) or 'tfjs' (tensors). */
  readonly arithmetic: string;
  /** A constant. */
  const(x: number): T;
  add(a: T | number, b: T | number): T;
  sub(a: T | number, b: T | number): T;
  mul(a: T | number, b: T | number): T;
  div(a: T | number, b: T | number): T;
  neg(a: T | number): T;
  exp(a: T | number): T;
  log(a: T | number): T;
  /** log Σ_i e^{x_i}, stable (the maximum is subtracted first). */
  logSumExp(xs: readonly (T | number)[]): T;
  /** log(1 + e^a), stable. */
  softplus(a: T | number): T;
  /** 1/(1 + e^{−a}), stable. */
  sigmoid(a: T | number): T;
  /** The larger (its derivative is the chosen argument's; ties choose a). */
  max(a: T | number, b: T | number): T;
  min(a: T | number, b: T | number): T;
  sum(xs: readonly (T | number)[]): T;
  mean(xs: readonly (T | number)[]): T;
}

/** Thrown when plugin code applies JavaScript arithmetic to a distance instead of the ops. */
export class DualMisuse extends Error {
  constructor() {
    super('a distance was used with JavaScript arithmetic (+, *, <, Math.*); use the ops (ops.add, ops.mul, ops.max, …) instead');
    this.name = 'DualMisuse';
  }
}

/** A dual number: value and partials. `token` identifies the evaluation that created it. */
export class Dual<T> {
  constructor(
    readonly v: T,
    readonly d: readonly T[],
    readonly token: symbol,
  ) {}
  valueOf(): never {
    throw new DualMisuse();
  }
  [Symbol.toPrimitive](hint: string): string {
    if (hint === 'string') return '[covcheck dual number]';
    throw new DualMisuse();
  }
}

/** Emulated IEEE float32: every result rounded with Math.fround (float32 checks, C6 robustness). */
export const F32: Arith<number> = {
  name: 'float64', // Arith's name type; the ops built on it report 'float32' (arithName)
  exact: false,
  zero: 0,
  one: 1,
  add: (a, b) => Math.fround(a + b),
  sub: (a, b) => Math.fround(a - b),
  mul: (a, b) => Math.fround(a * b),
  div: (a, b) => Math.fround(a / b),
  neg: (a) => -a,
  sign: (a) => (a > 0 ? 1 : a < 0 ? -1 : 0),
  eq: (a, b) => a === b,
  from: (x) => Math.fround(x),
  toNumber: (a) => a,
  sqrt: (a) => Math.fround(Math.sqrt(a)),
  fn: (name, a) => {
    switch (name) {
      case 'exp':
        return Math.fround(Math.exp(a));
      case 'log':
        return Math.fround(Math.log(a));
      case 'tanh':
        return Math.fround(Math.tanh(a));
      case 'log1p':
        return Math.fround(Math.log1p(a));
      case 'erf':
        throw new Error('F32: erf is not provided');
    }
  },
};

/** 'float32' for F32, else the arithmetic's own name. */
function arithName(A: Arith<unknown>): string {
  return A === (F32 as Arith<unknown>) ? 'float32' : A.name;
}

/**
 * The dual-number operations over arithmetic A with n partials, for one evaluation (`token`).
 * Every dual an evaluation returns must carry its token: a plugin that returns a cached value from
 * an earlier call is not a function of the distances it was given.
 */
export function dualOps<T>(A: Arith<T>, n: number, token: symbol = Symbol('evaluation')): LossOps<Dual<T>> & {
  variable(value: T, index: number): Dual<T>;
  readonly token: symbol;
} {
  const zeros = (): T[] => new Array<T>(n).fill(A.zero);
  const lift = (a: Dual<T> | number): Dual<T> => {
    if (a instanceof Dual) return a;
    if (typeof a !== 'number') throw new TypeError(`expected a distance, an op result or a number, got ${describeValue(a)}`);
    if (Number.isNaN(a)) throw new TypeError('a constant is NaN (a distance used with JavaScript arithmetic gives NaN)');
    return new Dual(A.from(a), zeros(), token);
  };
  const scaleAdd = (acc: T[], s: T, d: readonly T[]) => {
    if (A.sign(s) === 0) return;
    for (let i = 0; i < n; i++) if (A.sign(d[i]!) !== 0) acc[i] = A.add(acc[i]!, A.mul(s, d[i]!));
  };
  const chain = (x: Dual<T>, v: T, slope: T): Dual<T> => {
    const d = zeros();
    scaleAdd(d, slope, x.d);
    return new Dual(v, d, token);
  };
  const float = (what: string) => {
    if (A.exact) throw new ExactUnsupported(what);
  };
  const num = (x: T) => A.toNumber(x);
  const ops = {
    arithmetic: arithName(A as Arith<unknown>),
    token,
    variable(value: T, index: number): Dual<T> {
      const d = zeros();
      d[index] = A.one;
      return new Dual(value, d, token);
    },
    const: (x: number) => lift(x),
    add(a: Dual<T> | number, b: Dual<T> | number) {
      const x = lift(a);
      const y = lift(b);
      return new Dual(A.add(x.v, y.v), x.d.map((v, i) => A.add(v, y.d[i]!)), token);
    },
    sub(a: Dual<T> | number, b: Dual<T> | number) {
      const x = lift(a);
      const y = lift(b);
      return new Dual(A.sub(x.v, y.v), x.d.map((v, i) => A.sub(v, y.d[i]!)), token);
    },
    mul(a: Dual<T> | number, b: Dual<T> | number) {
      const x = lift(a);
      const y = lift(b);
      const d = zeros();
      scaleAdd(d, y.v, x.d);
      scaleAdd(d, x.v, y.d);
      return new Dual(A.mul(x.v, y.v), d, token);
    },
    div(a: Dual<T> | number, b: Dual<T> | number) {
      const x = lift(a);
      const y = lift(b);
      const v = A.div(x.v, y.v);
      // (x' − v·y')/y; a partial that is 0 in both stays 0 (as in mul, exp, log: only the partials
      // present are scaled), so a division by an exact 0 (v = ±∞) does not make NaN partials for the
      // distances neither side depends on, which a later step could leave in a finite loss.
      const d = x.d.map((xd, i) => (A.eq(xd, A.zero) && A.eq(y.d[i]!, A.zero) ? A.zero : A.div(A.sub(xd, A.mul(v, y.d[i]!)), y.v)));
      return new Dual(v, d, token);
    },
    neg(a: Dual<T> | number) {
      const x = lift(a);
      return new Dual(A.neg(x.v), x.d.map((v) => A.neg(v)), token);
    },
    exp(a: Dual<T> | number) {
      float('exp');
      const x = lift(a);
      const e = A.fn('exp', x.v);
      return chain(x, e, e);
    },
    log(a: Dual<T> | number) {
      float('log');
      const x = lift(a);
      return chain(x, A.fn('log', x.v), A.div(A.one, x.v));
    },
    logSumExp(xs: readonly (Dual<T> | number)[]) {
      float('log-sum-exp');
      if (xs.length === 0) throw new RangeError('logSumExp of an empty list');
      const ds = xs.map(lift);
      const m = Math.max(...ds.map((x) => num(x.v)));
      if (!Number.isFinite(m)) {
        // All −∞ (or a NaN/∞ input): let the value show it, without 0·∞ in the partials.
        return new Dual(A.from(m), zeros(), token);
      }
      const mT = A.from(m);
      const e = ds.map((x) => A.fn('exp', A.sub(x.v, mT)));
      const s = e.reduce((p, q) => A.add(p, q), A.zero);
      const d = zeros();
      ds.forEach((x, i) => scaleAdd(d, A.div(e[i]!, s), x.d));
      return new Dual(A.add(mT, A.fn('log', s)), d, token);
    },
    softplus(a: Dual<T> | number) {
      float('softplus');
      const x = lift(a);
      const u = num(x.v);
      return chain(x, A.from(softplus64(u)), A.from(sigmoid64(u)));
    },
    sigmoid(a: Dual<T> | number) {
      float('sigmoid');
      const x = lift(a);
      const u = num(x.v);
      const s = sigmoid64(u);
      // σ'(u) = σ(u)σ(−u): 1 − σ(u) would cancel where σ(u) ≈ 1.
      return chain(x, A.from(s), A.from(s * sigmoid64(-u)));
    },
    max(a: Dual<T> | number, b: Dual<T> | number) {
      const x = lift(a);
      const y = lift(b);
      return A.sign(A.sub(x.v, y.v)) >= 0 ? x : y;
    },
    min(a: Dual<T> | number, b: Dual<T> | number) {
      const x = lift(a);
      const y = lift(b);
      return A.sign(A.sub(x.v, y.v)) <= 0 ? x : y;
    },
    sum(xs: readonly (Dual<T> | number)[]) {
      let acc = lift(0);
      for (const x of xs) acc = ops.add(acc, x);
      return acc;
    },
    mean(xs: readonly (Dual<T> | number)[]) {
      if (xs.length === 0) throw new RangeError('mean of an empty list');
      return ops.div(ops.sum(xs), xs.length);
    },
  };
  return ops;
}

/** A short description of a value for error messages. */
export function describeValue(v: unknown): string {
  if (v instanceof Dual) return 'a dual number';
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object') return `an object (${Object.prototype.toString.call(v)})`;
  return typeof v;
}
