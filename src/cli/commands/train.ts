/**
 * `covcheck train`: SimCLR training of the tree-matched network on an HLTM (the official HLTM
 * protocol by default, src/train/presets.ts), evaluated at initialisation and after every epoch;
 * prints the per-height curve, writes a report (JSON, Markdown, SVG). Exit 0 when the run
 * finishes, 1 when it diverges (NaN/Inf, with a diagnosis), 2 on bad options.
 */
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { parseChoice, parseIntOption, progressAllowed, reportDirOption, SEED_MAX, SEED_MIN } from '../options.js';
import { createProgress } from '../progress.js';
import { compactJson } from '../../report/json.js';
import { writeRunFolder } from '../../report/write.js';
import { PRESET_NAMES, resolveOptions } from '../../train/presets.js';
import type { TrainOptions } from '../../train/options.js';
import { LOSS_NAMES } from '../../losses/index.js';
import { isPluginFileSpec, resolveLossSpec } from '../../losses/plugin/index.js';
import { runPluginTask } from '../../pool/pluginRun.js';
import type { PluginTrainResult } from '../../pool/pluginTasks.js';
import { parsePluginLimits, pluginFlags, type PluginRaw } from '../pluginOptions.js';
import { train, type EpochRecord, type TrainResult } from '../../train/train.js';
import { trainReportFiles, trainRunName } from '../../train/report.js';
import type { InitScheme } from '../../network/init.js';
import { loadBackend } from '../../engines/backend.js';
import { ENGINE_NAMES } from '../../engines/engine.js';
import { TRAIN_LIMITS } from '../../train/limits.js';
import { SAMPLER_THREADS_MAX } from '../../hltm/parallelSampler.js';

interface RawOptions extends PluginRaw {
  preset: string;
  depth?: string;
  children?: string;
  hid?: string;
  batch?: string;
  epochs?: string;
  samplesPerEpoch?: string;
  lr?: string;
  optimizer?: string;
  loss?: string;
  tau?: string;
  r0?: string;
  negatives?: string;
  symmetric?: boolean;
  normalize?: boolean;
  eps?: string;
  bias?: boolean;
  init?: string;
  activation?: string;
  deltaLower?: string;
  deltaUpper?: string;
  augmentation?: string;
  seed?: string;
  backend?: string;
  engine?: string;
  evalSamples?: string;
  opSamples?: string;
  samplerThreads?: string;
  json?: boolean;
  reportDir: string;
  report: boolean;
  progress: boolean;
}

/** A finite number option; InputError naming the flag otherwise. */
export function parseNumberOption(flag: string, raw: string): number {
  const s = raw.trim();
  const n = s === '' ? Number.NaN : Number(s);
  if (!Number.isFinite(n)) throw new InputError(flag, `expected a number, got ${JSON.stringify(raw)}`);
  return n;
}

const MAX = Number.MAX_SAFE_INTEGER;

/** Raw strings → the option overrides (undefined = the preset's value). */
export function parseTrainOverrides(raw: RawOptions): Partial<TrainOptions> {
  const int = (flag: string, v: string | undefined, min: number, max = MAX) => (v === undefined ? undefined : parseIntOption(flag, v, min, max));
  const num = (flag: string, v: string | undefined) => (v === undefined ? undefined : parseNumberOption(flag, v));
  const engine = raw.engine !== undefined ? parseChoice('--engine', raw.engine, ENGINE_NAMES) : raw.backend !== undefined ? 'tfjs' : undefined;
  return {
    depth: int('--depth', raw.depth, 1, 12),
    children: int('--children', raw.children, 1, 64),
    hid: int('--hid', raw.hid, 1, 1024),
    batch: int('--batch', raw.batch, 1, 1 << 20),
    epochs: int('--epochs', raw.epochs, 0, 1_000_000),
    samplesPerEpoch: int('--samples-per-epoch', raw.samplesPerEpoch, 1, TRAIN_LIMITS.samplesPerEpoch),
    lr: num('--lr', raw.lr),
    optimizer: raw.optimizer === undefined ? undefined : parseChoice('--optimizer', raw.optimizer, ['sgd', 'adam'] as const),
    loss: raw.loss,
    tau: num('--tau', raw.tau),
    r0: num('--r0', raw.r0),
    ...(raw.negatives === 'in-batch' ? { inBatch: true } : { negatives: int('--negatives', raw.negatives, 1, 1024) }),
    symmetric: raw.symmetric,
    normalize: raw.normalize,
    eps: num('--eps', raw.eps),
    bias: raw.bias,
    init: raw.init === undefined ? undefined : parseChoice<InitScheme>('--init', raw.init, ['pytorch', 'gaussian', 'uniform', 'dyadic']),
    activation: raw.activation,
    deltaLower: num('--delta-lower', raw.deltaLower),
    deltaUpper: num('--delta-upper', raw.deltaUpper),
    augmentation: raw.augmentation,
    seed: int('--seed', raw.seed, SEED_MIN, SEED_MAX),
    backend: raw.backend,
    engine,
    evalSamples: int('--eval-samples', raw.evalSamples, 2, TRAIN_LIMITS.evalSamples),
    opSamples: int('--op-samples', raw.opSamples, 0),
  };
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('train')
    .description('train the tree network on an HLTM (the official HLTM protocol by default) and report best |corr| per height')
    .option('--preset <name>', `base configuration (${PRESET_NAMES.join(', ')})`, 'official')
    .option('--depth <n>', 'tree depth (levels of latents)')
    .option('--children <n>', 'children per internal node')
    .option('--hid <n>', 'units per internal node')
    .option('--batch <n>', 'tuples per step')
    .option('--epochs <n>', 'epochs (0: evaluate the initialisation only)')
    .option('--samples-per-epoch <n>', 'fresh tuples per epoch')
    .option('--lr <x>', 'learning rate (> 0)')
    .option('--optimizer <name>', 'sgd or adam')
    .option('--loss <name>', 'simp, tri, nce, official_nce, official_subtract')
    .option('--tau <x>', 'temperature of tri, nce, official_nce')
    .option('--r0 <x>', 'margin of tri')
    .option('--negatives <H>', 'negatives per tuple, or in-batch (anchor i: the other rows\' 2B − 2 views)')
    .option('--symmetric', 'with --negatives in-batch: every view is an anchor once (SimCLR)')
    .option('--normalize', 'normalise the output f/(‖f‖+ε)')
    .option('--no-normalize', 'no output normalisation')
    .option('--eps <x>', 'ε of the normalisation')
    .option('--bias', 'biases on every node')
    .option('--no-bias', 'no biases')
    .option('--init <scheme>', 'pytorch, gaussian, uniform, dyadic')
    .option('--activation <name>', 'relu, leaky_relu:<slope>, linear, tanh, softplus, gelu')
    .option('--delta-lower <x>', 'smallest polarity magnitude |ρ|, in [0, 1]')
    .option('--delta-upper <x>', 'largest polarity magnitude |ρ|, in [0, 1]')
    .option('--augmentation <aug>', 'root, level(k), identity, none-shared, with +flip(q)')
    .option('--seed <n>', 'seed of the tree, the weights, the samples and the evaluation set')
    .option('--backend <name>', 'TF.js backend: wasm, cpu, tensorflow, tensorflow-gpu, webgpu (implies --engine tfjs)')
    .option('--engine <name>', 'f32 (hand-written kernels, default), tfjs, or webgpu (Dawn: scripts/gpu/setup-lavapipe.sh, docs/gpu.md)')
    .option('--eval-samples <n>', 'evaluation samples (drawn once)')
    .option('--op-samples <n>', 'samples of the covariance-operator estimate (0: skip)')
    .option('--sampler-threads <n>', `threads sampling the bit-sliced batches of --preset large ahead of the step (default: cores − 1, at least 1; 0: this thread); results do not depend on it`)
    .option('--json', 'one JSON line per epoch on stdout (the human lines go to stderr)')
    .option('--report-dir <dir>', 'where runs/<name>/ and latest/train (a link to the newest run) are written', 'reports')
    .option('--no-report', 'write no report files')
    .option('--no-progress', 'never draw a progress bar')
    .addOption(pluginFlags.timeout())
    .addOption(pluginFlags.memory())
    .action(async (raw: RawOptions) => {
      ctx.exitCode = await runTrainCommand(raw, ctx);
    });
}

/** Runs the command; returns the exit code. */
export async function runTrainCommand(raw: RawOptions, ctx: CliContext): Promise<number> {
  let overrides = parseTrainOverrides(raw);
  const limits = parsePluginLimits(raw);
  // A user's plugin file (./loss.ts[:k=v]) trains in an isolated child (issue 8 §2, src/pool/pluginRun.ts);
  // here the built-in nce stands in for it, only to validate the other options before anything starts.
  const pluginFile = raw.loss !== undefined && isPluginFileSpec(raw.loss) ? raw.loss : null;
  const plainOverrides = overrides;
  if (raw.loss !== undefined && !(LOSS_NAMES as readonly string[]).includes(raw.loss)) {
    // A built-in with parameters (nce:tau=0.1), or the stand-in: evaluated in float64 with exact β.
    const lossObject = await resolveLossSpec(pluginFile === null ? raw.loss : 'nce', ctx.cwd);
    overrides = { ...overrides, loss: lossObject.name, lossObject };
  }
  const options = resolveOptions(raw.preset, overrides);
  const samplerThreads = raw.samplerThreads === undefined ? undefined : parseIntOption('--sampler-threads', raw.samplerThreads, 0, SAMPLER_THREADS_MAX);
  const reportDir = reportDirOption(raw.reportDir, raw.report, ctx.cwd);

  // An unavailable backend is a usage error: fail before printing anything.
  if (options.engine === 'tfjs') await loadBackend(options.backend);
  if (options.engine === 'webgpu') (await import('../../engines/webgpu/device.js')).webgpuAdapter();
  const human = raw.json ? ctx.stderr : ctx.stdout;
  const stepsPerEpoch = Math.ceil(options.samplesPerEpoch / options.batch);
  const progress = createProgress(raw.progress && progressAllowed(ctx), stepsPerEpoch * options.epochs, 'steps');
  human.write(
    `covcheck train: preset ${raw.preset}, seed ${options.seed}, depth ${options.depth}×${options.children}, hid ${options.hid}, ` +
      `${pluginFile ?? options.loss} τ ${options.tau}, ${options.optimizer} lr ${options.lr}, ${options.epochs} epochs × ${stepsPerEpoch} steps of ${options.batch}\n`,
  );
  const onEpoch = (e: EpochRecord) => {
    progress.stop();
    if (raw.json) ctx.stdout.write(compactJson(e) + '\n');
    human.write(epochLine(e, options.epochs));
  };
  let result: TrainResult;
  try {
    if (pluginFile !== null) {
      const total = stepsPerEpoch * options.epochs;
      const args = { preset: raw.preset, overrides: plainOverrides, spec: pluginFile, cwd: ctx.cwd };
      const run = await runPluginTask<PluginTrainResult>('train', 'trainWithLoss', args, { spec: pluginFile, limits, onProgress: (f) => progress.update(Math.round(f * total), `${Math.round(f * total)}/${total} steps`) });
      result = run as TrainResult;
      for (const e of result.epochs) onEpoch(e);
    } else {
      result = await train({ ...options, preset: raw.preset }, onEpoch, {
        onProgress: (done, total) => progress.update(done, `${done}/${total} steps`),
        ...(samplerThreads !== undefined ? { samplerThreads } : {}),
      });
    }
  } finally {
    progress.stop();
  }
  human.write(summary(result));
  if (reportDir) {
    try {
      const files = await trainReportFiles(result, ctx.version);
      const written = await writeRunFolder(reportDir, trainRunName(result, overrides), files, { command: 'train' });
      human.write(`report: ${written.dir}\n`);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === undefined) throw e;
      throw new InputError('--report-dir', `cannot write the report under ${reportDir} (${code}); the results above stand, no report was kept`);
    }
  }
  if (result.divergence) {
    ctx.stderr.write(`covcheck: ${result.divergence.message}\n`);
    return 1;
  }
  return 0;
}

function epochLine(e: EpochRecord, epochs: number): string {
  const w = String(epochs).length;
  const loss = e.loss === null ? 'init'.padStart(11) : e.loss.toPrecision(6).padStart(11);
  const speed = e.epoch === 0 ? '' : `  ${Math.round(e.triplesPerSecond).toLocaleString('en')} triples/s`;
  return `epoch ${String(e.epoch).padStart(w)}/${epochs}  loss ${loss}  best|corr| h1..h${e.corrByHeight.length}: ${e.corrByHeight.map((v) => v.toFixed(3)).join(' ')}${speed}\n`;
}

function summary(r: TrainResult): string {
  const first = r.epochs[0];
  const last = r.epochs[r.epochs.length - 1];
  const lines = [`${r.status === 'ok' ? 'finished' : 'diverged'} in ${r.wallSeconds.toFixed(1)} s on ${r.engine}`];
  if (first && last && last !== first) {
    lines.push(`gain by height (h1..h${first.corrByHeight.length}): ${last.corrByHeight.map((v, i) => (v - first.corrByHeight[i]! >= 0 ? '+' : '') + (v - first.corrByHeight[i]!).toFixed(3)).join(' ')}`);
  }
  return lines.join('\n') + '\n';
}
