/**
 * The claim runner: runs one check (a fast-check property or a custom statistical check) and turns
 * its outcome into a verdict (docs/theory.md §3). Used by vitest and by the CLI alike.
 */
import * as fc from 'fast-check';
import type { Check, CheckResult, Measurement, PropertyCheck, RunOptions } from './check.js';
import { knownFailFor } from './knownFails.js';
import { replayCommand } from './replayCommand.js';

export async function runCheck(check: Check, options: RunOptions): Promise<CheckResult> {
  const t0 = performance.now();
  // A custom check that throws propagates (replay reports it as an internal error); verify and the
  // mutation self-check turn it into `thrownResult` (an errored fail). A throwing predicate of a
  // property check is caught below, per case.
  const raw = check.type === 'property' ? runProperty(check, options) : await check.run(options);
  // A custom check that stands in for work done elsewhere (an isolated plugin's check) may carry its time.
  const own = (raw as { ms?: unknown }).ms;
  const result = applyKnownFail({ ...raw, ms: typeof own === 'number' ? own : Math.round(performance.now() - t0) });
  return result;
}

/** A check that threw is an error: `fail`, flagged `errored` (never known-fail, expected-fail or a caught mutant). */
export function thrownResult(check: Check, options: RunOptions, e: unknown): Omit<CheckResult, 'ms'> {
  return {
    check: check.id,
    claim: check.claim,
    verdict: 'fail',
    errored: true,
    expect: check.expect,
    arithmetic: check.arithmetic,
    variant: check.variant,
    cases: 0,
    worst: { ratio: Number.NaN, error: Number.NaN, tolerance: Number.NaN },
    seed: options.seed,
    message: `error: the check threw: ${e instanceof Error ? e.message : String(e)}`,
  };
}

/**
 * A counterexample of an expected-fail check must be a measured violation: a finite error above
 * its tolerance. A NaN or infinite error (a computation that broke) is never one.
 */
export function isViolation(m: Measurement): boolean {
  return !m.ok && Number.isFinite(m.error);
}

function runProperty<V>(check: PropertyCheck<V>, options: RunOptions): Omit<CheckResult, 'ms'> {
  const numRuns = options.numRuns ?? check.runs[options.scale];
  let worst = { ratio: Number.NaN, error: Number.NaN, tolerance: Number.NaN };
  const ratios: number[] = [];
  let cases = 0;
  let lastFailure: Measurement | undefined;
  let nonFinite = 0;
  let undecided = 0;
  const expectFail = check.expect === 'fail';
  const property = fc.property(check.arbitrary(options.scale), (v: V) => {
    const m = check.measure(v);
    cases++;
    // Expected-fail: a non-finite error is not a counterexample; it is counted and makes the check red.
    if (expectFail && !m.ok && !isViolation(m)) {
      nonFinite++;
      return true;
    }
    if (options.onProgress && cases % 8 === 0) options.onProgress(Math.min(1, cases / numRuns), check.id);
    if (m.ok) {
      if (m.undecided) undecided++;
      const ratio = m.tolerance > 0 ? m.error / m.tolerance : m.error === 0 ? 0 : Number.POSITIVE_INFINITY;
      if (!(ratio <= worst.ratio)) worst = { ratio, error: m.error, tolerance: m.tolerance };
      if (m.tolerance > 0) ratios.push(ratio);
      return true;
    }
    lastFailure = m;
    return false;
  });
  const params: fc.Parameters<[V]> = { seed: options.seed, numRuns };
  if (options.path !== undefined) Object.assign(params, { path: options.path, endOnFailure: true });
  const details = fc.check(property, params);
  const base = {
    check: check.id,
    claim: check.claim,
    expect: check.expect,
    arithmetic: check.arithmetic,
    variant: check.variant,
    cases: details.numRuns,
    worst,
    seed: options.seed,
    ...(ratios.length > 0 ? { ratios } : {}),
  };
  if (!details.failed) {
    if (expectFail) {
      if (nonFinite > 0) {
        return {
          ...base,
          verdict: 'fail',
          errored: true,
          message: `error: ${nonFinite} of ${details.numRuns} cases of the excluded variant '${check.variant}' measured a non-finite error (never a counterexample); no finite violation found`,
        };
      }
      return {
        ...base,
        verdict: 'fail',
        message: `expected a counterexample for the excluded variant '${check.variant}', none found in ${details.numRuns} cases`,
      };
    }
    return { ...base, verdict: 'pass', message: `${details.numRuns} cases${undecided > 0 ? `, ${undecided} undecided (not smooth on the difference stencil, or at a kink)` : ''}` };
  }
  const shrunk = details.counterexample?.[0] as V;
  // Measure the shrunk case again: the last failure seen is the shrunk one, but be explicit.
  // Whether the predicate throws is decided on the shrunk case itself.
  let measurement: Measurement;
  let threw = false;
  let thrown: unknown;
  try {
    measurement = shrunk === undefined ? (lastFailure ?? errorMeasurement('no value')) : check.measure(shrunk);
  } catch (e) {
    threw = true;
    thrown = e;
    measurement = errorMeasurement(String(e));
  }
  const counterexample = {
    value: shrunk === undefined ? null : check.describe ? check.describe(shrunk) : shrunk,
    measurement,
    seed: details.seed,
    path: details.counterexamplePath ?? '',
    shrinks: details.numShrinks,
    replay: replayCommand({ check: check.id, seed: details.seed, path: details.counterexamplePath ?? '', scale: options.scale, loss: check.lossSpec }),
  };
  if (expectFail && !threw && isViolation(measurement)) {
    return {
      ...base,
      verdict: 'expected-fail',
      counterexample,
      message: `excluded variant '${check.variant}' fails as the theory says (error ${fmt(measurement.error)} > tol ${fmt(measurement.tolerance)})`,
    };
  }
  const broken = threw || (expectFail && !isViolation(measurement));
  return {
    ...base,
    verdict: 'fail',
    ...(broken ? { errored: true } : {}),
    counterexample,
    message: threw
      ? `error: the predicate threw: ${String(thrown)}`
      : broken
        ? `error: the shrunk case of the excluded variant measured a non-finite error ${fmt(measurement.error)} (never a counterexample)`
      : `error ${fmt(measurement.error)} > tolerance ${fmt(measurement.tolerance)}${measurement.derivation ? ` (${measurement.derivation})` : ''}`,
  };
}

function errorMeasurement(note: string): Measurement {
  return { ok: false, error: Number.NaN, tolerance: Number.NaN, note };
}

/**
 * docs/theory.md §3: a registered measured contradiction is `known-fail`; if it stops failing,
 * `fail`. A check that threw stays an error (`fail`), whatever the registry says.
 */
function applyKnownFail(result: CheckResult): CheckResult {
  const known = knownFailFor(result.check);
  if (!known || result.errored) return result;
  if (result.verdict === 'fail') {
    return { ...result, verdict: 'known-fail', message: `known-fail (${known.evidence}): ${result.message}` };
  }
  if (result.verdict === 'pass' || result.verdict === 'expected-fail') {
    return {
      ...result,
      verdict: 'fail',
      message: `registered as known-fail (${known.evidence}) but it no longer fails: update the registry`,
    };
  }
  return result;
}

export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(3) : x.toExponential(2);
}
