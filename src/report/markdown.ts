/**
 * report.md: the verify report as GitHub-flavoured Markdown, fit for a CI job summary
 * ($GITHUB_STEP_SUMMARY). Plain words, no emoji; deterministic (no times).
 */
import type { ReportCheck, VerifyReport } from './verifyReport.js';
import { VERDICTS } from './verdicts.js';
import { prettyJson } from './json.js';

/** Renders the report. */
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
  if (r.checks.length > 0) {
    out.push('| Claim | Check | Verdict | Cases | Error / tolerance | Seed | Message |');
    out.push('|---|---|---|---:|---|---:|---|');
    for (const c of r.checks) {
      const verdict = c.verdict === 'fail' ? '**FAIL**' : c.verdict;
      out.push(`| ${cell(c.claim)} | ${cell(c.check)} | ${verdict} | ${c.cases} | ${cell(errorText(c))} | ${c.seed} | ${cell(c.message)} |`);
    }
    out.push('');
  }
  const withCx = r.checks.filter((c) => c.counterexample);
  if (withCx.length > 0) {
    out.push('## Counterexamples', '');
    for (const c of withCx) out.push(...counterexampleSection(c));
  }
  const plots = r.checks.flatMap((c) => c.plots ?? []);
  if (plots.length > 0) {
    out.push('## Plots', '', ...plots.map((p) => `- [${p}](${p})`), '');
  }
  if (r.claims.length > 0) {
    out.push('## Claims', '');
    for (const cl of r.claims) {
      out.push(`### ${cl.id}: ${cl.title} (${cl.kind})`, '', cl.statement, '');
      if (cl.holdsFor.length) out.push(`Holds for: ${cl.holdsFor.join('; ')}.`, '');
      if (cl.breaksWith.length) out.push(`Breaks with: ${cl.breaksWith.join('; ')}.`, '');
      out.push(`Source: ${cl.section}.`, '');
    }
  }
  out.push('Verdicts: pass (holds); fail (a counterexample, or an excluded variant that did not fail); expected-fail (an excluded variant failed, as the theory says); known-fail (a registered measured contradiction, still reproducing); inconclusive (out of budget or too noisy to decide). Only fail makes the run fail.');
  return out.join('\n') + '\n';
}

function counterexampleSection(c: ReportCheck): string[] {
  const cx = c.counterexample!;
  const m = cx.measurement;
  return [
    `### ${c.check} (${c.verdict})`,
    '',
    `${c.message}`,
    '',
    `Error ${m.error} vs tolerance ${m.tolerance}${m.derivation ? ` (${m.derivation})` : ''}${m.note ? `; note: ${m.note}` : ''}; ${cx.shrinks} shrinks.`,
    '',
    'Replay:',
    '',
    '```sh',
    cx.replay,
    '```',
    '',
    '```json',
    prettyJson({ check: cx.check, seed: cx.seed, path: cx.path, scale: cx.scale, value: cx.value }),
    '```',
    '',
  ];
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
