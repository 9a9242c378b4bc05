/**
 * Test results in words and flat numbers: the one-line message of a test, its flat `statistic`
 * (for a CheckResult or a report) and the worst p/α (or interval/margin) ratio over several tests.
 */
import type { DirectionalResult } from './directional.js';
import type { EquivalenceResult } from './equivalence.js';

export type TestResult = DirectionalResult | EquivalenceResult;

/** A number in reports: 3 significant digits, exponent for small/large values. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e4 ? String(Number(x.toPrecision(3))) : x.toExponential(2);
}

/** The flat statistic of one test, keys prefixed (`prefix.mean`, ...); JSON-able numbers and strings. */
export function flatten(prefix: string, r: TestResult): Record<string, number | string | boolean> {
  const p = prefix ? `${prefix}.` : '';
  const common = { [`${p}test`]: r.kind === 'directional' ? `one-sided t (${r.direction} than ${r.threshold})` : `TOST |mean − ${r.center}| < ${r.margin}`, [`${p}decision`]: r.decision, [`${p}alpha`]: r.alpha, [`${p}n`]: r.n, [`${p}mean`]: r.mean, [`${p}sd`]: r.sd, [`${p}lower`]: r.lower, [`${p}upper`]: r.upper };
  if (r.kind === 'directional') {
    return { ...common, [`${p}t`]: r.t, [`${p}pPass`]: r.pPass, [`${p}pFail`]: r.pFail, [`${p}power`]: r.power, [`${p}powerObserved`]: r.powerObserved, [`${p}mde`]: r.mde, [`${p}nNeeded`]: r.nNeeded };
  }
  return { ...common, [`${p}margin`]: r.margin, [`${p}pTost`]: r.pTost, [`${p}powerAtCenter`]: r.powerAtCenter, [`${p}nNeeded`]: r.nNeeded };
}

/** One line: "G: mean 0.081 (sd 0.02, n 10), 99.975% lower bound 0.06 > 0, p 1e-9 ≤ α 2.5e-4 → pass". */
export function describe(label: string, r: TestResult): string {
  if (r.n < 2 || !Number.isFinite(r.sd)) return `${label}: ${r.n} value(s), too few to decide → inconclusive`;
  const conf = (c: number) => `(1 − ${num(c)})`;
  if (r.kind === 'directional') {
    const op = r.direction === 'greater' ? '>' : '<';
    const why =
      r.decision === 'pass'
        ? `${conf(r.alpha)} ${r.direction === 'greater' ? `lower bound ${num(r.lower)}` : `upper bound ${num(r.upper)}`} ${op} ${num(r.threshold)}`
        : r.decision === 'fail'
          ? `${conf(r.alpha)} ${r.direction === 'greater' ? `upper bound ${num(r.upper)} <` : `lower bound ${num(r.lower)} >`} ${num(r.threshold)}`
          : `interval [${num(r.lower)}, ${num(r.upper)}] contains ${num(r.threshold)}; detectable effect ${num(r.mde)} at 80% power, ~${Number.isFinite(r.nNeeded) ? r.nNeeded : '∞'} seeds needed`;
    return `${label}: mean ${num(r.mean)} (sd ${num(r.sd)}, n ${r.n}), claim ${op} ${num(r.threshold)}, t ${num(r.t)}, p ${num(r.pPass)} vs α ${num(r.alpha)}: ${why} → ${r.decision}`;
  }
  const lo = r.center - r.margin;
  const hi = r.center + r.margin;
  const why =
    r.decision === 'pass'
      ? `${conf(2 * r.alpha)} interval [${num(r.lower)}, ${num(r.upper)}] inside (${num(lo)}, ${num(hi)})`
      : r.decision === 'fail'
        ? `${conf(r.alpha)} interval [${num(r.failLower)}, ${num(r.failUpper)}] outside (${num(lo)}, ${num(hi)})`
        : `${conf(2 * r.alpha)} interval [${num(r.lower)}, ${num(r.upper)}] too wide for (${num(lo)}, ${num(hi)}); ~${Number.isFinite(r.nNeeded) ? r.nNeeded : '∞'} seeds needed`;
  return `${label}: mean ${num(r.mean)} (sd ${num(r.sd)}, n ${r.n}), claim |mean| < ${num(r.margin)}, TOST p ${num(r.pTost)} vs α ${num(r.alpha)}: ${why} → ${r.decision}`;
}

/** error/tolerance of a test: p/α for a directional test, max |bound − center|/margin for TOST. */
export function ratioOf(r: TestResult): { ratio: number; error: number; tolerance: number } {
  if (r.kind === 'directional') return { ratio: r.pPass / r.alpha, error: r.pPass, tolerance: r.alpha };
  const e = Math.max(Math.abs(r.lower - r.center), Math.abs(r.upper - r.center));
  return { ratio: e / r.margin, error: e, tolerance: r.margin };
}

/** The largest ratio over several tests (NaN-safe: NaN counts as worst). */
export function worstOf(rs: readonly TestResult[]): { ratio: number; error: number; tolerance: number } {
  let w = { ratio: Number.NaN, error: Number.NaN, tolerance: Number.NaN };
  let seen = false;
  for (const r of rs) {
    const x = ratioOf(r);
    if (!seen || Number.isNaN(x.ratio) || x.ratio > w.ratio) w = x;
    seen = true;
    if (Number.isNaN(x.ratio)) break;
  }
  return w;
}
