/**
 * `covcheck replay`: re-runs one check on one fast-check seed and path (a counterexample from a
 * report, a CI log, or a saved file) and prints the shrunk case and its measurement.
 *   covcheck replay --check ID --seed S --path P [--scale ci|full] [--loss SPEC]
 *   covcheck replay FILE          (JSON with {check, seed, path, scale?, loss?}; other fields ignored)
 * A loss-dependent check (an id ending in [loss label]) exists once its loss is loaded: --loss SPEC,
 * or the `loss` a saved file records.
 * Exit 1 if it still fails and the check expects the claim to hold, 0 otherwise, 2 bad input.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Check, CheckResult, RunOptions, Scale } from '../../runner/check.js';
import { runCheck } from '../../runner/run.js';
import { InputError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { parseChoice, parseIntOption, SEED_MAX, SEED_MIN } from '../options.js';
import { describeReplayOutcome, replayExitCode } from '../../hunt/corpus.js';
import { replayCorpusFile } from '../../pool/pluginCorpus.js';
import { parsePluginLimits, pluginFlags, type PluginRaw } from '../pluginOptions.js';
import { isCounterexampleFile } from '../../hunt/counterexampleFile.js';
import { replayCommand, type ReplayTarget } from '../../runner/replayCommand.js';
import { BUILTIN_SPEC_HELP } from '../../losses/plugin/index.js';
import { commandLossChecks } from '../lossSpecChecks.js';
import { prettyJson, reportJson } from '../../report/json.js';
import { implFlags, runImplFlag, type ImplRaw } from '../implOption.js';

/** What is replayed: check, seed, fast-check path ('' replays from the seed), scale and loss spec. */
export type { ReplayTarget } from '../../runner/replayCommand.js';

interface RawOptions {
  check?: string;
  seed?: string;
  path?: string;
  scale?: string;
  loss?: string;
  json?: boolean;
}

/** Registers `covcheck replay`. */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('replay')
    .description('re-run one check on a saved seed and path; print the shrunk counterexample and its measurement')
    .argument('[file]', 'a JSON file with {check, seed, path, scale?} (e.g. reports/latest/counterexamples/*.json)')
    .option('--check <id>', 'the check id')
    .option('--seed <n>', "fast-check's seed for that check (as printed with the counterexample)")
    .option('--path <path>', "fast-check's counterexample path, e.g. 4:2:0")
    .option('--scale <scale>', 'ci or full (default: the file\'s scale, else ci)')
    .option('--loss <spec>', `the loss of a loss-dependent check (its id ends in [loss]): ${BUILTIN_SPEC_HELP}`)
    .option('--json', 'print the replayed result as JSON on stdout')
    .addOption(implFlags.impl())
    .addOption(implFlags.timeout())
    .addOption(pluginFlags.timeout())
    .addOption(pluginFlags.memory())
    .action(async (file: string | undefined, raw: RawOptions & PluginRaw & Pick<ImplRaw, 'impl' | 'implTimeout'>) => {
      if (raw.impl !== undefined) {
        if (file === undefined) throw new InputError('file', 'replay --impl needs a case FILE (as saved by verify --impl)');
        return void (ctx.exitCode = await runImplFlag({ impl: raw.impl, ...(raw.implTimeout === undefined ? {} : { implTimeout: raw.implTimeout }) }, ctx, null, file));
      }
      if (file !== undefined && isCorpusFile(resolve(ctx.cwd, file))) {
        // A saved counterexample in the case format (covcheck hunt, fixtures/counterexamples/).
        const outcome = await replayCorpusFile(resolve(ctx.cwd, file), resolve(ctx.cwd, file), ctx.cwd, parsePluginLimits(raw));
        ctx.stdout.write(describeReplayOutcome(outcome));
        ctx.exitCode = replayExitCode(outcome);
        return;
      }
      const registry = await ctx.registry();
      const first = parseReplayTarget(file, raw, [], ctx.cwd, false);
      const limits = parsePluginLimits(raw);
      const checks = first.loss === undefined ? registry.checks : [...registry.checks, ...(await commandLossChecks(first.loss, ctx, registry.lossChecks, limits, raw.loss !== undefined ? '--loss' : `${file}: loss`)).checks];
      const target = parseReplayTarget(file, raw, checks, ctx.cwd);
      ctx.exitCode = await runReplay(target, findCheck(checks, target.check, '--check', target.loss), raw.json === true, ctx);
    });
}

/** True when FILE is readable JSON in the corpus format (anything else goes the seed/path way). */
function isCorpusFile(path: string): boolean {
  try {
    return isCounterexampleFile(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return false;
  }
}

/** Validates the command line (and reads FILE); throws InputError naming the field. */
export function parseReplayTarget(file: string | undefined, raw: RawOptions, checks: readonly Check[], cwd: string, lookUp = true): ReplayTarget {
  const scaleFlag = raw.scale === undefined ? undefined : parseChoice<Scale>('--scale', raw.scale, ['ci', 'full']);
  let target: ReplayTarget;
  if (file !== undefined) {
    const given = (['check', 'seed', 'path'] as const).filter((k) => raw[k] !== undefined);
    if (given.length > 0) throw new InputError(`--${given[0]}`, 'give either a replay FILE or --check/--seed/--path, not both');
    target = readReplayFile(resolve(cwd, file), file, scaleFlag);
    if (raw.loss !== undefined) target = { ...target, loss: raw.loss };
  } else {
    if (raw.check === undefined) throw new InputError('--check', 'required (or give a replay FILE); see covcheck replay --help');
    if (raw.seed === undefined) throw new InputError('--seed', 'required with --check');
    target = {
      check: raw.check,
      seed: parseIntOption('--seed', raw.seed, SEED_MIN, SEED_MAX),
      path: checkPath('--path', raw.path ?? ''),
      scale: scaleFlag ?? 'ci',
      ...(raw.loss !== undefined ? { loss: raw.loss } : {}),
    };
  }
  if (lookUp) findCheck(checks, target.check, file === undefined ? '--check' : `${file}: check`, target.loss);
  return target;
}

function readReplayFile(abs: string, shown: string, scaleFlag: Scale | undefined): ReplayTarget {
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    throw new InputError(shown, `cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(shown, `not valid JSON (${(e as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new InputError(shown, 'expected a JSON object');
  const obj = data as Record<string, unknown>;
  // A report entry nests seed and path in `counterexample`; a saved replay file has them on top.
  const cx = typeof obj.counterexample === 'object' && obj.counterexample !== null ? (obj.counterexample as Record<string, unknown>) : {};
  const pick = (k: string) => (obj[k] !== undefined ? obj[k] : cx[k]);
  const check = pick('check');
  if (typeof check !== 'string' || check === '') throw new InputError(`${shown}: check`, 'expected a check id (string)');
  const seed = pick('seed');
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < SEED_MIN || seed > SEED_MAX) {
    throw new InputError(`${shown}: seed`, `expected a 32-bit integer, got ${JSON.stringify(seed) ?? 'nothing'}`);
  }
  const path = pick('path') ?? '';
  if (typeof path !== 'string') throw new InputError(`${shown}: path`, 'expected a string such as "4:2:0"');
  const fileScale = pick('scale');
  let scale: Scale = 'ci';
  if (scaleFlag !== undefined) scale = scaleFlag;
  else if (fileScale !== undefined) {
    if (fileScale !== 'ci' && fileScale !== 'full') throw new InputError(`${shown}: scale`, `expected "ci" or "full", got ${JSON.stringify(fileScale)}`);
    scale = fileScale;
  }
  const loss = pick('loss');
  if (loss !== undefined && (typeof loss !== 'string' || loss.trim() === '')) throw new InputError(`${shown}: loss`, `expected the --loss text (a string), got ${JSON.stringify(loss)}`);
  return { check, seed, path: checkPath(`${shown}: path`, path), scale, ...(loss !== undefined ? { loss } : {}) };
}

function checkPath(field: string, path: string): string {
  const p = path.trim();
  if (p !== '' && !/^\d+(:\d+)*$/.test(p)) throw new InputError(field, `expected a fast-check path such as 4:2:0, got ${JSON.stringify(path)}`);
  return p;
}

/** The check with this id; InputError(field) with close matches otherwise. */
export function findCheck(checks: readonly Check[], id: string, field: string, loss?: string): Check {
  const found = checks.find((c) => c.id === id);
  if (found) return found;
  const lower = id.toLowerCase();
  const close = checks.filter((c) => c.id.toLowerCase().includes(lower) || lower.includes(c.id.toLowerCase())).slice(0, 5);
  const hint = close.length ? ` (did you mean ${close.map((c) => c.id).join(', ')}?)` : id.endsWith(']') && loss === undefined ? ' (a loss-dependent check: give the loss with --loss SPEC)' : '';
  throw new InputError(field, `unknown check id ${JSON.stringify(id)}${hint}`);
}

/** Replays and prints; returns 1 if it still fails a check that expects 'hold', else 0. */
export async function runReplay(t: ReplayTarget, check: Check, json: boolean, ctx: CliContext): Promise<number> {
  const options: RunOptions = { seed: t.seed, scale: t.scale, ...(t.path !== '' ? { path: t.path } : {}) };
  const result = await runCheck(check, options);
  const failing = result.verdict === 'fail' && check.expect === 'hold';
  const human = json ? ctx.stderr : ctx.stdout;
  human.write(describeReplay(t, check, result));
  if (json) {
    const { ms: _ms, plots: _plots, ...rest } = result;
    ctx.stdout.write(reportJson({ replay: t, result: rest }));
  }
  return failing ? 1 : 0;
}

function describeReplay(t: ReplayTarget, check: Check, r: CheckResult): string {
  const lines = [
    `replay ${t.check} (claim ${check.claim}, ${check.arithmetic}, variant ${check.variant}, expects ${check.expect})`,
    `seed ${t.seed}, path ${t.path || '(none)'}, scale ${t.scale}: ${r.verdict === 'fail' ? 'FAIL' : r.verdict}`,
    r.message,
  ];
  const cx = r.counterexample;
  if (cx) {
    lines.push(`counterexample (${cx.shrinks} shrinks):`, indent(prettyJson(cx.value)));
    const m = cx.measurement;
    lines.push(
      `measurement: error ${m.error}, tolerance ${m.tolerance}, ok ${m.ok}` +
        (m.derivation ? `\n  tolerance derivation: ${m.derivation}` : '') +
        (m.note ? `\n  note: ${m.note}` : ''),
    );
    if (cx.path && cx.path !== t.path) lines.push(`replay exactly: ${replayCommand({ ...t, seed: cx.seed, path: cx.path })}`);
  } else if (r.verdict === 'pass') {
    lines.push(`no counterexample on this ${t.path ? 'path' : 'seed'}: it does not fail now (worst error ${r.worst.error} vs tolerance ${r.worst.tolerance})`);
  }
  if (r.statistic) lines.push(`statistic: ${JSON.stringify(r.statistic)}`);
  return lines.join('\n') + '\n';
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}
