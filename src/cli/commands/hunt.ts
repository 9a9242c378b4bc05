/**
 * `covcheck hunt --claim ID [--variant NAME] [--loss FILE] [--runs N | --time 10m]`: searches for the
 * case with the largest violation of a claim (targeted search on fast-check, src/hunt/search.ts),
 * shrinks it structurally to a minimal dyadic case, prints it, and saves it to the failure corpus
 * (fixtures/counterexamples/, one file per distinct minimal case). A progress line on stderr shows
 * the worst violation so far.
 *
 * Exit codes: 0 nothing failed (no violation of a claim that should hold; or a violation of an
 * excluded variant, as the theory says), 1 a claim failed (a violation where it should hold, or
 * none found for an excluded variant), 2 bad input.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import type { Loss } from '../../losses/loss.js';
import { BUILTIN_SPEC_HELP, familyOf, isPluginFileSpec, resolveLossSpec } from '../../losses/plugin/index.js';
import { DEFAULT_PLUGIN_LIMITS, type PluginLimits } from '../../pool/pluginRun.js';
import { huntIsolated } from '../../pool/pluginHunt.js';
import { parsePluginLimits, pluginFlags, type PluginRaw } from '../pluginOptions.js';
import { fmt } from '../../runner/run.js';
import type { CliContext } from '../context.js';
import { parseIntOption, SEED_MAX, SEED_MIN, parseChoice } from '../options.js';
import { HUNT_TARGETS, targetsFor, type HuntTarget } from '../../hunt/targets.js';
import { parseDuration, type HuntProgress, type HuntResult } from '../../hunt/search.js';
import { huntOnJobs } from '../../pool/huntTask.js';
import { parseJobs } from '../../pool/jobs.js';
import { CORPUS_DIR } from '../../hunt/corpus.js';
import { counterexampleFile, formatCounterexample, saveCounterexample } from '../../hunt/counterexampleFile.js';
import { implFlags, runImplHunt, type ImplRaw } from '../implOption.js';
import { sizeText } from '../../hunt/caseMoves.js';
import type { NestedCaseJson } from '../../case/schema.js';

interface RawOptions extends PluginRaw {
  claim?: string;
  variant?: string;
  loss?: string;
  runs?: string;
  time?: string;
  seed: string;
  scale: string;
  out: string;
  save: boolean;
  json?: boolean;
  progress: boolean;
  jobs?: string;
}

export interface HuntCliOptions {
  readonly target: HuntTarget;
  readonly lossSpec: string | null;
  readonly runs: number | null;
  readonly timeMs: number | null;
  readonly seed: number;
  readonly scale: 'ci' | 'full';
  readonly out: string | null;
  readonly json: boolean;
  readonly progress: boolean;
  /** --jobs: workers evaluating each search round (default 1; the result is the same for any N). */
  readonly jobs?: number;
  /** --plugin-timeout, --plugin-memory (a plugin file's hunt runs isolated). */
  readonly pluginLimits?: PluginLimits;
}

function targetList(): string {
  return HUNT_TARGETS.map((t) => `  ${t.id.padEnd(20)} ${t.expect === 'fail' ? '(excluded variant) ' : ''}${t.description}`).join('\n');
}

/** Registers `covcheck hunt`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('hunt')
    .description('search for the case with the largest violation of a claim, shrink it, save it to the corpus')
    .option('--claim <id>', 'the claim to hunt (C1, C2, C3, C6)')
    .option('--variant <name>', "which variant of the claim (default: the claim's first variant that should hold)")
    .option('--loss <spec>', `the loss for loss-dependent claims (C2, C6): ${BUILTIN_SPEC_HELP}`)
    .option('--runs <n>', 'cases to evaluate in the search (default 400 at ci scale, 4000 at full)')
    .option('--time <duration>', 'search for this long instead (30s, 10m, 1h)')
    .option('--seed <n>', 'seed of the search', '42')
    .option('--scale <scale>', 'ci (small cases) or full (larger trees and batches)', 'ci')
    .option('--out <dir>', 'the corpus folder', CORPUS_DIR)
    .option('--no-save', 'print the counterexample but do not save it')
    .option('--json', 'print the result as JSON on stdout')
    .option('--no-progress', 'no progress line on stderr')
    .option('--jobs <n>', 'workers evaluating the cases of each search round (default 1; same counterexample for any n)')
    .addOption(implFlags.impl())
    .addOption(implFlags.timeout())
    .addOption(pluginFlags.timeout())
    .addOption(pluginFlags.memory())
    .addHelpText(
      'after',
      `\nTargets (--claim/--variant):\n${targetList()}\n\n` +
        'Shrinking: fewer nodes (depth, children), smaller hid and output, smaller batch (B, H), no bias or\n' +
        'normalisation when not needed, then simpler numbers (0, ±1, short dyadic fractions).\n' +
        'Exit codes: 0 nothing failed (no violation where the claim should hold, or a violation of an excluded\n' +
        'variant, as the theory says), 1 a claim failed, 2 bad input.',
    )
    .action(async (raw: RawOptions & Pick<ImplRaw, 'impl' | 'implTimeout'>) => {
      if (raw.impl !== undefined) return void (ctx.exitCode = await runImplHunt(raw, ctx));
      const o = parseHuntOptions(raw, ctx);
      ctx.exitCode = await runHunt(o, ctx);
    });
}

/** Validates the options; InputError naming the flag. */
export function parseHuntOptions(raw: RawOptions, ctx: CliContext): HuntCliOptions {
  if (raw.claim === undefined) throw new InputError('--claim', 'required: which claim to hunt (C1, C2, C3, C6); see covcheck hunt --help');
  const claim = raw.claim.trim().toUpperCase();
  const targets = targetsFor(claim);
  if (targets.length === 0) {
    const claims = [...new Set(HUNT_TARGETS.map((t) => t.claim))];
    throw new InputError('--claim', `cannot hunt ${JSON.stringify(raw.claim)} (huntable claims: ${claims.join(', ')})`);
  }
  let target: HuntTarget;
  if (raw.variant === undefined) target = targets.find((t) => t.expect === 'hold') ?? targets[0]!;
  else {
    const found = targets.find((t) => t.variant === raw.variant!.trim());
    if (!found) throw new InputError('--variant', `${claim} has no variant ${JSON.stringify(raw.variant)} (${targets.map((t) => t.variant).join(', ')})`);
    target = found;
  }
  if (raw.loss !== undefined && !target.usesLoss) throw new InputError('--loss', `${target.id} does not depend on the loss (loss-dependent targets: ${HUNT_TARGETS.filter((t) => t.usesLoss).map((t) => t.id).join(', ')})`);
  if (raw.runs !== undefined && raw.time !== undefined) throw new InputError('--time', 'give either --runs or --time, not both');
  const runs = raw.runs === undefined ? null : parseIntOption('--runs', raw.runs, 1, 100_000_000);
  const timeMs = raw.time === undefined ? null : parseDuration('--time', raw.time);
  const seed = parseIntOption('--seed', raw.seed, SEED_MIN, SEED_MAX);
  const scale = parseChoice<'ci' | 'full'>('--scale', raw.scale, ['ci', 'full']);
  if (raw.save && raw.out.trim() === '') throw new InputError('--out', 'expected a folder');
  if (raw.save) {
    const problem = folderProblem(resolve(ctx.cwd, raw.out));
    if (problem !== null) throw new InputError('--out', `${raw.out}: ${problem} (checked before searching)`);
  }
  return {
    target,
    lossSpec: raw.loss ?? null,
    runs,
    timeMs,
    seed,
    scale,
    out: raw.save ? resolve(ctx.cwd, raw.out) : null,
    json: raw.json === true,
    progress: raw.progress,
    jobs: raw.jobs === undefined ? 1 : parseJobs(raw.jobs),
    pluginLimits: parsePluginLimits(raw),
  };
}

/** Why a corpus folder cannot be written (null: it can): not a folder, or no write access to it or its nearest existing parent. */
export function folderProblem(dir: string): string | null {
  let d = dir;
  for (;;) {
    if (existsSync(d)) {
      if (!statSync(d).isDirectory()) return d === dir ? 'exists and is not a folder' : `${d} is not a folder`;
      try {
        accessSync(d, constants.W_OK | constants.X_OK);
      } catch {
        return d === dir ? 'not writable' : `cannot create it (${d} is not writable)`;
      }
      return null;
    }
    const up = dirname(d);
    if (up === d) return 'no existing parent folder';
    d = up;
  }
}

/** Runs a hunt, prints and saves; returns the exit code. */
export async function runHunt(o: HuntCliOptions, ctx: CliContext): Promise<number> {
  let loss: Pick<Loss, 'name' | 'params'> | undefined;
  let inProcessLoss: Loss | undefined;
  const isolated = o.lossSpec !== null && isPluginFileSpec(o.lossSpec);
  if (o.lossSpec !== null && !isolated) loss = inProcessLoss = await resolveLossSpec(o.lossSpec, ctx.cwd);
  const tty = ctx.stderrIsTTY && !ctx.env.CI;
  let lastLine = 0;
  const progress = (p: HuntProgress) => {
    if (!o.progress) return;
    const now = performance.now();
    const text = `hunt ${o.target.id}: ${p.phase}, ${p.evaluations} cases, ${p.mutationsKept} mutations kept, worst error/tol ${fmt(p.worstRatio)} (error ${fmt(p.worstError)}), ${(p.elapsedMs / 1000).toFixed(1)} s`;
    if (tty) ctx.stderr.write(`\r${text.padEnd(110).slice(0, 140)}`);
    else if (now - lastLine > 5000) {
      ctx.stderr.write(text + '\n');
      lastLine = now;
    }
  };
  let result: HuntResult;
  if (isolated) {
    // A user's plugin file: the whole hunt runs in an isolated child; --time bounds it all (src/pool/pluginHunt.ts).
    const r = await huntIsolated(o.target, { spec: o.lossSpec!, cwd: ctx.cwd, seed: o.seed, scale: o.scale, ...(o.runs !== null ? { runs: o.runs } : {}), ...(o.timeMs !== null ? { timeMs: o.timeMs } : {}) }, o.pluginLimits ?? DEFAULT_PLUGIN_LIMITS, progress);
    result = r.result;
    loss = r.loss;
  } else {
    result = await huntOnJobs(o.target, {
      seed: o.seed,
      scale: o.scale,
      ...(o.runs !== null ? { runs: o.runs } : {}),
      ...(o.timeMs !== null ? { timeMs: o.timeMs } : {}),
      ...(inProcessLoss ? { loss: inProcessLoss, negatives: familyOf(inProcessLoss).negatives } : {}),
      onProgress: progress,
    }, { jobs: o.jobs ?? 1, lossSpec: o.lossSpec, cwd: ctx.cwd });
  }
  if (o.progress && tty) ctx.stderr.write('\r'.padEnd(120) + '\r');
  const found = result.shrunk !== null;
  const exit = o.target.expect === 'hold' ? (found ? 1 : 0) : found ? 0 : 1;
  let saved: { path: string; created: boolean } | null = null;
  let saveError: string | null = null;
  let file = null;
  if (found) {
    // The hunted loss is written into the case (name and parameters); a plugin's file is the
    // counterexample file's loss.spec, which eval and replay load (never the generator's built-in).
    const withLoss = (c: NestedCaseJson) => (loss ? { ...c, loss: { name: loss.name, ...loss.params } } : c);
    const json = withLoss(result.shrunk!.json);
    file = counterexampleFile({
      target: o.target,
      json,
      measurement: result.shrunk!.measurement,
      seed: o.seed,
      path: `${result.path}; ${result.shrinkSteps} shrink steps`,
      version: ctx.version,
      loss: loss && o.lossSpec ? { spec: o.lossSpec, loss } : undefined,
      worst: result.worst && result.worst !== result.shrunk ? { json: withLoss(result.worst.json), measurement: result.worst.measurement, path: result.path } : undefined,
    });
    if (o.out !== null) {
      try {
        saved = saveCounterexample(o.out, file);
      } catch (e) {
        saveError = `could not save to --out ${o.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
      }
    }
  }
  const human = o.json ? ctx.stderr : ctx.stdout;
  human.write(describeHunt(o, result, exit, saved, ctx.cwd));
  if (found && file) human.write(formatCounterexample(file));
  if (saveError !== null) {
    // The case is printed above; the save failed: say so and exit 2 (bad --out), the case not lost.
    ctx.stderr.write(`covcheck: --out: ${saveError} (the counterexample is printed above)\n`);
    return 2;
  }
  if (o.json) {
    ctx.stdout.write(
      JSON.stringify({
        target: o.target.id,
        claim: o.target.claim,
        expect: o.target.expect,
        found,
        exitCode: exit,
        evaluations: result.evaluations,
        searchMs: result.searchMs,
        shrinkMs: result.shrinkMs,
        shrinkSteps: result.shrinkSteps,
        errors: result.errors,
        saved: saved ? { path: saved.path, created: saved.created } : null,
        counterexample: file,
        worstRatio: result.worst?.ratio ?? null,
      }) + '\n',
    );
  }
  return exit;
}

function describeHunt(o: HuntCliOptions, r: HuntResult, exit: number, saved: { path: string; created: boolean } | null, cwd: string): string {
  const lines: string[] = [];
  const budget = o.timeMs !== null ? `${(o.timeMs / 1000).toFixed(0)} s` : `${r.evaluations} cases`;
  lines.push(`hunt ${o.target.id} (claim ${o.target.claim}, ${o.target.expect === 'hold' ? 'should hold' : 'excluded variant'}): ${r.evaluations} cases in ${(r.searchMs / 1000).toFixed(1)} s (budget ${budget}, seed ${o.seed}, scale ${o.scale})`);
  if (r.errors > 0) lines.push(`${r.errors} cases could not be evaluated; first: ${r.firstError}`);
  if (r.worst) lines.push(`worst error/tolerance ${fmt(r.worst.ratio)} (error ${fmt(r.worst.measurement.error)}, ${r.path})`);
  if (r.shrunk) {
    lines.push(`shrunk in ${r.shrinkSteps} steps (${(r.shrinkMs / 1000).toFixed(1)} s) to ${sizeText(r.shrunk.json)}: error ${fmt(r.shrunk.measurement.error)} vs tolerance ${fmt(r.shrunk.measurement.tolerance)}`);
    if (r.shrunk.measurement.note) lines.push(`  ${r.shrunk.measurement.note}`);
    if (saved) {
      const rel = saved.path.startsWith(cwd + '/') ? saved.path.slice(cwd.length + 1) : saved.path;
      lines.push(saved.created ? `saved ${rel} (replay: covcheck replay ${rel})` : `already in the corpus: ${rel}`);
    }
  } else {
    lines.push(`no violation found${r.worst ? ` (largest error/tolerance ${fmt(r.worst.ratio)})` : ''}`);
  }
  const verdict =
    o.target.expect === 'hold'
      ? exit === 0
        ? 'PASSED: no counterexample'
        : `FAILED: ${o.target.claim} is violated`
      : exit === 0
        ? 'expected-fail: the excluded variant violates the claim, as the theory says'
        : 'FAILED: no counterexample found for an excluded variant';
  lines.push(`${verdict} (exit ${exit})`);
  return lines.join('\n') + '\n';
}
