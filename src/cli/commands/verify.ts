/**
 * `covcheck verify` (the default command): runs the selected checks of the claim registry, prints
 * the verdict table (sized for a CI log), writes the report folder, ends a failing run with a
 * Failures section; exits 1 on any `fail`, 2 when the report cannot be written (verdicts printed first).
 */
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { checkScale, type Check, type CheckResult, type ClaimRecord, type VerifyScale } from '../../runner/check.js';
import { runCheck, thrownResult } from '../../runner/run.js';
import { InputError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { selectChecks, type Registry } from '../../runner/registry.js';
import { ENGINE_NAMES, type EngineName } from '../../engines/engine.js';
import { parseChoice, parseIntOption, progressAllowed, SEED_MAX, SEED_MIN } from '../options.js';
import { createProgress } from '../progress.js';
import { LINE_MAX, TABLE_MODES, verdictTable, type TableMode } from '../verdictTable.js';
import { buildVerifyReport, counterexamplePath, verifyReportFiles } from '../../report/verify.js';
import type { VerifyReport } from '../../report/verifyReport.js';
import { replayFileCommand } from '../../runner/replayCommand.js';
import { histogram } from '../../report/plot.js';
import { corpusChecks } from '../../hunt/corpus.js';
import { loadBackend } from '../../engines/backend.js';
import { BUILTIN_SPEC_HELP } from '../../losses/plugin/index.js';
import { commandLossChecks } from '../lossSpecChecks.js';
import { pluginFlags, parsePluginLimits, type PluginRaw } from '../pluginOptions.js';
import { isolateCorpus, type IsolatedCorpus } from '../../pool/pluginCorpus.js';
import type { IsolatedLossChecks } from '../../pool/pluginChecks.js';
import { taskSeed } from '../../pool/taskSeed.js';
import { VERDICTS } from '../../report/verdicts.js';
import { clipOneLine } from '../../report/markdown.js';
import { compactJson, reportJson } from '../../report/json.js';
import { reportDirProblem, runFolderName, slug, writeRunFolder } from '../../report/write.js';
import { implFlags, runImplFlag, type ImplRaw } from '../implOption.js';
import { parseJobs } from '../../pool/jobs.js';
import { SAMPLER_THREADS_MAX, setSamplerThreads } from '../../hltm/parallelSampler.js';
import { runChecks } from '../../pool/runChecks.js';
import type { CheckSource } from '../../pool/checkTask.js';
import { parseShard, type Shard } from '../../pool/shard.js';
import { splitVerify, verifyShardRun, writeVerifyShard } from './verifyShard.js';
import { trainPlanned } from '../../pool/claimRuns.js';

/** What a verify run may select from: the registry's claims, and its checks with the corpus and loss checks added. */
export type Plan = Pick<Registry, 'claims' | 'checks'>;

/** Validated options of one verify run. */
export interface VerifyOptions {
  readonly claims: readonly string[] | null;
  readonly check: string | null;
  readonly runs: number | null;
  readonly seed: number;
  readonly scale: VerifyScale;
  /** Absolute report directory, or null for --no-report. */
  readonly reportDir: string | null;
  readonly json: boolean;
  readonly progress: boolean;
  /** Print the details of expected-fail, known-fail and inconclusive checks too (default: report only). */
  readonly verbose?: boolean;
  /** The verdict table: one row per check, folded per claim, or by size (src/cli/verdictTable.ts). */
  readonly table?: TableMode;
  /** Options that change the checks run, for the run folder name: --loss, --backend, --no-corpus. */
  readonly loss?: string | null;
  readonly backend?: string;
  readonly corpus?: boolean;
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
  verbose?: boolean;
  table?: string;
  loss?: string;
  backend?: string;
  corpus?: boolean;
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
    .option('--scale <scale>', 'ci, full, or large (C11 and C12 at --preset large size, on a GPU: docs/gpu.md)', 'ci')
    .option('--engine <name>', 'with --scale large: the training engine (default webgpu where an adapter is found; f32: hours per run)')
    .option('--sampler-threads <n>', 'with --scale large: threads sampling the training batches ahead of the step (default: cores − 1, at least 1; 0: this thread); results do not depend on it')
    .option('--report-dir <dir>', 'where runs/<name>/ and latest/verify (a link to the newest run) are written', 'reports')
    .option('--json', 'print report.json on stdout (the table goes to stderr)')
    .option('--no-progress', 'never draw a progress bar')
    .option('--no-report', 'write no report files')
    .option('--verbose', 'print every check\'s row and the details of expected-fail, known-fail and inconclusive checks (always in report.md)')
    .option('--table <mode>', 'the verdict table: full (a row per check), compact (pass and expected-fail folded per claim) or auto (full up to 60 checks)', 'auto')
    .option('--loss <spec>', `also run the loss-dependent claims (C2, C6, C7) for this loss: ${BUILTIN_SPEC_HELP}`)
    .option('--no-corpus', 'do not replay the failure corpus (fixtures/counterexamples) first')
    .option('--jobs <n>', 'workers that run property checks at once (default: the number of cores; 1: all in this process)')
    .option('--shard <i/n>', 'run only slice i of n of the checks and write a shard file under <report-dir>/shards/ (then: covcheck merge)')
    .option('--backend <name>', 'TensorFlow.js backend of the float32 checks: wasm (default), cpu, or tensorflow / tensorflow-gpu / webgpu when installed', 'wasm')
    .addOption(implFlags.impl())
    .addOption(implFlags.timeout())
    .addOption(pluginFlags.timeout())
    .addOption(pluginFlags.memory())
    .action(async (raw: RawOptions & ImplRaw & PluginRaw & { loss?: string; corpus: boolean; backend: string; jobs?: string; shard?: string; engine?: string; samplerThreads?: string }) => {
      if (raw.impl !== undefined) return void (ctx.exitCode = await runImplFlag(raw, ctx, raw.report ? raw.reportDir : null));
      const jobs = parseJobs(raw.jobs);
      const shard = raw.shard === undefined ? undefined : parseShard(raw.shard);
      if (shard && !raw.report) throw new InputError('--shard', 'a shard writes its results under --report-dir: drop --no-report');
      const largeEngine = await largeScaleEngine(raw); // before the registry loads: flags and the adapter
      const registry = await ctx.registry();
      const limits = parsePluginLimits(raw);
      const corpus: IsolatedCorpus[] = [];
      if (raw.corpus) for (const dir of ctx.corpusDirs ?? []) corpus.push(isolateCorpus(corpusChecks(dir, ctx.cwd), dir, ctx.cwd, limits));
      const loss = raw.loss === undefined ? null : await commandLossChecks(raw.loss, ctx, registry.lossChecks, limits);
      const large = largeEngine === undefined ? null : await largeScalePlan(largeEngine, registry);
      const plan: Plan = large ?? { claims: registry.claims, checks: [...corpus.flatMap((c) => c.checks), ...registry.checks, ...(loss?.checks ?? [])] };
      const full = { ...ctx, backend: `tfjs-${raw.backend}` };
      // --scale large: its checks have the ids of the registry's C11/C12 checks, not their code: none runs from the source.
      const pool = { jobs, source: ctx.checkSource ?? null, sourceIds: new Set(large ? [] : registry.checks.map((c) => c.id)), ...(registry.costs ? { costs: registry.costs } : {}), backend: raw.backend, ...(shard ? { shard } : {}) };
      const options = parseVerifyOptions(raw, plan, ctx.cwd);
      // TensorFlow.js (≈ 0.35 s of CPU to load) only when a float32 check will use it, or to check a
      // --backend asked for: an InputError naming --backend when unknown, not installed or broken,
      // before any output. Pool workers load it themselves for their float32 checks (checkTask.ts).
      if (raw.backend !== 'wasm' || selectChecks(plan.checks, options).some((c) => c.arithmetic === 'float32')) await loadBackend(raw.backend);
      await runPluginsFirst(options, plan, shard, corpus, loss?.isolated ?? null);
      const code = await runVerify(options, plan, full, pool);
      ctx.exitCode = code;
    });
}

/**
 * User plugin code first (issue 8 §2): the selected checks of a plugin file and the selected corpus
 * files naming one run in isolated children before anything else, with the seeds they have in the
 * run, so a faulty plugin is exit 2 naming it (an IsolationError), never a verdict or a half-written
 * report; the run then takes their results from the stand-ins.
 */
async function runPluginsFirst(o: VerifyOptions, plan: Plan, shard: Shard | undefined, corpus: readonly IsolatedCorpus[], loss: IsolatedLossChecks | null): Promise<void> {
  const all = selectChecks(plan.checks, o);
  const selected = shard ? (await splitVerify(all, o, shard)).checks : all;
  for (const c of corpus) await c.prepare(selected, (check) => taskSeed(o.seed, check.id));
  if (loss === null) return;
  const mine = new Set(loss.checks.map((c) => c.id));
  const run = { scale: checkScale(o.scale), ...(o.runs !== null ? { numRuns: o.runs } : {}) };
  await loss.runAll(selected.filter((c) => mine.has(c.id)).map((c) => ({ id: c.id, options: { ...run, seed: taskSeed(o.seed, c.id), baseSeed: o.seed } })));
}

/**
 * `--scale large` (docs/gpu.md): the engine of its checks (null: webgpu where an adapter is found,
 * else each check says `skipped` with the reason), or undefined for another scale. An `--engine
 * webgpu` named explicitly must work: without Dawn or an adapter, exit 2 with the install and
 * driver instructions.
 */
async function largeScaleEngine(raw: { scale: string; engine?: string; shard?: string; loss?: string; samplerThreads?: string }): Promise<EngineName | null | undefined> {
  if (raw.scale !== 'large') {
    if (raw.engine !== undefined) throw new InputError('--engine', 'chooses the training engine of --scale large only');
    if (raw.samplerThreads !== undefined) throw new InputError('--sampler-threads', 'sets the batch sampling of --scale large only');
    return undefined;
  }
  if (raw.samplerThreads !== undefined) setSamplerThreads(parseIntOption('--sampler-threads', raw.samplerThreads, 0, SAMPLER_THREADS_MAX));
  if (raw.shard !== undefined) throw new InputError('--shard', '--scale large is not sharded (its checks share their training runs)');
  if (raw.loss !== undefined) throw new InputError('--loss', '--scale large runs C11 and C12 only');
  const engine = raw.engine === undefined ? null : parseChoice<EngineName>('--engine', raw.engine, [...ENGINE_NAMES]);
  if (engine === 'webgpu') (await import('../../engines/webgpu/device.js')).webgpuAdapter(); // InputError naming --engine
  return engine;
}

/** `--scale large`: only the registry's large-scale checks (C11, C12 at `--preset large` size) and their claims. */
async function largeScalePlan(engine: EngineName | null, registry: Registry): Promise<Plan> {
  if (!registry.largeChecks) throw new InputError('--scale', 'this registry has no large-scale checks');
  const checks = await registry.largeChecks(engine);
  const ids = new Set(checks.map((c) => c.claim));
  return { claims: registry.claims.filter((c) => ids.has(c.id)), checks };
}

/** Validates raw option strings; throws InputError naming the flag. */
export function parseVerifyOptions(raw: RawOptions, plan: Plan, cwd: string): VerifyOptions {
  const seed = parseIntOption('--seed', raw.seed, SEED_MIN, SEED_MAX);
  const scale = parseChoice<VerifyScale>('--scale', raw.scale, ['ci', 'full', 'large']);
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
    verbose: raw.verbose === true,
    table: parseChoice('--table', raw.table ?? 'auto', TABLE_MODES),
    loss: raw.loss ?? null,
    backend: raw.backend ?? 'wasm',
    corpus: raw.corpus !== false,
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

/**
 * The run folder name, unique per option set (issue 8 §4):
 * verify-seed42-ci[-C1-C3][-check-…][-runsN][-nocorpus][-<backend>][-loss-…][-<hash>]. The hash
 * (runFolderName) covers what the slug renders lossily, --check and --loss, so `--check C1/` and
 * `--check C1-` get different folders.
 */
export function runName(o: Pick<VerifyOptions, 'seed' | 'scale' | 'claims' | 'check' | 'runs' | 'loss' | 'backend' | 'corpus'>): string {
  const parts = [`verify-seed${o.seed}-${o.scale}`];
  if (o.claims) parts.push(o.claims.join('-'));
  if (o.check !== null) parts.push(`check-${slug(o.check, 40)}`);
  if (o.runs !== null) parts.push(`runs${o.runs}`);
  if (o.corpus === false) parts.push('nocorpus');
  if (o.backend !== undefined && o.backend !== 'wasm') parts.push(slug(o.backend, 20));
  if (o.loss) parts.push(`loss-${slug(o.loss, 40)}`);
  return runFolderName(parts, { check: o.check, loss: o.loss ?? null });
}

/** Runs the selected checks, prints, writes reports; returns the exit code (0 or 1). */
export async function runVerify(o: VerifyOptions, plan: Plan, ctx: CliContext, pool: VerifyPool = IN_PROCESS): Promise<number> {
  const all = selectChecks(plan.checks, o);
  // --shard: this slice's checks and training runs (the training claims decide at the merge).
  const split = pool.shard ? await splitVerify(all, o, pool.shard) : null;
  const selected = split ? split.checks : all;
  const progress = createProgress(o.progress && progressAllowed(ctx), selected.length + (split?.runs.length ?? 0));
  let runs: { check: Check; result: CheckResult }[];
  let trained: Awaited<ReturnType<typeof trainPlanned>>;
  try {
    const results = await runChecks(selected, {
      ...pool,
      baseSeed: o.seed,
      run: { scale: checkScale(o.scale), ...(o.runs !== null ? { numRuns: o.runs } : {}) },
      runHere: runOne,
      failed: failedResult,
      onProgress: (done, id) => progress.update(done, id),
    });
    runs = selected.map((check, i) => ({ check, result: results[i]! }));
    trained = split ? await trainPlanned(split.runs, pool.jobs, (done, key) => progress.update(selected.length + done, key)) : [];
  } finally {
    progress.stop();
  }

  if (split && pool.shard && o.reportDir !== null) {
    const run = verifyShardRun(o, ctx.version, ctx.backend, all, plan.claims, split.tasks);
    const path = await writeVerifyShard(join(o.reportDir, 'shards', runName(o)), run, pool.shard, runs.map((r) => r.result), trained);
    const failed = runs.filter((r) => r.result.verdict === 'fail').length;
    const broken = trained.filter((t) => !t.ok).length;
    ctx.stdout.write(`shard ${pool.shard.index}/${pool.shard.count}: ${runs.length} checks and ${split.runs.length} training runs${broken > 0 ? ` (${broken} failed)` : ''} of the run's ${split.tasks.length} tasks, ${failed} fail; shard file: ${path}\n`);
    return failed > 0 ? 1 : 0;
  }
  const claimIds = new Set(selected.map((c) => c.claim));
  return reportVerify(o, plan.claims.filter((c) => claimIds.has(c.id)), runs, ctx);
}

/** Builds, writes and prints the report of a run's results (also of merged shards); answers the exit code. */
export async function reportVerify(o: VerifyOptions, claims: readonly ClaimRecord[], runs: readonly { check: Check | undefined; result: CheckResult }[], ctx: CliContext): Promise<number> {
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
  // The verdicts first: a report that cannot be written must not hide them (issue 8 §4).
  const human = o.json ? ctx.stderr : ctx.stdout;
  human.write(formatResults(report, results, { verbose: o.verbose === true, table: o.table ?? 'auto' }));
  const runDir = o.reportDir === null ? null : join(o.reportDir, 'runs', runName(o));
  let where: string | null = null;
  if (o.reportDir !== null) {
    try {
      const files = verifyReportFiles(report, results);
      const margins = await marginHistogram(results);
      if (margins) files['plots/float-error-over-tolerance.svg'] = margins;
      where = (await writeRunFolder(o.reportDir, runName(o), files, { command: 'verify' })).dir;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === undefined) throw e;
      human.write(formatFailures(report, null, ctx.cwd));
      human.write(summaryLine(report, null, ctx.cwd));
      // exit 2, nothing left under --report-dir (writeRunFolder is all or nothing)
      throw new InputError('--report-dir', `cannot write the report under ${o.reportDir} (${code}); the verdicts above stand, no report was kept`);
    }
  }
  human.write(formatFailures(report, where === null ? null : runDir, ctx.cwd));
  human.write(summaryLine(report, where, ctx.cwd));
  if (o.json) ctx.stdout.write(reportJson(report));
  return report.exitCode;
}

/** How `--jobs` runs the checks: workers, where they find the registry's checks, the backend. */
export interface VerifyPool {
  readonly jobs: number;
  readonly source: CheckSource | null;
  readonly sourceIds: ReadonlySet<string>;
  /** Estimated cost of each check (Registry.costs): the start order on workers. */
  readonly costs?: Readonly<Record<string, number>>;
  readonly backend?: string;
  /** --shard: run only this slice and write a shard file instead of the report. */
  readonly shard?: Shard;
}

const IN_PROCESS: VerifyPool = { jobs: 1, source: null, sourceIds: new Set() };

/** Runs one check; a check that throws is a `fail` of that check, not a crash of the run. */
export async function runOne(check: Check, options: Parameters<typeof runCheck>[1]): Promise<CheckResult> {
  const t0 = performance.now();
  try {
    return await runCheck(check, options);
  } catch (e) {
    // runCheck already turns a throwing check into an errored fail; this is a last safety net.
    return { ...thrownResult(check, options, e), ms: Math.round(performance.now() - t0) };
  }
}

/** The `fail` of a check that threw or whose worker failed. */
function failedResult(check: Check, message: string, seed: number, ms: number): CheckResult {
  return {
    check: check.id,
    claim: check.claim,
    verdict: 'fail',
    expect: check.expect,
    arithmetic: check.arithmetic,
    variant: check.variant,
    cases: 0,
    worst: { ratio: Number.NaN, error: Number.NaN, tolerance: Number.NaN },
    seed,
    message,
    ms,
  };
}

/**
 * What a CI log carries (issue 8 §6): the verdict table, one line per inconclusive check, and for a
 * failing run a closing "Failures" section (each failure, its message, one replay command). Details
 * of expected-fail and known-fail checks go to report.md, and here only with `verbose`.
 */
export function formatResults(report: VerifyReport, results: readonly CheckResult[], options: { verbose?: boolean; table?: TableMode } = {}): string {
  if (results.length === 0) return 'No checks selected (the registry is empty or the filter matched nothing).\n';
  const ms = new Map(results.map((r) => [r.check, r.ms]));
  let out = verdictTable(report.checks, ms, options.verbose === true ? 'full' : (options.table ?? 'auto'));
  const detailed = report.checks.filter((c) => c.verdict === 'inconclusive' || (options.verbose === true && c.verdict !== 'pass' && c.verdict !== 'fail'));
  if (detailed.length > 0) {
    out += '\n';
    for (const c of detailed) out += options.verbose ? detailText(c) : `${clipOneLine(`${c.check} [${c.verdict}]: ${c.message}`, LINE_MAX)}\n`;
  }
  return out;
}

/**
 * The closing "Failures" section of a failing run: each failure, its message (wrapped), what was
 * measured and one replay command — the result's own when it fits a line, else `covcheck replay`
 * of the counterexample file saved in `runDir` (null when no report was written).
 */
export function formatFailures(report: VerifyReport, runDir: string | null, cwd: string): string {
  const failures = report.checks.filter((c) => c.verdict === 'fail');
  if (failures.length === 0) return '';
  let out = `\nFailures (${failures.length}):\n`;
  for (const c of failures) {
    out += `\n${c.check}\n${wrapText(c.message, LINE_MAX - 2, '  ')}`;
    const cx = c.counterexample;
    if (!cx) continue;
    out += `  measured: error ${cx.measurement.error}, tolerance ${cx.measurement.tolerance} (${cx.shrinks} shrinks)\n`;
    if (cx.measurement.note) out += wrapText(`note: ${cx.measurement.note}`, LINE_MAX - 2, '  ');
    out += `  replay: ${shortReplay(c, runDir, cwd)}\n`;
  }
  return out;
}

/**
 * The replay command of a check with a counterexample: the short form (issue 8 §3), the run's saved
 * counterexample file, which records check, seed, path and loss; the long form only without a run folder.
 */
function shortReplay(c: VerifyReport['checks'][number], runDir: string | null, cwd: string): string {
  const cx = c.counterexample!;
  if (runDir === null) return cx.replay;
  const file = join(runDir, counterexamplePath(c.check));
  const rel = relative(cwd, file);
  return replayFileCommand(rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file);
}

export { LINE_MAX };

/** The --verbose detail of one check: message and, if any, its counterexample (cut at 400 characters). */
function detailText(c: VerifyReport['checks'][number]): string {
  let out = `${c.check} [${c.verdict}]:\n${wrapText(c.message, LINE_MAX - 2, '  ')}`;
  const cx = c.counterexample;
  if (cx) out += `${clipOneLine(`  counterexample (${cx.shrinks} shrinks): ${compactJson(cx.value)}`, LINE_MAX)}\n`;
  return out;
}

/** Words wrapped to `width` columns, each line prefixed by `indent`; a longer word is cut. */
export function wrapText(s: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of s.split(/\s+/).filter((w) => w !== '')) {
    const w = word.length > width - indent.length ? `${word.slice(0, width - indent.length - 1)}…` : word;
    if (line !== '' && indent.length + line.length + 1 + w.length > width) {
      lines.push(indent + line);
      line = w;
    } else line = line === '' ? w : `${line} ${w}`;
  }
  if (line !== '') lines.push(indent + line);
  return lines.map((l) => `${l}\n`).join('');
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
