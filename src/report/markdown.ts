/**
 * report.md: the verify report as GitHub-flavoured Markdown, fit for a CI job summary
 * ($GITHUB_STEP_SUMMARY). Plain words, no emoji; deterministic (no times).
 */
import type { ReportCheck, VerifyReport } from './verifyReport.js';
import { counterexamplePath } from './runFiles.js';
import { byClaim } from './claimOrder.js';
import { VERDICTS } from './verdicts.js';
import { prettyJson } from './json.js';

/**
 * Renders the report (issue 8 §6): the verdict and the failures first, then a per-claim summary,
 * then the per-check table (messages cut to one short line); long details (messages of the other
 * verdicts, counterexample values, plots, claim statements) in collapsible <details> blocks.
 * Plot and counterexample paths are relative to the run folder (the uploaded artifact).
 */
export function verifyMarkdown(r: VerifyReport): string {
  const s = r.summary;
  const out: string[] = [];
  out.push(`# covcheck verify: ${r.exitCode === 0 ? 'PASSED' : 'FAILED'}`, '');
  out.push(
    `${s.checks} checks: ${VERDICTS.map((v) => `${s[v]} ${v}`).join(', ')}.`,
    '',
    `Seed ${r.seed}, scale ${r.scale}${r.runs !== null ? `, ${r.runs} runs per check` : ''}, backend ${r.backend}, covcheck ${r.version}, node ${r.node}.` +
      (r.filters.claims ? ` Claims: ${r.filters.claims.join(', ')}.` : '') +
      (r.filters.check ? ` Checks matching "${r.filters.check}".` : ''),
    '',
  );
  const failures = r.checks.filter((c) => c.verdict === 'fail');
  if (failures.length > 0) {
    out.push(`## Failures (${failures.length})`, '');
    for (const c of failures) out.push(...failureSection(c));
  }
  if (r.checks.length > 0) {
    out.push('## Claims', '', `| Claim | Checks | ${VERDICTS.join(' | ')} |`, `|---|---:|${VERDICTS.map(() => '---:').join('|')}|`);
    for (const [claim, cs] of byClaim(r.checks)) {
      const n = (v: string) => cs.filter((c) => c.verdict === v).length;
      out.push(`| ${cell(claim)} | ${cs.length} | ${VERDICTS.map((v) => (v === 'fail' && n(v) > 0 ? `**${n(v)}**` : String(n(v)))).join(' | ')} |`);
    }
    out.push('', '## Checks', '');
    out.push('| Claim | Check | Verdict | Cases | Error / tolerance | Message |');
    out.push('|---|---|---|---:|---|---|');
    for (const c of r.checks) {
      const verdict = c.verdict === 'fail' ? '**FAIL**' : c.verdict;
      out.push(`| ${cell(c.claim)} | ${cell(c.check)} | ${verdict} | ${c.cases} | ${cell(errorText(c))} | ${cell(clipOneLine(c.message, MESSAGE_MAX))} |`);
    }
    out.push('');
  }
  const others = r.checks.filter((c) => c.verdict !== 'pass' && c.verdict !== 'fail');
  if (others.length > 0) {
    out.push(`<details><summary>Details of ${others.length} expected-fail, known-fail and inconclusive checks</summary>`, '');
    for (const c of others) out.push(...detailSection(c));
    out.push('</details>', '');
  }
  const plots = r.checks.flatMap((c) => c.plots ?? []);
  if (plots.length > 0) {
    out.push(`<details><summary>${plots.length} plots (in the run folder)</summary>`, '', ...plots.map((p) => `- [${p}](${p})`), '', '</details>', '');
  }
  if (r.claims.length > 0) {
    out.push('<details><summary>The claims</summary>', '');
    for (const cl of r.claims) {
      out.push(`### ${cl.id}: ${cl.title} (${cl.kind})`, '', cl.statement, '');
      if (cl.holdsFor.length) out.push(`Holds for: ${cl.holdsFor.join('; ')}.`, '');
      if (cl.breaksWith.length) out.push(`Breaks with: ${cl.breaksWith.join('; ')}.`, '');
      out.push(`Source: ${cl.section}.`, '');
    }
    out.push('</details>', '');
  }
  out.push('Verdicts: pass (holds); fail (a counterexample, or an excluded variant that did not fail); expected-fail (an excluded variant failed, as the theory says); known-fail (a registered measured contradiction, still reproducing); inconclusive (out of budget or too noisy to decide). Only fail makes the run fail.');
  return out.join('\n') + '\n';
}

/** A message in the per-check table is cut to this many characters (the full one is in a details block). */
const MESSAGE_MAX = 160;
/** A counterexample value in report.md is cut to this many characters (the full one is in counterexamples/). */
const VALUE_MAX = 2000;

function failureSection(c: ReportCheck): string[] {
  const cx = c.counterexample;
  const out = [`### ${c.check}`, '', c.message, ''];
  if (!cx) return out;
  const m = cx.measurement;
  out.push(
    `Error ${m.error} vs tolerance ${m.tolerance}${m.derivation ? ` (${m.derivation})` : ''}${m.note ? `; note: ${m.note}` : ''}; ${cx.shrinks} shrinks.`,
    '',
    'Replay:',
    '',
    '```sh',
    cx.replay,
    '```',
    '',
    ...valueBlock(c),
  );
  return out;
}

function detailSection(c: ReportCheck): string[] {
  const out = [`#### ${c.check} (${c.verdict})`, '', c.message, ''];
  if (c.counterexample) out.push(...valueBlock(c));
  return out;
}

function valueBlock(c: ReportCheck): string[] {
  const cx = c.counterexample!;
  const json = prettyJson({ check: cx.check, seed: cx.seed, scale: cx.scale, value: cx.value });
  const text = json.length > VALUE_MAX ? `${json.slice(0, VALUE_MAX)}\n… (cut; the whole case is in ${counterexamplePath(c.check)})` : json;
  return ['<details><summary>Counterexample</summary>', '', '```json', text, '```', '', '</details>', ''];
}

/** `s` on one line, cut to `max` characters with an ellipsis. */
export function clipOneLine(s: string, max: number): string {
  const one = s.replace(/\s*\n\s*/g, ' ');
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

/**
 * The table's error column: a counterexample's "error > tolerance", else the worst passing case.
 */
export function errorText(c: Pick<ReportCheck, 'worst' | 'counterexample'>): string {
  const m = c.counterexample?.measurement;
  if (m) return Number.isNaN(m.error) ? 'error' : `${num(m.error)} > ${num(m.tolerance)}`;
  return worstText(c.worst);
}

/** "3.1e-16 / 2.2e-14", "exact" (0 with tolerance 0) or "-" when nothing was measured. */
export function worstText(w: { ratio: number; error: number; tolerance: number }): string {
  if (Number.isNaN(w.ratio)) return '-';
  if (w.error === 0 && w.tolerance === 0) return 'exact';
  return `${num(w.error)} / ${num(w.tolerance)}`;
}

function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(3) : x.toExponential(2);
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}
