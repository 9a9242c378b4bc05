/**
 * `covcheck sweep`: trains a grid depth × hid × δ_lower × loss × seeds with the same training
 * options, resumably (the run folder's sweep-state.json records finished cells; rerunning the same
 * command skips them), and reports per-group best-|corr| by height (JSON, Markdown, SVG plots
 * against hid and δ_lower). Exit 0 when every cell ran (diverged runs are reported, not errors),
 * 2 on bad options.
 */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { parseChoice, parseIntOption, progressAllowed, SEED_MAX, SEED_MIN } from '../options.js';
import { createProgress } from '../progress.js';
import { renderTable } from '../table.js';
import { reportDirProblem, writeRunFolder } from '../../report/write.js';
import { loadBackend } from '../../engines/backend.js';
import { ENGINE_NAMES } from '../../engines/engine.js';
import { TRAIN_LIMITS } from '../../train/limits.js';
import { PRESETS, resolveOptions } from '../../train/presets.js';
import { cellsOf, parseIntList, parseLossList, parseNumberList, settingOf, sweepName, type Grid, type SweepTraining } from '../../sweep/grid.js';
import { ENGINE_MODULE, engineOptions, loadEngineTrainFn, type EngineExtras } from '../../sweep/engineTrain.js';
import { runSweep, type SweepOutcome } from '../../sweep/run.js';
import { parseJobs } from '../../pool/jobs.js';
import { WorkerPool } from '../../pool/workerPool.js';
import { poolTrainFn, TRAIN_TASK_MODULE } from '../../pool/trainTask.js';
import { STATE_FILE } from '../../sweep/state.js';
import { sweepReportFiles } from '../../sweep/report.js';
import { summarizeGroups } from '../../sweep/summary.js';
import { shardCells, shardStateFileName, sweepShardRun, trainCells } from '../../pool/sweepShard.js';
import { parseShard, type Shard } from '../../pool/shard.js';
import { writeShardFile } from '../../pool/shardFile.js';
import { shardFileOf } from '../../pool/runShard.js';
import { shardFileName } from '../../pool/merge.js';
import type { TrainFn } from '../../sweep/trainFn.js';

export interface SweepRawOptions {
  depth: string;
  hid: string;
  deltaLower: string;
  loss: string;
  seeds: string;
  preset: string;
  steps: string;
  batch?: string;
  lr?: string;
  tau?: string;
  negatives?: string;
  deltaUpper?: string;
  augmentation?: string;
  evalSamples?: string;
  evalEpochs?: string;
  engine?: string;
  backend?: string;
  name?: string;
  fresh?: boolean;
  reportDir: string;
  report: boolean;
  progress: boolean;
  json?: boolean;
  jobs?: string;
  shard?: string;
}

export interface ParsedSweep {
  readonly grid: Grid;
  readonly training: SweepTraining;
  readonly extras: EngineExtras;
  readonly name: string;
  readonly reportDir: string | null;
  readonly fresh: boolean;
  readonly command: string;
}

const RUN_NAME = /^[A-Za-z0-9][A-Za-z0-9._=+-]*$/;

function parseNumber(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const s = raw.trim();
  const n = s === '' ? Number.NaN : Number(s);
  if (!Number.isFinite(n)) throw new InputError(flag, `expected a number, got ${JSON.stringify(raw)}`);
  return n;
}

/** Validates every option (InputError naming the flag) and every grid combination through the engine's own validation. */
export function parseSweepOptions(raw: SweepRawOptions, ctx: Pick<CliContext, 'cwd'>): ParsedSweep {
  const grid: Grid = {
    depths: parseIntList('--depth', raw.depth, 1, 12),
    hids: parseIntList('--hid', raw.hid, 1, 1024),
    deltaLowers: parseNumberList('--delta-lower', raw.deltaLower, 0, 1),
    losses: parseLossList('--loss', raw.loss),
    seeds: parseIntList('--seeds', raw.seeds, SEED_MIN, SEED_MAX),
  };
  const preset = parseChoice('--preset', raw.preset, ['official', 'readme'] as const);
  const p = PRESETS[preset]!;
  const int = (flag: string, v: string | undefined, min: number, max: number) => (v === undefined ? undefined : parseIntOption(flag, v, min, max));
  const steps = parseIntOption('--steps', raw.steps, 0, 100_000_000);
  const evalEpochs = int('--eval-epochs', raw.evalEpochs, 1, 1_000_000) ?? 1;
  if (steps > 0 && steps % evalEpochs !== 0) throw new InputError('--eval-epochs', `must divide --steps (${steps}), got ${evalEpochs}`);
  const training: SweepTraining = {
    preset,
    children: p.children,
    deltaUpper: parseNumber('--delta-upper', raw.deltaUpper) ?? p.deltaUpper,
    tau: parseNumber('--tau', raw.tau) ?? p.tau,
    H: int('--negatives', raw.negatives, 1, 1024) ?? p.negatives,
    augmentation: raw.augmentation ?? p.augmentation,
    steps,
    batch: int('--batch', raw.batch, 1, 1 << 20) ?? p.batch,
    lr: parseNumber('--lr', raw.lr) ?? p.lr,
    evalSamples: int('--eval-samples', raw.evalSamples, 2, TRAIN_LIMITS.evalSamples) ?? p.evalSamples,
    ...(evalEpochs !== 1 ? { evalEpochs } : {}),
  };
  // Sizes by the flags of sweep (the engine's own check below would name train's --samples-per-epoch).
  if (steps * training.batch > TRAIN_LIMITS.samplesPerRun) throw new InputError('--steps', `${steps} steps × batch ${training.batch} is more than the limit of ${TRAIN_LIMITS.samplesPerRun} tuples per run (docs/cli.md, Size limits)`);
  if ((steps / evalEpochs) * training.batch > TRAIN_LIMITS.samplesPerEpoch) throw new InputError('--eval-epochs', `${steps / evalEpochs} steps × batch ${training.batch} between evaluations is more than the limit of ${TRAIN_LIMITS.samplesPerEpoch} tuples (docs/cli.md, Size limits)`);
  const engine = raw.engine !== undefined ? parseChoice('--engine', raw.engine, ENGINE_NAMES) : raw.backend !== undefined ? 'tfjs' : undefined;
  const extras: EngineExtras = { ...(engine ? { engine } : {}), ...(raw.backend !== undefined ? { backend: raw.backend } : {}) };
  const cells = cellsOf(grid);
  // The engine's validation of every distinct setting (names the flag: --delta-lower, --tau, ...).
  const seen = new Set<string>();
  for (const c of cells) {
    const k = `${c.depth}|${c.hid}|${c.deltaLower}|${c.loss}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const { preset: _p, ...o } = engineOptions(settingOf(c, training), 1, extras);
    resolveOptions(preset, o);
  }
  if (raw.name !== undefined && (!RUN_NAME.test(raw.name) || raw.name.length > 200)) {
    throw new InputError('--name', `expected letters, digits and . _ = + - (not first), at most 200 characters, got ${JSON.stringify(raw.name)}`);
  }
  if (raw.report && raw.reportDir.trim() === '') throw new InputError('--report-dir', 'expected a directory');
  const reportDir = raw.report ? resolve(ctx.cwd, raw.reportDir) : null;
  const problem = reportDir ? reportDirProblem(reportDir) : null;
  if (problem !== null) throw new InputError('--report-dir', problem);
  const name = raw.name ?? sweepName(grid, training, extras as Record<string, unknown>);
  return { grid, training, extras, name, reportDir, fresh: raw.fresh === true, command: commandLine(grid, training, extras) };
}

/** The canonical command line of a sweep (every option explicit). */
function commandLine(g: Grid, t: SweepTraining, e: EngineExtras): string {
  const list = (xs: readonly (number | string)[]) => xs.join(',');
  return [
    'covcheck sweep',
    `--depth ${list(g.depths)}`,
    `--hid ${list(g.hids)}`,
    `--delta-lower ${list(g.deltaLowers)}`,
    `--loss ${list(g.losses)}`,
    `--seeds ${list(g.seeds)}`,
    `--preset ${t.preset}`,
    `--steps ${t.steps}`,
    `--batch ${t.batch}`,
    `--lr ${t.lr}`,
    `--tau ${t.tau}`,
    `--negatives ${t.H}`,
    `--delta-upper ${t.deltaUpper}`,
    `--augmentation '${t.augmentation}'`,
    `--eval-samples ${t.evalSamples}`,
    ...(t.evalEpochs !== undefined ? [`--eval-epochs ${t.evalEpochs}`] : []),
    ...(e.engine ? [`--engine ${e.engine}`] : []),
    ...(e.backend ? [`--backend ${e.backend}`] : []),
  ].join(' ');
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('sweep')
    .description('train a grid depth × hid × δ_lower × loss × seeds (resumable) and report best |corr| per height against hid and δ_lower')
    .option('--depth <list>', 'tree depths, e.g. 3,4', '4')
    .option('--hid <list>', 'units per node, e.g. 5,10,20', '10')
    .option('--delta-lower <list>', 'smallest |ρ|, e.g. 0.7,0.8,0.9', '0.8')
    .option('--loss <list>', 'losses, e.g. official_nce,nce (simp, tri, nce, official_nce, official_subtract)', 'official_nce')
    .option('--seeds <list>', 'seeds, e.g. 1-10 or 1,2,5', '1-5')
    .option('--preset <name>', 'training preset for everything not set here (official, readme)', 'official')
    .option('--steps <n>', 'SGD steps per run (0: evaluate the initialisation only)', '200')
    .option('--batch <n>', 'tuples per step (default: the preset)')
    .option('--lr <x>', 'learning rate (default: the preset)')
    .option('--tau <x>', 'temperature of tri, nce, official_nce (default: the preset)')
    .option('--negatives <H>', 'negatives per tuple (default: the preset)')
    .option('--delta-upper <x>', 'largest |ρ| (default: the preset)')
    .option('--augmentation <aug>', 'root, none-shared, level(k), … (default: the preset)')
    .option('--eval-samples <n>', 'evaluation samples per run (default: the preset)')
    .option('--eval-epochs <n>', 'evaluations during a run (a diverging run keeps the last finite one)', '1')
    .option('--engine <name>', 'f32 (default) or tfjs')
    .option('--backend <name>', 'TF.js backend (implies --engine tfjs)')
    .option('--name <name>', 'run folder name under <report-dir>/runs (default: sweep-<hash of the options>)')
    .option('--fresh', 'ignore the state of an earlier, interrupted sweep (or --shard) of the same name')
    .option('--report-dir <dir>', 'where runs/<name>/ and latest/sweep (a link to the newest run) are written', 'reports')
    .option('--no-report', 'write no files (and keep no state: nothing resumes)')
    .option('--json', 'print report.json on stdout (the table goes to stderr)')
    .option('--no-progress', 'never draw a progress bar')
    .option('--jobs <n>', 'cells trained at once in worker threads (default: the number of cores; 1: one after the other here)')
    .option('--shard <i/n>', 'train only slice i of n of the cells and write a shard file under <report-dir>/shards/ (then: covcheck merge)')
    .action(async (raw: SweepRawOptions) => {
      ctx.exitCode = await runSweepCommand(raw, ctx);
    });
}

/** Runs the command (train: the engine's by default; tests inject a fake). Returns the exit code. */
export async function runSweepCommand(raw: SweepRawOptions, ctx: CliContext, trainFn?: TrainFn): Promise<number> {
  const o = parseSweepOptions(raw, ctx);
  if (o.extras.engine === 'tfjs') await loadBackend(o.extras.backend ?? 'wasm');
  const jobs = parseJobs(raw.jobs);
  const shard = raw.shard === undefined ? undefined : parseShard(raw.shard);
  if (shard && o.reportDir === null) throw new InputError('--shard', 'a shard writes its results under --report-dir: drop --no-report');
  // --jobs N > 1: the cells train in pool workers, all at once (the engine's own train() here
  // otherwise). The workers start now and load the engine while this thread checks that it loads.
  const pool = jobs > 1 && !trainFn ? new WorkerPool({ jobs, preload: [TRAIN_TASK_MODULE, ENGINE_MODULE] }) : null;
  let train = trainFn;
  if (!train) {
    const loaded = await loadEngineTrainFn(o.extras);
    if (!('train' in loaded)) {
      await pool?.close();
      throw new Error(loaded.unavailable);
    }
    train = loaded.train;
  }
  if (pool) train = poolTrainFn(pool, o.extras);
  if (shard) {
    try {
      return await runSweepShard(o, shard, train, pool !== null, raw.progress && progressAllowed(ctx), ctx);
    } finally {
      await pool?.close();
    }
  }
  const statePath = o.reportDir ? join(o.reportDir, 'runs', o.name, STATE_FILE) : null;
  const total = cellsOf(o.grid).length;
  const progress = createProgress(raw.progress && progressAllowed(ctx), total, 'cells');
  let outcome;
  try {
    outcome = await runSweep({ grid: o.grid, training: o.training }, train, statePath, {
      onCell: (done, _t, c, skipped) => progress.update(done, `${skipped ? 'resumed' : 'training'} depth ${c.depth} hid ${c.hid} δ ${c.deltaLower} ${c.loss} seed ${c.seed}`),
    }, o.fresh, pool !== null);
  } catch (e) {
    const msg = (e as Error).message;
    if (statePath && msg.includes(statePath)) throw new InputError('--name', `${msg}; pass --fresh to start over or another --name`);
    throw e;
  } finally {
    progress.stop();
    await pool?.close();
  }
  return reportSweep(o, outcome, raw.json === true, ctx);
}

/** --shard i/n: trains this slice's cells and writes its shard file; answers 0, or 1 when a cell failed. */
async function runSweepShard(o: ParsedSweep, shard: Shard, train: TrainFn, parallel: boolean, showProgress: boolean, ctx: CliContext): Promise<number> {
  const cells = shardCells(o, shard);
  const progress = createProgress(showProgress, cells.length, 'cells');
  let outcomes;
  // The cells trained so far are kept under shard-state/ (not among the shard files, which merge
  // reads): a rerun of a cut-off shard job resumes.
  const resume = { path: join(o.reportDir!, 'shard-state', o.name, shardStateFileName(shard)), fresh: o.fresh };
  try {
    outcomes = await trainCells(cells, o.training, train, parallel, (done, c) => progress.update(done, `depth ${c.depth} hid ${c.hid} δ ${c.deltaLower} ${c.loss} seed ${c.seed}`), resume);
  } catch (e) {
    const msg = (e as Error).message;
    if (msg.includes(resume.path)) throw new InputError('--fresh', `${msg}; pass --fresh to train this shard's cells again`);
    throw e;
  } finally {
    progress.stop();
  }
  const run = sweepShardRun(o, ctx.version);
  const path = join(o.reportDir!, 'shards', o.name, shardFileName(shard));
  await writeShardFile(path, shardFileOf(run, shard, outcomes));
  const failed = outcomes.flatMap((x) => (x.ok ? [] : [x.failure.message]));
  for (const m of failed) ctx.stderr.write(`${m}\n`);
  ctx.stdout.write(`${o.command} --shard ${shard.index}/${shard.count}\nshard ${shard.index}/${shard.count}: ${cells.length} of ${run.tasks.length} cells, ${failed.length} failed; shard file: ${path}\n`);
  return failed.length > 0 ? 1 : 0;
}

/**
 * Prints the table and writes the report folder of a finished sweep (also of merged shards:
 * covcheck merge); answers the exit code.
 */
export async function reportSweep(o: Pick<ParsedSweep, 'grid' | 'training' | 'extras' | 'name' | 'reportDir' | 'command'>, outcome: Pick<SweepOutcome, 'records' | 'state' | 'trained' | 'resumed'>, json: boolean, ctx: CliContext): Promise<number> {
  const human = json ? ctx.stderr : ctx.stdout;
  const total = outcome.records.length;
  const groups = summarizeGroups(outcome.records);
  const maxL = Math.max(...groups.map((g) => g.final.length));
  human.write(`${o.command}\n${total} cells: ${outcome.trained} trained, ${outcome.resumed} resumed from ${STATE_FILE}\n`);
  human.write(
    renderTable(
      [{ header: 'depth', align: 'right' }, { header: 'hid', align: 'right' }, { header: 'δ_lower', align: 'right' }, { header: 'loss' }, { header: 'seeds', align: 'right' }, ...Array.from({ length: maxL }, (_, h) => ({ header: `h${h + 1}`, align: 'right' as const })), { header: 'G', align: 'right' }, { header: 'diverged', align: 'right' }],
      groups.map((g) => [String(g.depth), String(g.hid), String(g.deltaLower), g.loss, String(g.seeds), ...Array.from({ length: maxL }, (_, h) => (g.final[h] ? g.final[h]!.mean.toFixed(3) : '')), g.G ? g.G.mean.toFixed(3) : '', String(g.diverged)]),
    ),
  );
  if (o.reportDir) {
    const files = await sweepReportFiles({ version: ctx.version, command: o.command, grid: o.grid, training: o.training, engine: { engine: o.extras.engine ?? 'f32', ...(o.extras.backend ? { backend: o.extras.backend } : {}) }, records: outcome.records, state: outcome.state });
    try {
      const written = await writeRunFolder(o.reportDir, o.name, files, { command: 'sweep' });
      human.write(`report: ${written.dir}\n`);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === undefined) throw e;
      throw new InputError('--report-dir', `cannot write the report under ${o.reportDir} (${code}); the results above stand, no report was kept`);
    }
    if (json) ctx.stdout.write(files['report.json']!);
  } else if (json) {
    const files = await sweepReportFiles({ version: ctx.version, command: o.command, grid: o.grid, training: o.training, engine: { engine: o.extras.engine ?? 'f32' }, records: outcome.records, state: outcome.state });
    ctx.stdout.write(files['report.json']!);
  }
  return 0;
}

