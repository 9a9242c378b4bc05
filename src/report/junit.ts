/**
 * JUnit XML for CI test-report widgets: one <testsuite> per claim, one <testcase> per check.
 * fail → <failure>; inconclusive → <skipped>; pass, expected-fail and known-fail pass
 * (the latter two with a <system-out> note saying so).
 */
import type { CheckResult } from '../runner/check.js';
import { compactJson } from './json.js';
import { byClaim } from './claimOrder.js';
import { counterexamplePath } from './runFiles.js';

/** A replay command longer than this is given as its counterexample file instead. */
const REPLAY_MAX = 200;

export interface JunitOptions {
  /** The <testsuites name>, e.g. "covcheck verify seed 42 ci". */
  readonly name: string;
  /** Include time="…" attributes from each result's ms (default true). */
  readonly times?: boolean;
}

/** The junit.xml text for a list of check results (in their order). */
export function junitXml(results: readonly CheckResult[], options: JunitOptions): string {
  const times = options.times !== false;
  const suites = byClaim(results); // claim order: C1, C2, …, C10 (issue 8 §6)
  const count = (rs: readonly CheckResult[], v: string) => rs.filter((r) => r.verdict === v).length;
  const time = (rs: readonly CheckResult[]) => (times ? ` time="${seconds(rs.reduce((s, r) => s + r.ms, 0))}"` : '');
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="${esc(options.name)}" tests="${results.length}" failures="${count(results, 'fail')}" errors="0" skipped="${count(results, 'inconclusive')}"${time(results)}>`,
  );
  for (const [claim, rs] of suites) {
    out.push(
      `  <testsuite name="${esc(claim)}" tests="${rs.length}" failures="${count(rs, 'fail')}" errors="0" skipped="${count(rs, 'inconclusive')}"${time(rs)}>`,
    );
    for (const r of rs) out.push(...testcase(r, times));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

function testcase(r: CheckResult, times: boolean): string[] {
  const open = `    <testcase classname="${esc(r.claim)}" name="${esc(r.check)}"${times ? ` time="${seconds(r.ms)}"` : ''}`;
  const cx = r.counterexample;
  // Short lines only: the case itself is in counterexamples/<check>.json of the run folder, and a
  // replay command longer than REPLAY_MAX (a long --path) is replaced by that file's name.
  const details = [
    r.message,
    `variant: ${r.variant}; arithmetic: ${r.arithmetic}; expect: ${r.expect}; cases: ${r.cases}; seed: ${r.seed}`,
    ...(cx
      ? [
          `replay: ${cx.replay.length <= REPLAY_MAX ? cx.replay : `covcheck replay ${counterexamplePath(r.check)} (in the run folder)`}`,
          `counterexample: ${counterexamplePath(r.check)}`,
          `measurement: error ${cx.measurement.error}, tolerance ${cx.measurement.tolerance}`,
        ]
      : []),
    ...(r.statistic ? [`statistic: ${compactJson(r.statistic)}`] : []),
  ].join('\n');
  switch (r.verdict) {
    case 'pass':
      return [`${open}/>`];
    case 'fail':
      return [`${open}>`, `      <failure message="${esc(r.message)}" type="fail">${esc(details)}</failure>`, '    </testcase>'];
    case 'inconclusive':
      return [`${open}>`, `      <skipped message="${esc(`inconclusive: ${r.message}`)}"/>`, '    </testcase>'];
    case 'expected-fail':
    case 'known-fail':
      return [`${open}>`, `      <system-out>${esc(`${r.verdict} (counts as a pass): ${noteDetails(details)}`)}</system-out>`, '    </testcase>'];
  }
}

/** A line of a note is cut to this many characters (the whole text is in report.json and report.md). */
const NOTE_LINE_MAX = 400;

/** The details of a passing expected-fail/known-fail note, each line cut to NOTE_LINE_MAX. */
function noteDetails(details: string): string {
  return details
    .split('\n')
    .map((l) => (l.length <= NOTE_LINE_MAX ? l : `${l.slice(0, NOTE_LINE_MAX - 1)}… (cut; whole in report.json)`))
    .join('\n');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Escapes text for XML attributes and content, dropping characters XML 1.0 forbids. */
export function esc(s: string): string {
  return s
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
