/**
 * `covcheck verify` (the default command): runs the selected checks of the claim registry, prints
 * the verdict table and counterexamples, writes the report folder, exits 1 on any `fail`.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Check, CheckResult, ClaimRecord, Scale } from '../../runner/check.js';
import { runCheck } from '../../runner/run.js';
import { deriveSeed } from '../../numeric/random.js';
import { InputError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { selectChecks, type Registry } from '../../runner/registry.js';
import { parseChoice, parseIntOption, progressAllowed, SEED_MAX, SEED_MIN } from '../options.js';
import { createProgress } from '../progress.js';
import { formatMs, renderTable } from '../table.js';
import { buildVerifyReport, counterexamplePath, verifyReportFiles } from '../../report/verify.js';
import type { VerifyReport } from '../../report/verifyReport.js';
import { replayFileCommand } from '../../runner/replayCommand.js';
import { histogram } from '../../report/plot.js';
import { corpusChecks } from '../../hunt/corpus.js';
import { loadBackend } from '../../engines/backend.js';
import { BUILTIN_SPEC_HELP } from '../../losses/plugin/index.js';
import { specLossChecks } from '../lossSpecChecks.js';
import { VERDICTS } from '../../report/verdicts.js';
import { errorText } from '../../report/markdown.js';
import { compactJson, reportJson } from '../../report/json.js';
import { reportDirProblem, slug, writeRunFolder } from '../../report/write.js';

/** What a verify run may select from: the registry's claims, and its checks with the corpus and loss checks added. */
export type Plan = Pick<Registry, 'claims' | 'checks'>;

/** Validated options of one verify run. */
export interface VerifyOptions {
  readonly claims: readonly string[] | null;
  readonly check: string | null;
  readonly runs: number | null;
  readonly seed: number;
  readonly scale: Scale;
  /** Absolute report directory, or null for --no-report. */
  readonly reportDir: string | null;
  readonly json: boolean;
  readonly progress: boolean;
}

interface RawOptions {
  claims?: string;
  check?: string;
  runs?: string;
  seed: string;
  scale: string;
  reportDir: string;
  json?: boolean;
  progress: boolean;
  report: boolean;
}

/** Registers `covcheck verify`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('verify')
    .description('run every claim check (the default command); exit 1 if any check fails')
    .option('--claims <ids>', 'only these claims, comma-separated (e.g. C1,C3)')
    .option('--check <substring>', 'only checks whose id contains this text')
    .option('--runs <n>', "cases per property check (default: each check's own count for the scale)")
    .option('--seed <n>', 'base seed; each check gets deriveSeed(seed, check id)', '42')
    .option('--scale <scale>', 'ci or full', 'ci')
    .option('--report-dir <dir>', 'where runs/<name>/ and latest/ are written', 'reports')
    .option('--json', 'print report.json on stdout (the table goes to stderr)')
    .option('--no-progress', 'never draw a progress bar')
    .option('--no-report', 'write no report files')
    .option('--loss <spec>', `also run the loss-dependent claims (C2, C6, C7) for this loss: ${BUILTIN_SPEC_HELP}`)
    .option('--no-corpus', 'do not replay the failure corpus (fixtures/counterexamples) first')
    .option('--backend <name>', 'TensorFlow.js backend of the float32 checks: wasm (default), cpu, or tensorflow / tensorflow-gpu / webgpu when installed', 'wasm')
    .action(async (raw: RawOptions & { loss?: string; corpus: boolean; backend: string }) => {
      await loadBackend(raw.backend); // InputError naming --backend when unknown or not installed
      const registry = await ctx.registry();
      const corpus: Check[] = [];
      if (raw.corpus) for (const dir of ctx.corpusDirs ?? []) corpus.push(...corpusChecks(dir, ctx.cwd));
      const withLoss = raw.loss === undefined ? [] : await specLossChecks(raw.loss, ctx.cwd, registry.lossChecks);
      const plan: Plan = { claims: registry.claims, checks: [...corpus, ...registry.checks, ...withLoss] };
      const full = { ...ctx, backend: `tfjs-${raw.backend}` };
      const code = await runVerify(parseVerifyOptions(raw, plan, ctx.cwd), plan, full);
      ctx.exitCode = code;
    });
}

/** Validates raw option strings; throws InputError naming the flag. */
export function parseVerifyOptions(raw: RawOptions, plan: Plan, cwd: string): VerifyOptions {
  const seed = parseIntOption('--seed', raw.seed, SEED_MIN, SEED_MAX);
  const scale = parseChoice<Scale>('--scale', raw.scale, ['ci', 'full']);
  const runs = raw.runs === undefined ? null : parseIntOption('--runs', raw.runs, 1, 10_000_000);
  let claims: string[] | null = null;
  if (raw.claims !== undefined) {
    claims = [...new Set(raw.claims.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== ''))];
    if (claims.length === 0) throw new InputError('--claims', 'expected claim ids such as C1,C3');
    const known = knownClaimIds(plan);
    const unknown = claims.filter((c) => !known.includes(c));
    if (unknown.length > 0) {
      throw new InputError(
        '--claims',
        `unknown claim id${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${known.join(', ') || 'none'})`,
      );
    }
  }
  const check = raw.check === undefined ? null : raw.check;
  if (check !== null && check.trim() === '') throw new InputError('--check', 'expected a non-empty substring of a check id');
  if (raw.report && raw.reportDir.trim() === '') throw new InputError('--report-dir', 'expected a directory');
  const problem = raw.report ? reportDirProblem(resolve(cwd, raw.reportDir)) : null;
  if (problem !== null) throw new InputError('--report-dir', problem);
  const options = {
    claims,
    check,
    runs,
    seed,
    scale,
    reportDir: raw.report ? resolve(cwd, raw.reportDir) : null,
    json: raw.json === true,
    progress: raw.progress,
  };
  if (check !== null && selectChecks(plan.checks, options).length === 0) {
    throw new InputError('--check', `no${claims ? ' selected' : ''} check id contains ${JSON.stringify(check)}`);
  }
  return options;
}

function knownClaimIds(plan: Plan): string[] {
  const ids = new Set<string>([...plan.claims.map((c) => c.id), ...plan.checks.map((c) => c.claim)]);
  return [...ids].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)) || a.localeCompare(b));
}

/** The deterministic run folder name: verify-seed42-ci[-C1-C3][-check-…][-runsN]. */
export function runName(o: Pick<VerifyOptions, 'seed' | 'scale' | 'claims' | 'check' | 'runs'>): string {
  const parts = [`verify-seed${o.seed}-${o.scale}`];
  if (o.claims) parts.push(o.claims.join('-'));
  if (o.check !== null) parts.push(`check-${slug(o.check, 60)}`);
  if (o.runs !== null) parts.push(`runs${o.runs}`);
  return parts.join('-');
}

/** Runs the selected checks, prints, writes reports; returns the exit code (0 or 1). */
export async function runVerify(o: VerifyOptions, plan: Plan, ctx: CliContext): Promise<number> {
  const selected = selectChecks(plan.checks, o);
  const progress = createProgress(o.progress && progressAllowed(ctx), selected.length);
  const runs: { check: Check; result: CheckResult }[] = [];
  try {
    for (const [i, check] of selected.entries()) {
      progress.update(i, check.id);
      const seed = deriveSeed(o.seed, check.id);
      const result = await runOne(check, {
        seed,
        baseSeed: o.seed,
        scale: o.scale,
        ...(o.runs !== null ? { numRuns: o.runs } : {}),
        onProgress: (f) => progress.update(i + Math.min(1, Math.max(0, f)), check.id),
      });
      runs.push({ check, result });
    }
  } finally {
    progress.stop();
  }

  const claimIds = new Set(selected.map((c) => c.claim));
  const claims: readonly ClaimRecord[] = plan.claims.filter((c) => claimIds.has(c.id));
  const report = buildVerifyReport(
    {
      version: ctx.version,
      node: process.version,
      backend: ctx.backend,
      seed: o.seed,
      scale: o.scale,
      runs: o.runs,
      filters: { claims: o.claims, check: o.check },
      claims,
    },
    runs,
  );
  const results = runs.map((r) => r.result);
  let where: string | null = null;
  if (o.reportDir !== null) {
    try {
      const files = verifyReportFiles(report, results);
      const margins = await marginHistogram(results);
      if (margins) files['plots/float-error-over-tolerance.svg'] = margins;
      where = (await writeRunFolder(o.reportDir, runName(o), files)).dir;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === undefined) throw e;
      throw new InputError('--report-dir', `cannot write the report under ${o.reportDir} (${code})`);
    }
  }
  const human = o.json ? ctx.stderr : ctx.stdout;
  human.write(formatResults(report, results, where === null ? null : relativeTo(where, ctx.cwd)));
  human.write(summaryLine(report, where, ctx.cwd));
  if (o.json) ctx.stdout.write(reportJson(report));
  return report.exitCode;
}

/** Runs one check; a check that throws is a `fail` of that check, not a crash of the run. */
async function runOne(check: Check, options: Parameters<typeof runCheck>[1]): Promise<CheckResult> {
  const t0 = performance.now();
  try {
    return await runCheck(check, options);
  } catch (e) {
    return {
      check: check.id,
      claim: check.claim,
      verdict: 'fail',
      expect: check.expect,
      arithmetic: check.arithmetic,
      variant: check.variant,
      cases: 0,
      worst: { ratio: Number.NaN, error: Number.NaN, tolerance: Number.NaN },
      seed: options.seed,
      message: `the check threw: ${e instanceof Error ? e.message : String(e)}`,
      ms: Math.round(performance.now() - t0),
    };
  }
}

/** `where` as the user would type it from cwd. */
function relativeTo(where: string, cwd: string): string {
  return where.startsWith(cwd + '/') ? where.slice(cwd.length + 1) : where;
}

/**
 * The verdict table followed by the counterexamples; with the run folder (`where`), each replay
 * command is the short form `covcheck replay <run>/counterexamples/<check>.json`.
 */
export function formatResults(report: VerifyReport, results: readonly CheckResult[], where: string | null = null): string {
  if (results.length === 0) return 'No checks selected (the registry is empty or the filter matched nothing).\n';
  const ms = new Map(results.map((r) => [r.check, r.ms]));
  let out = renderTable(
    [
      { header: 'claim' },
      { header: 'check', maxWidth: 48 },
      { header: 'verdict' },
      { header: 'cases', align: 'right' },
      { header: 'error / tol' },
      { header: 'seed', align: 'right' },
      { header: 'time', align: 'right' },
    ],
    report.checks.map((c) => [
      c.claim,
      c.check,
      c.verdict === 'fail' ? 'FAIL' : c.verdict,
      String(c.cases),
      errorText(c),
      String(c.seed),
      formatMs(ms.get(c.check) ?? 0),
    ]),
  );
  const notable = report.checks.filter((c) => c.verdict !== 'pass');
  if (notable.length > 0) {
    out += '\n';
    for (const c of notable) {
      out += `${c.check} [${c.verdict}]: ${c.message}\n`;
      const cx = c.counterexample;
      if (!cx) continue;
      const value = compactJson(cx.value);
      const limit = c.verdict === 'fail' ? 4000 : 400;
      out += `  counterexample (${cx.shrinks} shrinks): ${value.length > limit ? `${value.slice(0, limit)}… (full value in report.json)` : value}\n`;
      out += `  measured: error ${cx.measurement.error}, tolerance ${cx.measurement.tolerance}${cx.measurement.note ? `, ${cx.measurement.note}` : ''}\n`;
      out += `  replay: ${where === null ? cx.replay : replayFileCommand(`${where}/${counterexamplePath(c.check)}`)}\n`;
    }
  }
  return out;
}

/** "12 checks: 10 pass, 1 fail, … -> FAILED (exit 1); report: reports/runs/…". */
export function summaryLine(report: VerifyReport, where: string | null, cwd: string): string {
  const s = report.summary;
  const counts = VERDICTS.filter((v) => s[v] > 0).map((v) => `${s[v]} ${v}`);
  const rel = where === null ? null : where.startsWith(cwd + '/') ? where.slice(cwd.length + 1) : where;
  return (
    `\n${s.checks} checks${counts.length ? `: ${counts.join(', ')}` : ''} (seed ${report.seed}, scale ${report.scale}) -> ` +
    `${report.exitCode === 0 ? 'PASSED' : 'FAILED'} (exit ${report.exitCode})` +
    (rel === null ? '' : `; report: ${rel}`) +
    '\n'
  );
}

/**
 * How close the floating-point checks came to their derived tolerances: a histogram of
 * log10(error / tolerance) over every passing float case (exact zeros are left out). Mass near 0
 * means a tight tolerance; far below, a safe margin. Null when no float case ran.
 */
async function marginHistogram(results: readonly CheckResult[]): Promise<string | null> {
  const values = results.flatMap((r) => (r.ratios ?? []).filter((x) => x > 0).map((x) => Math.max(-12, Math.log10(x))));
  if (values.length === 0) return null;
  return histogram({ title: `float checks: error / derived tolerance, ${values.length} non-zero cases`, xLabel: 'log10(error / tolerance) (below −12 shown at −12; 0 = at the tolerance)', values, bins: 24 });
}
