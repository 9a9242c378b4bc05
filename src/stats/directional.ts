/**
 * The directional one-sample t-test over seeds (docs/theory.md §3; claims C11, C12), on values or
 * on paired differences: the claim says E X > θ (or < θ).
 *   pass when the one-sided (1−α) lower confidence bound is > θ; fail when the one-sided (1−α)
 *   upper bound is < θ; inconclusive otherwise. So P(fail | claim true) ≤ α and
 *   P(pass | claim false) ≤ α: too few or too noisy seeds give `inconclusive`, never `pass`.
 * The statistic is Student's t on the seed values (independent and identically distributed; means
 * over many nodes and samples, so close to normal).
 */
import { checkAlpha, type Decision } from './decision.js';
import { tQuantileUpper, tUpper } from './distributions.js';
import { minimumDetectableEffect, powerOneSided, sampleSizeOneSided } from './power.js';
import { summarize, type Summary } from './summary.js';

export interface DirectionalOptions {
  /** False-failure rate (also the false-pass rate). */
  readonly alpha: number;
  /** The claim is E X > threshold (default 0). */
  readonly threshold?: number;
  /** 'greater' (default): the claim is E X > threshold; 'less': E X < threshold. */
  readonly direction?: 'greater' | 'less';
  /** A planning effect (distance from the threshold in the claimed direction) and sd for the power. */
  readonly planned?: { readonly effect: number; readonly sd: number };
  /** Target power for the minimum detectable effect and the seeds needed (default 0.8). */
  readonly power?: number;
  /** Compute power, mde and nNeeded (default true; simulations turn it off: it costs milliseconds). */
  readonly diagnostics?: boolean;
}

export interface DirectionalResult extends Summary {
  readonly kind: 'directional';
  readonly decision: Decision;
  readonly alpha: number;
  readonly threshold: number;
  readonly direction: 'greater' | 'less';
  /** (mean − threshold)/se, signed so that positive supports the claim. */
  readonly t: number;
  /** One-sided p-value of "E X does not satisfy the claim" (pass when ≤ α). */
  readonly pPass: number;
  /** One-sided p-value of "E X satisfies the claim" (fail when ≤ α). */
  readonly pFail: number;
  /** One-sided (1−α) confidence bounds on E X. */
  readonly lower: number;
  readonly upper: number;
  /** Power at the planning effect and sd (NaN without a plan). */
  readonly power: number;
  /** Power if the observed mean and sd were the truth (post hoc; NaN if the mean is on the wrong side). */
  readonly powerObserved: number;
  /** Effect (from the threshold) detected with the target power at this n and the observed sd. */
  readonly mde: number;
  /** Values needed for the target power at the observed effect and sd (Infinity if the effect is ≤ 0). */
  readonly nNeeded: number;
}

/**
 * Directional one-sample t-test: is E X > threshold (or < for 'less')? See the module comment for
 * the decision rule. Use it on paired differences for comparisons of settings.
 */
export function directionalTest(xs: readonly number[], o: DirectionalOptions): DirectionalResult {
  checkAlpha(o.alpha);
  const threshold = o.threshold ?? 0;
  const direction = o.direction ?? 'greater';
  const sign = direction === 'greater' ? 1 : -1;
  const s = summarize(xs);
  const power = o.power ?? 0.8;
  const base = { kind: 'directional' as const, ...s, alpha: o.alpha, threshold, direction };
  if (s.n < 2 || !Number.isFinite(s.mean) || !Number.isFinite(s.sd)) {
    return {
      ...base,
      decision: 'inconclusive',
      t: Number.NaN,
      pPass: Number.NaN,
      pFail: Number.NaN,
      lower: Number.NaN,
      upper: Number.NaN,
      power: Number.NaN,
      powerObserved: Number.NaN,
      mde: Number.NaN,
      nNeeded: Number.NaN,
    };
  }
  const df = s.n - 1;
  const q = tQuantileUpper(o.alpha, df);
  const diff = sign * (s.mean - threshold);
  // se = 0: every seed gave the same value; the data are then conclusive unless the mean is exactly the threshold.
  const t = s.se > 0 ? diff / s.se : diff > 0 ? Number.POSITIVE_INFINITY : diff < 0 ? Number.NEGATIVE_INFINITY : 0;
  const pPass = tUpper(t, df);
  const pFail = tUpper(-t, df);
  const lower = s.mean - q * s.se;
  const upper = s.mean + q * s.se;
  const decision: Decision = pPass <= o.alpha && t > 0 ? 'pass' : pFail <= o.alpha && t < 0 ? 'fail' : 'inconclusive';
  const observedEffect = diff;
  if (o.diagnostics === false) {
    return { ...base, decision, t, pPass, pFail, lower, upper, power: Number.NaN, powerObserved: Number.NaN, mde: Number.NaN, nNeeded: Number.NaN };
  }
  return {
    ...base,
    decision,
    t,
    pPass,
    pFail,
    lower,
    upper,
    power: o.planned ? powerOneSided(s.n, o.alpha, o.planned.effect, o.planned.sd) : Number.NaN,
    powerObserved: observedEffect > 0 ? powerOneSided(s.n, o.alpha, observedEffect, s.sd) : Number.NaN,
    mde: minimumDetectableEffect(s.n, o.alpha, s.sd, power),
    nNeeded: observedEffect > 0 ? sampleSizeOneSided(o.alpha, observedEffect, s.sd, power) : Number.POSITIVE_INFINITY,
  };
}
