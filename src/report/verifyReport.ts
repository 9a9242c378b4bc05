/**
 * The shape of report.json of `covcheck verify` (one data object; report.md, junit.xml and the
 * replay files are derived from it by report/verify.ts and report/markdown.ts).
 */
import type { ClaimRecord, Measurement, Scale, Verdict, VerifyScale } from '../runner/check.js';

/** What a replay file holds: enough for `covcheck replay FILE`. */
export interface ReplayData {
  readonly check: string;
  readonly seed: number;
  readonly path: string;
  readonly scale: Scale;
  /** The `--loss` text of a loss-dependent check (absent otherwise). */
  readonly loss?: string;
}

export interface ReportCounterexample extends ReplayData {
  readonly value: unknown;
  readonly measurement: Measurement;
  readonly shrinks: number;
  readonly replay: string;
}

export interface ReportCheck {
  readonly check: string;
  readonly claim: string;
  readonly title: string;
  readonly variant: string;
  readonly arithmetic: string;
  readonly expect: 'hold' | 'fail';
  readonly verdict: Verdict;
  readonly cases: number;
  readonly worst: { readonly ratio: number; readonly error: number; readonly tolerance: number };
  readonly seed: number;
  readonly message: string;
  readonly statistic?: Readonly<Record<string, number | string | boolean>>;
  readonly counterexample?: ReportCounterexample;
  /** Plot files of this check, relative to the run folder. */
  readonly plots?: readonly string[];
}

export interface VerifyReport {
  readonly tool: 'covcheck';
  readonly command: 'verify';
  readonly version: string;
  readonly node: string;
  readonly backend: string;
  readonly seed: number;
  readonly scale: VerifyScale;
  /** --runs override, null if each check used its own count. */
  readonly runs: number | null;
  readonly filters: { readonly claims: readonly string[] | null; readonly check: string | null };
  /** 0 nothing failed, 1 a check failed. */
  readonly exitCode: 0 | 1;
  readonly summary: { readonly checks: number } & Readonly<Record<Verdict, number>>;
  readonly claims: readonly ClaimRecord[];
  readonly checks: readonly ReportCheck[];
}

/** What a run knows before its checks run; `claims`: the records of the selected checks. */
export type VerifyRunInfo = Pick<VerifyReport, 'version' | 'node' | 'backend' | 'seed' | 'scale' | 'runs' | 'filters' | 'claims'>;
