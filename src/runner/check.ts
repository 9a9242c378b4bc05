/**
 * A claim is plain data (docs/theory.md §2): id, statement, the variants it holds for and breaks with.
 * A check is one executable property of a claim, in one arithmetic, for one variant; vitest
 * (properties/*.test.ts) and the CLI (`covcheck verify`) run the same checks through `runCheck`.
 */
import type * as fc from 'fast-check';

export type ClaimId = `C${number}`;
export type ClaimKind = 'exact' | 'expectation' | 'statistical';
export type Scale = 'ci' | 'full';
/**
 * verify's `--scale`: a Scale of the checks, or `large`: C11 and C12 at the size of `--preset large`
 * (properties/claims/largeScale.ts, docs/gpu.md), whose checks run with their `full` configuration.
 */
export type VerifyScale = Scale | 'large';

/** The Scale the checks of a verify scale run at (`large` → `full`). */
export function checkScale(s: VerifyScale): Scale {
  return s === 'large' ? 'full' : s;
}
/**
 * `skipped`: the check cannot run at this scale (a stated reason in the message, e.g. decided only
 * at full scale); it is neither a pass nor a fail, and reports and vitest show it as skipped.
 */
export type Verdict = 'pass' | 'fail' | 'expected-fail' | 'known-fail' | 'inconclusive' | 'skipped';

export interface ClaimRecord {
  readonly id: ClaimId;
  readonly title: string;
  readonly statement: string;
  /** Where it is stated: docs/theory.md section and the paper. */
  readonly section: string;
  readonly kind: ClaimKind;
  readonly holdsFor: readonly string[];
  readonly breaksWith: readonly string[];
}

/** What a predicate measured on one generated case. */
export interface Measurement {
  readonly ok: boolean;
  /** The violation (0 when exact and equal). */
  readonly error: number;
  /** The derived tolerance the error is compared with (0 for rational `===`). */
  readonly tolerance: number;
  /** How the tolerance was derived (printed with a failure). */
  readonly derivation?: string;
  readonly note?: string;
  /**
   * The case could not be decided (e.g. finite differences that disagree at first order: the
   * function is not smooth on the stencil). It passes, but the runner counts it in the result's
   * message, so a check that decides few of its cases shows it.
   */
  readonly undecided?: boolean;
}

export interface RunOptions {
  readonly seed: number;
  /** The run's base seed (`verify --seed`), shared by every check: experiments whose checks must
   * share training runs (C11, C12) derive their seeds from it rather than from `seed`. */
  readonly baseSeed?: number;
  readonly scale: Scale;
  /** Overrides the check's own number of runs. */
  readonly numRuns?: number;
  /** Replays one fast-check path (with the same seed). */
  readonly path?: string;
  /** Called now and then with a fraction done (0..1) and a short message. */
  readonly onProgress?: (fraction: number, message: string) => void;
}

export interface Counterexample {
  /** JSON-able description of the shrunk case (the case format where it applies). */
  readonly value: unknown;
  readonly measurement: Measurement;
  readonly seed: number;
  readonly path: string;
  readonly shrinks: number;
  /** The command that replays it. */
  readonly replay: string;
}

export interface CheckResult {
  readonly check: string;
  readonly claim: ClaimId;
  readonly verdict: Verdict;
  readonly expect: 'hold' | 'fail';
  readonly arithmetic: string;
  readonly variant: string;
  readonly cases: number;
  /** Largest error/tolerance ratio seen over the passing cases (NaN if none), and its parts. */
  readonly worst: { readonly ratio: number; readonly error: number; readonly tolerance: number };
  readonly seed: number;
  readonly counterexample?: Counterexample;
  /** Statistical checks: the test that decided it. */
  readonly statistic?: Readonly<Record<string, number | string | boolean>>;
  readonly message: string;
  /** Milliseconds; excluded from report.json (byte-identical reports), kept in timing.json. */
  readonly ms: number;
  /** error/tolerance of every passing float case (for the margin histogram; not in report.json). */
  readonly ratios?: readonly number[];
  /** Optional artefacts (SVG plots) keyed by file name. */
  readonly plots?: Readonly<Record<string, string>>;
  /**
   * True when the verdict comes from a predicate or check that threw (or measured a non-finite
   * error where a counterexample was expected): always `fail`, never known-fail, expected-fail or a
   * caught mutant. Not written to report.json (the message says it).
   */
  readonly errored?: boolean;
}

interface CheckBase {
  /** Unique, stable id, e.g. "C1/rational/tree-layer". */
  readonly id: string;
  readonly claim: ClaimId;
  readonly title: string;
  /** The variant under test ("bias-free relu", "bias", "tanh", ...). */
  readonly variant: string;
  /** 'hold': the theory says it holds; 'fail': a variant the theory excludes (expected-fail). */
  readonly expect: 'hold' | 'fail';
  readonly arithmetic: 'rational' | 'float64' | 'float32' | 'monte-carlo' | 'enumeration' | 'statistical';
  /** The `--loss` text a loss-dependent check was made for; its replay command passes it back. */
  readonly lossSpec?: string;
}

/** A fast-check property: generator, measured predicate, tolerance inside the measurement. */
export interface PropertyCheck<V> extends CheckBase {
  readonly type: 'property';
  readonly runs: { readonly ci: number; readonly full: number };
  arbitrary(scale: Scale): fc.Arbitrary<V>;
  measure(value: V): Measurement;
  /** JSON-able form of a case for reports and replay files. */
  describe?(value: V): unknown;
}

/** A check that decides itself (statistical tests, sweeps): it returns its own result. */
export interface CustomCheck extends CheckBase {
  readonly type: 'custom';
  run(options: RunOptions): Promise<Omit<CheckResult, 'ms'>> | Omit<CheckResult, 'ms'>;
}

export type Check = PropertyCheck<any> | CustomCheck;
