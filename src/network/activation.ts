/**
 * Activations ψ (docs/theory.md §1.2): one record per activation, the only place an activation is
 * defined. Everything that applies ψ reads it from here: the reference network in float64 and in
 * rationals (forward.ts, backward.ts), the generated float32 kernels (engines/f32), the TF.js graphs
 * (engines/tfjs) and the tolerance bounds (magnitude.ts). Adding an activation is one entry of
 * ACTIVATIONS.
 *
 * Conventions (as every autograd): ReLU'(0) = 0; leaky ReLU'(0) = slope.
 * Positively homogeneous, ψ(cg) = cψ(g) for c > 0 (claim C1 needs it): relu, leaky_relu(a), linear;
 * these are also exact in rationals. Not homogeneous (they break C1): tanh, softplus, gelu.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { Arith } from '../numeric/arith.js';
import { ExactUnsupported, F64 } from '../numeric/arith.js';
import { InputError } from '../errors.js';

/** One activation ψ with its parameters P (read from the Activation object itself). */
export interface ActivationRecord<P extends object = object> {
  /** ψ(cg) = cψ(g) for c > 0 (C1). */
  readonly homogeneous: boolean;
  /** ψ and ψ' are rational maps (value/derivative run in rationals); false: rationals refuse (ExactUnsupported). */
  readonly exact: boolean;
  /** ψ'(g) = 1[g > 0] and ψ(g) = 0 where the gate is closed (ReLU): the f32 engine skips zero inputs and closed gates. */
  readonly binaryGate: boolean;
  /** The parameter written after ':' in the text form ("leaky_relu:0.1"), and its default. */
  readonly param?: { readonly field: keyof P & string; readonly default: number };
  /** ψ(g) in arithmetic A (float64, rationals). */
  value<T>(A: Arith<T>, g: T, p: P): T;
  /** ψ'(g) in arithmetic A. */
  derivative<T>(A: Arith<T>, g: T, p: P): T;
  /**
   * JavaScript source over number variables for the generated float32 kernels (engines/f32):
   * ψ(a), and ψ'(g)·d. It may use the names of KERNEL_SCOPE.
   */
  readonly kernel: { value(a: string, p: P): string; gate(g: string, d: string, p: P): string };
  /** ψ on TF.js tensors (autograd supplies ψ'); tf is passed in, TF.js is never imported here. */
  tf(tf: typeof tfType, g: tfType.Tensor, p: P): tfType.Tensor;
  /** A bound of |ψ'| and of |ψ(g) − ψ(0)|/|g| (network/magnitude.ts). */
  bound(p: P): number;
  /** |ψ(0)| (softplus: log 2), added per unit by the magnitude bound. */
  readonly offset: number;
  /**
   * The roundings of ψ(g) (`value`) and of ψ′(g)·d (`gate`, with the product) in float64, each libm
   * call counted once (V8's are within 1 ulp) and erf as ERF_ROUNDINGS: the chain lengths of the
   * tolerance table (network/magnitude.ts).
   */
  readonly rounding: { readonly value: number; readonly gate: number };
}

/**
 * Roundings charged to one F64 erf (numeric/arith.ts): its Maclaurin series cancels as |t| nears 2.5
 * (the terms' magnitudes sum to ≈ 100× the result there; 6 ulp measured at t = 3.5/√2), so it counts as 8.
 */
export const ERF_ROUNDINGS = 8;

/** Names the kernel sources may use (bound when engines/f32 compiles them). */
export const KERNEL_SCOPE = {
  erf: (x: number): number => F64.fn('erf', x),
  SQRT1_2: Math.SQRT1_2,
  INV_SQRT_2PI: 1 / Math.sqrt(2 * Math.PI),
} as const;

const define = <P extends object = object>(r: ActivationRecord<P>): ActivationRecord<P> => r;

/** A float-only value or derivative: f on the number, refused in rationals with the activation's name. */
function floatOnly(name: string, f: (x: number) => number) {
  return <T>(A: Arith<T>, g: T): T => {
    if (A.exact) throw new ExactUnsupported(name);
    return A.from(f(A.toNumber(g)));
  };
}

const geluCdf = (x: number): number => 0.5 * (1 + F64.fn('erf', x / Math.SQRT2));

export const ACTIVATIONS = {
  relu: define({
    homogeneous: true,
    exact: true,
    binaryGate: true,
    value: (A, g) => (A.sign(g) > 0 ? g : A.zero),
    derivative: (A, g) => (A.sign(g) > 0 ? A.one : A.zero),
    kernel: { value: (a) => `(${a} > 0 ? ${a} : 0)`, gate: (g, d) => `(${g} > 0 ? ${d} : 0)` },
    tf: (tf, g) => tf.relu(g),
    bound: () => 1,
    offset: 0,
    rounding: { value: 0, gate: 0 }, // g or 0; d or 0
  }),
  leaky_relu: define<{ readonly slope: number }>({
    homogeneous: true,
    exact: true,
    binaryGate: false,
    param: { field: 'slope', default: 0.01 },
    value: (A, g, p) => (A.sign(g) > 0 ? g : A.mul(A.from(p.slope), g)),
    derivative: (A, g, p) => (A.sign(g) > 0 ? A.one : A.from(p.slope)),
    kernel: { value: (a, p) => `(${a} > 0 ? ${a} : ${p.slope} * ${a})`, gate: (g, d, p) => `(${g} > 0 ? ${d} : ${p.slope} * ${d})` },
    tf: (tf, g, p) => tf.leakyRelu(g, p.slope),
    bound: (p) => Math.max(1, Math.abs(p.slope)),
    offset: 0,
    rounding: { value: 1, gate: 1 }, // slope·g; slope·d
  }),
  linear: define({
    homogeneous: true,
    exact: true,
    binaryGate: false,
    value: (_A, g) => g,
    derivative: (A) => A.one,
    kernel: { value: (a) => a, gate: (_g, d) => d },
    tf: (_tf, g) => g,
    bound: () => 1,
    offset: 0,
    rounding: { value: 0, gate: 0 },
  }),
  tanh: define({
    homogeneous: false,
    exact: false,
    binaryGate: false,
    value: (A, g) => A.fn('tanh', g),
    derivative: (A, g) => {
      const t = A.fn('tanh', g);
      return A.sub(A.one, A.mul(t, t));
    },
    kernel: { value: (a) => `Math.tanh(${a})`, gate: (g, d) => `((1 - Math.tanh(${g}) * Math.tanh(${g})) * ${d})` },
    tf: (tf, g) => tf.tanh(g),
    bound: () => 1,
    offset: 0,
    rounding: { value: 1, gate: 4 }, // tanh; tanh, t·t, 1 −, ·d
  }),
  softplus: define({
    homogeneous: false,
    exact: false,
    binaryGate: false,
    // Above 37, log1p(e^−x) < ε/2·x: x + it rounds to x (at 30, the float32 kernels' cut, it is 14 ulp).
    value: floatOnly('softplus', (x) => (x > 37 ? x : Math.log1p(Math.exp(x)))),
    derivative: floatOnly('softplus', (x) => 1 / (1 + Math.exp(-x))),
    kernel: { value: (a) => `(${a} > 30 ? ${a} : Math.log1p(Math.exp(${a})))`, gate: (g, d) => `(${d} / (1 + Math.exp(-${g})))` },
    tf: (tf, g) => tf.softplus(g),
    bound: () => 1,
    offset: Math.LN2,
    rounding: { value: 2, gate: 4 }, // exp, log1p; exp, 1 +, /, ·d (the kernel's d/(…): 3)
  }),
  // The exact erf form 0.5·g·(1 + erf(g/√2)), in every representation (no tanh approximation).
  gelu: define({
    homogeneous: false,
    exact: false,
    binaryGate: false,
    value: floatOnly('gelu', (x) => 0.5 * x * (1 + F64.fn('erf', x / Math.SQRT2))),
    derivative: floatOnly('gelu', (x) => geluCdf(x) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI)),
    kernel: {
      value: (a) => `(0.5 * ${a} * (1 + erf(${a} * SQRT1_2)))`,
      gate: (g, d) => `((0.5 * (1 + erf(${g} * SQRT1_2)) + ${g} * Math.exp(-0.5 * ${g} * ${g}) * INV_SQRT_2PI) * ${d})`,
    },
    tf: (tf, g) => tf.mul(tf.mul(g, 0.5), tf.add(1, tf.erf(tf.mul(g, Math.SQRT1_2)))),
    bound: () => 1.13,
    offset: 0,
    // g/√2, erf, 1 +, ·(0.5·g) (exact halving); Φ(g) (g/√2, erf, 1 +, ·½) + g·φ(g) (g², ·½, exp, ·g, /√(2π)), +, ·d
    rounding: { value: ERF_ROUNDINGS + 3, gate: ERF_ROUNDINGS + 3 + 5 + 2 },
  }),
};

export type ActivationKind = keyof typeof ACTIVATIONS;
type ParamsOf<K extends ActivationKind> = (typeof ACTIVATIONS)[K] extends ActivationRecord<infer P> ? P : never;

/** An activation with its parameters: { kind: 'relu' }, { kind: 'leaky_relu', slope: 0.1 }, … */
export type Activation = { [K in ActivationKind]: { readonly kind: K } & ParamsOf<K> }[ActivationKind];

export const RELU: Activation = { kind: 'relu' };

/** The text forms, for help texts: "relu, leaky_relu:<slope>, linear, tanh, softplus, gelu". */
export const ACTIVATION_FORMS = Object.entries(ACTIVATIONS)
  .map(([k, r]) => (r.param ? `${k}:<${r.param.field}>` : k))
  .join(', ');

/** The record of an activation (its parameters are the Activation object's fields). */
export function activationRecord(a: Activation): ActivationRecord<Activation> {
  return ACTIVATIONS[a.kind] as unknown as ActivationRecord<Activation>;
}

/** True when ψ(cx) = cψ(x) for c > 0 (the theory's requirement). */
export function isHomogeneous(a: Activation): boolean {
  return activationRecord(a).homogeneous;
}

/** Text form used by the case format: "relu", "leaky_relu:0.1", "linear", "tanh", "softplus", "gelu". */
export function activationName(a: Activation): string {
  const field = activationRecord(a).param?.field;
  return field ? `${a.kind}:${a[field]}` : a.kind;
}

/** Parses the text form; an InputError naming `field` for anything else. */
export function parseActivation(s: unknown, field = 'activation'): Activation {
  if (typeof s !== 'string') throw new InputError(field, `expected a string such as "relu", got ${typeof s}`);
  const colon = s.indexOf(':');
  const [kind, arg] = colon >= 0 ? [s.slice(0, colon), s.slice(colon + 1)] : [s, undefined];
  const record = Object.hasOwn(ACTIVATIONS, kind) ? (ACTIVATIONS[kind as ActivationKind] as ActivationRecord) : undefined;
  if (record?.param && arg !== '') {
    const v = arg === undefined ? record.param.default : Number(arg);
    if (!Number.isFinite(v)) throw new InputError(field, `${kind} ${record.param.field} '${arg}' is not a number`);
    return { kind, [record.param.field]: v } as Activation;
  }
  if (record && arg === undefined) return { kind } as Activation;
  throw new InputError(field, `unknown activation '${s}' (${ACTIVATION_FORMS})`);
}

/** ψ(g) in arithmetic A. */
export function activate<T>(A: Arith<T>, a: Activation, g: T): T {
  return activationRecord(a).value(A, g, a);
}

/** ψ'(g) in arithmetic A (the gate D for relu: 1[g > 0]). */
export function activateDerivative<T>(A: Arith<T>, a: Activation, g: T): T {
  return activationRecord(a).derivative(A, g, a);
}
