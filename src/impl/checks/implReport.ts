/**
 * The report folder of an `--impl` run (verify, compare), like every other run's
 * (src/report/write.ts writeRunFolder: built in a temporary folder and renamed, all or nothing;
 * `<reportDir>/latest/<command>` points at it): `runs/<command>-impl-<implementation>-seed<S>-<hash>/`
 *   report.json   implementation, dtype, command line, seed, runs, and per check its verdict, cases,
 *                 note and the failing measurement (no times: byte-identical for the same answers);
 *   report.md     the verdict table and the failures with their tolerance derivations;
 *   junit.xml     one testcase per check (src/report/junit.ts), not-run as skipped;
 *   cases/<check>.case.json   the failing case of every failing check (feed it to your code,
 *                 or `covcheck replay --impl COMMAND FILE`).
 */
import type { CheckResult, ClaimId } from '../../runner/check.js';
import { junitXml } from '../../report/junit.js';
import { reportJson } from '../../report/json.js';
import { runFolderName, slug, writeRunFolder } from '../../report/write.js';
import { formatImplRun, type ImplRun } from './runImplChecks.js';

export interface ImplReportContext {
  readonly command: 'verify' | 'compare';
  readonly implCommand: string;
  readonly seed: number;
  readonly runs: number | null;
  readonly version: string;
}

const caseFile = (id: string) => `cases/${slug(id)}.case.json`;

export function implReportFiles(run: ImplRun, c: ImplReportContext): Record<string, string> {
  const failed = run.results.filter((r) => r.verdict === 'fail');
  const report = {
    covcheck: c.version,
    command: `${c.command} --impl`,
    implementation: { name: run.name, dtype: run.dtype, command: c.implCommand },
    seed: c.seed,
    runs: c.runs,
    exitCode: failed.length > 0 ? 1 : 0,
    checks: run.results.map((r) => ({
      id: r.id,
      claim: r.claim,
      verdict: r.verdict,
      cases: r.cases,
      skipped: r.skipped,
      ...(r.note ? { note: r.note } : {}),
      ...(r.failure ? { failure: { ...r.failure.measurement, case: caseFile(r.id) } } : {}),
    })),
  };
  const junit: CheckResult[] = run.results.map((r) => ({
    check: r.id,
    claim: r.claim as ClaimId,
    verdict: r.verdict === 'not-run' ? 'skipped' : r.verdict,
    expect: 'hold',
    arithmetic: run.dtype,
    variant: run.name,
    cases: r.cases,
    worst: { ratio: Number.NaN, error: r.failure?.measurement.error ?? Number.NaN, tolerance: r.failure?.measurement.tolerance ?? Number.NaN },
    seed: c.seed,
    message: r.failure ? `error ${r.failure.measurement.error} > tolerance ${r.failure.measurement.tolerance}: ${r.failure.measurement.note ?? ''} (case: ${caseFile(r.id)})` : (r.note ?? `${r.cases} cases`),
    ms: 0,
  }));
  const md = [`# covcheck ${c.command} --impl: ${run.name}`, '', `Implementation \`${c.implCommand}\` (${run.dtype}), seed ${c.seed}.`, '', '```', formatImplRun({ ...run, results: run.results.map(({ timing: _t, ...r }) => r) }), '```', ''];
  for (const r of failed) md.push(`Failing case of ${r.id}: \`${caseFile(r.id)}\` — \`covcheck replay --impl '${c.implCommand}' ${caseFile(r.id)}\``, '');
  const files: Record<string, string> = {
    'report.json': reportJson(report),
    'report.md': md.join('\n'),
    'junit.xml': junitXml(junit, { name: `covcheck ${c.command} --impl ${run.name} seed ${c.seed}`, times: false }),
  };
  for (const r of failed) files[caseFile(r.id)] = `${JSON.stringify(r.failure!.case, null, 1)}\n`;
  return files;
}

/** Writes the run folder; returns its path. */
export async function writeImplReport(reportDir: string, run: ImplRun, c: ImplReportContext): Promise<string> {
  const name = runFolderName([c.command, 'impl', slug(run.name), `seed${c.seed}`], { runs: c.runs, command: c.implCommand });
  return (await writeRunFolder(reportDir, name, implReportFiles(run, c), { command: c.command })).dir;
}
