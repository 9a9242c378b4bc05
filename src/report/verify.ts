/**
 * The `covcheck verify` report: one data object (report.json) and the files derived from it
 * (report.md, junit.xml, timing.json, plots/*.svg, counterexamples/*.json).
 * report.json holds no timestamps or durations, so the same seed gives byte-identical files;
 * durations go to timing.json.
 */
import { checkScale, type Check, type CheckResult, type Scale, type Verdict } from '../runner/check.js';
import { jsonSafe, reportJson } from './json.js';
import { junitXml } from './junit.js';
import { verifyMarkdown } from './markdown.js';
import { counterexamplePath, plotPath } from './runFiles.js';
import { VERDICTS } from './verdicts.js';
import { replayCommand as buildReplayCommand } from '../runner/replayCommand.js';
import type { ReportCheck, VerifyReport, VerifyRunInfo } from './verifyReport.js';

export { VERDICTS, counterexamplePath, plotPath };

/** Counts of each verdict. */
export function summarize(results: readonly { verdict: Verdict }[]): VerifyReport['summary'] {
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const r of results) counts[r.verdict]++;
  return { checks: results.length, ...counts };
}

/** The replay command for a counterexample (src/runner/replayCommand.ts: quoted, --scale full and --loss where needed). */
export function replayCommand(check: string, seed: number, path: string, scale: Scale, loss?: string): string {
  return buildReplayCommand({ check, seed, path, scale, loss });
}

/** Assembles the report data from the run's results (paired with their checks, same order). */
export function buildVerifyReport(
  info: VerifyRunInfo,
  results: readonly { readonly check: Check | undefined; readonly result: CheckResult }[],
): VerifyReport {
  const checks: ReportCheck[] = results.map(({ check, result: r }) => {
    const cx = r.counterexample;
    return {
      check: r.check,
      claim: r.claim,
      title: check?.title ?? r.check,
      variant: r.variant,
      arithmetic: r.arithmetic,
      expect: r.expect,
      verdict: r.verdict,
      cases: r.cases,
      worst: r.worst,
      seed: r.seed,
      message: r.message,
      ...(r.statistic ? { statistic: r.statistic } : {}),
      ...(cx
        ? {
            counterexample: {
              check: r.check,
              seed: cx.seed,
              path: cx.path,
              scale: checkScale(info.scale),
              ...(check?.lossSpec !== undefined ? { loss: check.lossSpec } : {}),
              value: jsonSafe(cx.value),
              measurement: cx.measurement,
              shrinks: cx.shrinks,
              replay: replayCommand(r.check, cx.seed, cx.path, checkScale(info.scale), check?.lossSpec),
            },
          }
        : {}),
      ...(r.plots && Object.keys(r.plots).length > 0 ? { plots: Object.keys(r.plots).map((f) => plotPath(r.check, f)) } : {}),
    };
  });
  const summary = summarize(checks);
  return {
    tool: 'covcheck',
    command: 'verify',
    version: info.version,
    node: info.node,
    backend: info.backend,
    seed: info.seed,
    scale: info.scale,
    runs: info.runs,
    filters: info.filters,
    exitCode: summary.fail > 0 ? 1 : 0,
    summary,
    claims: info.claims,
    checks,
  };
}

/** Every file of a verify run folder, keyed by relative path. */
export function verifyReportFiles(report: VerifyReport, results: readonly CheckResult[]): Record<string, string> {
  const files: Record<string, string> = {
    'report.json': reportJson(report),
    'report.md': verifyMarkdown(report),
    'junit.xml': junitXml(results, { name: `covcheck verify seed ${report.seed} ${report.scale}` }),
    'timing.json': reportJson({
      total_ms: results.reduce((s, r) => s + r.ms, 0),
      checks: Object.fromEntries(results.map((r) => [r.check, r.ms])),
    }),
  };
  for (const c of report.checks) {
    if (c.counterexample) {
      const { check, seed, path, scale, loss, replay, value, measurement, shrinks } = c.counterexample;
      files[counterexamplePath(c.check)] = reportJson({ check, seed, path, scale, ...(loss !== undefined ? { loss } : {}), verdict: c.verdict, replay, value, measurement, shrinks });
    }
  }
  for (const r of results) {
    for (const [file, svg] of Object.entries(r.plots ?? {})) files[plotPath(r.check, file)] = svg;
  }
  return files;
}
