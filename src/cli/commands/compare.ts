/**
 * `covcheck compare --loss A --loss B [...]`: runs the loss-dependent claim checks (C2, C6, C7;
 * the registry's `lossChecks`) for every loss and prints a table, one row per claim
 * check, one column per loss (verdict and worst error/tolerance); the same table goes to the report
 * folder (compare.md, compare.json, plots/).
 * Exit codes: 0 nothing failed, 1 a claim check failed for some loss, 2 bad input.
 */
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import type { Check, CheckResult, Scale } from '../../runner/check.js';
import type { Registry } from '../../runner/registry.js';
import { fmt, runCheck } from '../../runner/run.js';
import { deriveSeed } from '../../numeric/random.js';
import { BUILTIN_SPEC_HELP, familyOf, isPluginFileSpec, lossLabel, resolveLossSpec } from '../../losses/plugin/index.js';
import { isolatedLossChecks, type IsolatedLossChecks } from '../../pool/pluginChecks.js';
import { DEFAULT_PLUGIN_LIMITS, type PluginLimits } from '../../pool/pluginRun.js';
import { parsePluginLimits, pluginFlags, type PluginRaw } from '../pluginOptions.js';
import type { Loss } from '../../losses/loss.js';
import type { CliContext } from '../context.js';
import { parseChoice, parseIntOption, progressAllowed, reportDirOption, SEED_MAX, SEED_MIN } from '../options.js';
import { createProgress } from '../progress.js';
import { renderTable } from '../table.js';
import { runFolderName, slug, writeRunFolder } from '../../report/write.js';
import { implFlags, runImplFlag, type ImplRaw } from '../implOption.js';
import { reportJson } from '../../report/json.js';

interface RawOptions extends PluginRaw {
  loss?: string[];
  runs?: string;
  seed: string;
  scale: string;
  reportDir: string;
  report: boolean;
  json?: boolean;
  progress: boolean;
  trends: boolean;
}

export interface CompareOptions {
  readonly losses: readonly string[];
  readonly runs: number | null;
  readonly seed: number;
  readonly scale: Scale;
  readonly reportDir: string | null;
  readonly json: boolean;
  readonly progress: boolean;
  readonly trends: boolean;
  /** --plugin-timeout, --plugin-memory (plugin files run isolated). */
  readonly pluginLimits?: PluginLimits;
}

export interface CompareRow {
  readonly claim: string;
  /** The check without the loss part: "C6/float64/balance". */
  readonly check: string;
  readonly cells: readonly ({ readonly verdict: string; readonly ratio: number; readonly error: number; readonly arithmetic: string; readonly message: string; readonly id: string } | null)[];
}

export interface CompareReport {
  readonly tool: 'covcheck';
  readonly command: 'compare';
  readonly version: string;
  readonly seed: number;
  readonly scale: Scale;
  readonly runs: number | null;
  readonly losses: readonly { readonly spec: string; readonly label: string; readonly rational: boolean; readonly perTuple: boolean }[];
  readonly rows: readonly CompareRow[];
  readonly exitCode: 0 | 1;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Registers `covcheck compare`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('compare')
    .description('run the loss-dependent claims (C2, C6, C7) for several losses and tabulate claim × loss × verdict')
    .option('--loss <spec>', `a loss, repeatable: ${BUILTIN_SPEC_HELP}`, collect)
    .option('--runs <n>', "cases per property check (default: each check's own count)")
    .option('--seed <n>', 'base seed', '42')
    .option('--scale <scale>', 'ci or full', 'ci')
    .option('--report-dir <dir>', 'where runs/<name>/ and latest/compare (a link to the newest run) are written', 'reports')
    .option('--no-report', 'write no report files')
    .option('--no-trends', 'skip the large-τ limit and trend checks (the slow ones)')
    .option('--json', 'print compare.json on stdout (the table goes to stderr)')
    .option('--no-progress', 'never draw a progress bar')
    .addOption(implFlags.impl())
    .addOption(implFlags.timeout())
    .addOption(pluginFlags.timeout())
    .addOption(pluginFlags.memory())
    .addHelpText(
      'after',
      '\nExample: covcheck compare --loss nce:tau=0.1 --loss ./my-loss.ts --loss builtin:unbalanced\n' +
        'Exit codes: 0 nothing failed, 1 a claim check failed for some loss, 2 bad input.',
    )
    .action(async (raw: RawOptions & Pick<ImplRaw, 'impl' | 'implTimeout'>) => {
      if (raw.impl !== undefined) return void (ctx.exitCode = await runImplFlag(raw, ctx, raw.report ? raw.reportDir : null, undefined, 'compare'));
      const o = parseCompareOptions(raw, ctx);
      ctx.exitCode = await runCompare(o, ctx);
    });
}

export function parseCompareOptions(raw: RawOptions, ctx: CliContext): CompareOptions {
  const losses = (raw.loss ?? []).map((s) => s.trim());
  if (losses.length === 0) throw new InputError('--loss', 'give at least one loss (repeat --loss to compare several), e.g. --loss nce --loss ./my-loss.ts');
  if (losses.some((s) => s === '')) throw new InputError('--loss', 'an empty loss spec');
  const dup = losses.find((s, i) => losses.indexOf(s) !== i);
  if (dup !== undefined) throw new InputError('--loss', `${JSON.stringify(dup)} is given twice`);
  const seed = parseIntOption('--seed', raw.seed, SEED_MIN, SEED_MAX);
  const scale = parseChoice<Scale>('--scale', raw.scale, ['ci', 'full']);
  const runs = raw.runs === undefined ? null : parseIntOption('--runs', raw.runs, 1, 10_000_000);
  const reportDir = reportDirOption(raw.reportDir, raw.report, ctx.cwd);
  return {
    losses,
    runs,
    seed,
    scale,
    reportDir,
    json: raw.json === true,
    progress: raw.progress,
    trends: raw.trends,
    pluginLimits: parsePluginLimits(raw),
  };
}

/** "C6/float64/balance[nce(tau=1)]" → "C6/balance" (the row key: claim and check, any arithmetic). */
export function checkKind(id: string): string {
  const i = id.indexOf('[');
  const parts = (i < 0 ? id : id.slice(0, i)).split('/');
  return parts.length >= 3 ? [parts[0], ...parts.slice(2)].join('/') : parts.join('/');
}

/** One compared loss: its column's label and kind, and its checks (a plugin file's isolated). */
interface ComparedLoss {
  readonly label: string;
  readonly rational: boolean;
  readonly perTuple: boolean;
  readonly checks: readonly Check[];
  readonly isolated: IsolatedLossChecks | null;
}

async function comparedLoss(spec: string, o: CompareOptions, ctx: CliContext, lossChecks: Registry['lossChecks']): Promise<ComparedLoss> {
  const where = ctx.lossCheckSource;
  if (where !== undefined && isPluginFileSpec(spec)) {
    const isolated = await isolatedLossChecks({ module: where.module, export: where.export }, { spec, cwd: ctx.cwd, flag: '--loss', options: { trends: o.trends } }, o.pluginLimits ?? DEFAULT_PLUGIN_LIMITS);
    return { ...isolated.loss, checks: isolated.checks, isolated };
  }
  const l: Loss = await resolveLossSpec(spec, ctx.cwd);
  return { label: lossLabel(l), rational: l.rational, perTuple: l.perTuple, checks: lossChecks(familyOf(l), { trends: o.trends }), isolated: null };
}

export async function runCompare(o: CompareOptions, ctx: CliContext): Promise<number> {
  const registry = await ctx.registry();
  const losses: ComparedLoss[] = [];
  for (const spec of o.losses) losses.push(await comparedLoss(spec, o, ctx, registry.lossChecks));
  const plans = losses.map((l) => l.checks);
  const total = plans.reduce((s, p) => s + p.length, 0);
  const bar = createProgress(o.progress && progressAllowed(ctx), total);
  const results: CheckResult[][] = [];
  let done = 0;
  const runOptions = (check: Check, i: number) => ({ seed: deriveSeed(o.seed, checkKind(check.id), i), scale: o.scale, ...(o.runs !== null ? { numRuns: o.runs } : {}) });
  // A plugin file's checks run in one isolated child first: a fault is exit 2 naming it (issue 8 §2).
  for (const [i, l] of losses.entries()) await l.isolated?.runAll(l.checks.map((c) => ({ id: c.id, options: runOptions(c, i) })));
  try {
    for (const [i, checks] of plans.entries()) {
      const row: CheckResult[] = [];
      for (const check of checks) {
        bar.update(done, check.id);
        let r: CheckResult;
        try {
          r = await runCheck(check, runOptions(check, i));
        } catch (e) {
          r = { check: check.id, claim: check.claim, verdict: 'fail', expect: check.expect, arithmetic: check.arithmetic, variant: check.variant, cases: 0, worst: { ratio: NaN, error: NaN, tolerance: NaN }, seed: o.seed, message: `the check threw: ${e instanceof Error ? e.message : String(e)}`, ms: 0 };
        }
        row.push(r);
        done++;
      }
      results.push(row);
    }
  } finally {
    bar.stop();
  }
  const kinds: string[] = [];
  for (const row of results) for (const r of row) if (!kinds.includes(checkKind(r.check))) kinds.push(checkKind(r.check));
  kinds.sort((a, b) => Number(a.slice(1, a.indexOf('/'))) - Number(b.slice(1, b.indexOf('/'))));
  const rows: CompareRow[] = kinds.map((k) => ({
    claim: k.slice(0, k.indexOf('/')),
    check: k,
    cells: results.map((row) => {
      const r = row.find((x) => checkKind(x.check) === k);
      return r ? { verdict: r.verdict, ratio: r.worst.ratio, error: r.worst.error, arithmetic: r.arithmetic, message: r.counterexample?.measurement.note ? `${r.message} (${r.counterexample.measurement.note})` : r.message, id: r.check } : null;
    }),
  }));
  const failed = results.some((row) => row.some((r) => r.verdict === 'fail'));
  const report: CompareReport = {
    tool: 'covcheck',
    command: 'compare',
    version: ctx.version,
    seed: o.seed,
    scale: o.scale,
    runs: o.runs,
    losses: losses.map((l, i) => ({ spec: o.losses[i]!, label: l.label, rational: l.rational, perTuple: l.perTuple })),
    rows,
    exitCode: failed ? 1 : 0,
  };
  const table = compareTable(report);
  // The verdicts first: a report that cannot be written must not hide them (issue 8 §4).
  const human = o.json ? ctx.stderr : ctx.stdout;
  human.write(table);
  const notes = results.flatMap((row) => row.filter((r) => r.verdict === 'fail').map((r) => `${r.check}: ${r.message}${r.counterexample?.measurement.note ? `\n    ${r.counterexample.measurement.note}` : ''}`));
  if (notes.length > 0) human.write(`\nFailures:\n${notes.map((n) => `  ${n}`).join('\n')}\n`);
  let where: string | null = null;
  if (o.reportDir !== null) {
    const plots: Record<string, string> = {};
    for (const row of results) for (const r of row) for (const [name, svg] of Object.entries(r.plots ?? {})) plots[`plots/${name}`] = svg;
    // unique per option set: the slug of the loss specs is lossy, --runs and --no-trends are not in it
    const name = runFolderName([`compare-seed${o.seed}-${o.scale}-${slug(o.losses.join('-'), 80)}`], { losses: o.losses, runs: o.runs, trends: o.trends ? null : false });
    try {
      where = (await writeRunFolder(o.reportDir, name, { 'compare.json': reportJson(report), 'compare.md': compareMarkdown(report, Object.keys(plots)), ...plots }, { command: 'compare' })).dir;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === undefined) throw e;
      throw new InputError('--report-dir', `cannot write the report under ${o.reportDir} (${code}); the verdicts above stand, no report was kept`);
    }
  }
  const rel = where === null ? null : where.startsWith(ctx.cwd + '/') ? where.slice(ctx.cwd.length + 1) : where;
  human.write(`\n${losses.length} losses × ${kinds.length} checks -> ${failed ? 'FAILED (exit 1)' : 'PASSED (exit 0)'}${rel ? `; report: ${rel}` : ''}\n`);
  if (o.json) ctx.stdout.write(reportJson(report));
  return failed ? 1 : 0;
}

function cellText(c: CompareRow['cells'][number]): string {
  if (!c) return '—';
  const v = c.verdict === 'fail' ? 'FAIL' : c.verdict;
  return Number.isFinite(c.ratio) ? `${v} (${fmt(c.ratio)})` : v;
}

/** The terminal table: claim, check, one column per loss ("verdict (worst error/tol)"). */
export function compareTable(r: CompareReport): string {
  return (
    renderTable(
      [{ header: 'claim' }, { header: 'check' }, ...r.losses.map((l) => ({ header: l.label, maxWidth: 40 }))],
      r.rows.map((row) => [row.claim, row.check.slice(row.check.indexOf('/') + 1), ...row.cells.map(cellText)]),
    ) + '(cells: verdict (worst error / tolerance); — not applicable to that loss)\n'
  );
}

export function compareMarkdown(r: CompareReport, plots: readonly string[]): string {
  const out = [`# covcheck compare: ${r.exitCode === 0 ? 'PASSED' : 'FAILED'}`, '', `Seed ${r.seed}, scale ${r.scale}${r.runs !== null ? `, ${r.runs} runs per check` : ''}, covcheck ${r.version}.`, ''];
  out.push('| Claim | Check | ' + r.losses.map((l) => l.label.replace(/\|/g, '\\|')).join(' | ') + ' |');
  out.push('|---|---|' + r.losses.map(() => '---|').join(''));
  for (const row of r.rows) out.push(`| ${row.claim} | ${row.check} | ${row.cells.map((c) => (c?.verdict === 'fail' ? `**${cellText(c)}**` : cellText(c))).join(' | ')} |`);
  out.push('', 'Cells: verdict (worst error / tolerance over the passing cases); — the check does not apply to that loss.', '');
  const fails = r.rows.flatMap((row) => row.cells.filter((c) => c?.verdict === 'fail').map((c) => `- ${c!.id}: ${c!.message.replace(/\n/g, ' ')}`));
  if (fails.length) out.push('## Failures', '', ...fails, '');
  if (plots.length) out.push('## Plots', '', ...plots.map((p) => `- [${p}](${p})`), '');
  out.push('## Losses', '', ...r.losses.map((l) => `- \`${l.spec}\`: ${l.label}${l.rational ? ' (rational: exact checks)' : ''}${l.perTuple ? '' : ' (batch-level)'}`), '');
  return out.join('\n') + '\n';
}
