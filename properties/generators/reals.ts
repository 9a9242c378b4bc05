/**
 * Real-valued generators that reach the values the claims quantify over (issue 12). fast-check's
 * `fc.double` draws uniformly over *representable* doubles, so most draws are tiny (90% of weights
 * in (−2, 2) were below 1e-6); these draw on the scale that matters instead:
 *   - `arbUniform`: uniform over [min, max] on a grid of 2^30 steps (full mantissas, no clustering,
 *     no small-value bias);
 *   - `arbLogUniform`: 10^e with e uniform over [log10 min, log10 max] (every decade alike);
 *   - `arbSignedMagnitude`: ± a log-uniform magnitude, exact zeros only as a stated minority.
 * Each is a map of `fc.integer`, so shrinking goes to simple values: the integer 0, i.e. `shrinkTo`
 * (uniform), 1 (log-uniform, when 1 is in range) or +1 (signed magnitude).
 */
import * as fc from 'fast-check';

const STEPS = 2 ** 30;

export interface UniformConstraints {
  readonly min: number;
  readonly max: number;
  /** The value draws shrink to (default: min); must lie in [min, max]. */
  readonly shrinkTo?: number;
}

/** Uniform over [min, max] (2^30 grid steps), shrinking towards `shrinkTo`. */
export function arbUniform(c: UniformConstraints): fc.Arbitrary<number> {
  const { min, max } = c;
  const at = c.shrinkTo ?? min;
  if (!(min < max) || !(at >= min && at <= max)) throw new Error(`arbUniform: need min < max and shrinkTo in [min, max], got ${min}, ${max}, ${at}`);
  const step = (max - min) / STEPS;
  const k0 = Math.round((at - min) / step);
  // noBias: fast-check's small-value bias would put ~20% of draws at `shrinkTo` exactly (zero
  // polarities, |w| = 1); shrinking still goes there.
  return fc.noBias(fc.integer({ min: -k0, max: STEPS - k0 })).map((k) => (k === 0 ? at : Math.min(max, Math.max(min, min + (k + k0) * step))));
}

export interface LogUniformConstraints {
  /** Smallest value (> 0). */
  readonly min: number;
  /** Largest value. */
  readonly max: number;
}

/** 10^e, e uniform over [log10 min, log10 max]: every decade gets its share; shrinks towards 1 (or the end nearer it). */
export function arbLogUniform(c: LogUniformConstraints): fc.Arbitrary<number> {
  if (!(c.min > 0 && c.min < c.max)) throw new Error(`arbLogUniform: need 0 < min < max, got ${c.min}, ${c.max}`);
  const lo = Math.log10(c.min);
  const hi = Math.log10(c.max);
  return arbUniform({ min: lo, max: hi, shrinkTo: Math.min(hi, Math.max(lo, 0)) }).map((e) => Math.min(c.max, Math.max(c.min, 10 ** e)));
}

export interface SignedMagnitudeConstraints {
  /** Smallest nonzero magnitude (default 1e-3). */
  readonly minMagnitude?: number;
  /** Largest magnitude (default 2). */
  readonly maxMagnitude?: number;
  /** Share of exact zeros (default 1/10: a deliberate minority). */
  readonly zeroShare?: number;
}

/** ±m with m log-uniform over [minMagnitude, maxMagnitude]; exact 0 with probability `zeroShare`. */
export function arbSignedMagnitude(c: SignedMagnitudeConstraints = {}): fc.Arbitrary<number> {
  const zeroShare = c.zeroShare ?? 0.1;
  const signed = fc.tuple(fc.boolean(), arbLogUniform({ min: c.minMagnitude ?? 1e-3, max: c.maxMagnitude ?? 2 })).map(([neg, m]) => (neg ? -m : m));
  if (zeroShare <= 0) return signed;
  const weight = Math.round((100 * zeroShare) / (1 - zeroShare));
  return fc.oneof({ arbitrary: signed, weight: 100 }, { arbitrary: fc.constant(0), weight });
}

/** τ log-uniform over [1e-2, 1e2] (issue 12: every decade ≥ 10% of draws). */
export const arbTau = (c: Partial<LogUniformConstraints> = {}): fc.Arbitrary<number> => arbLogUniform({ min: c.min ?? 1e-2, max: c.max ?? 1e2 });
