/**
 * The tasks a user's loss plugin runs in, each in an isolated child (./pluginRun.ts, ./isolate.ts):
 * the plugin file is loaded, validated and probed there, never in the covcheck process. Each task
 * takes plain data and answers plain data (a structured clone crosses the IPC channel; nothing the
 * plugin prints on stdout reaches the parent's stdout or is read as a result).
 *
 *   lossChecksInfo    the loss checks of `--loss ./x.ts` (their data) and the loss's label
 *   runChecksWith     some of those checks, each with its own seed (verify, compare, replay)
 *   evaluateWithLoss  `eval --case … --loss ./x.ts`: one case evaluated under the plugin
 *   huntWithLoss      `hunt --loss ./x.ts`: the whole search and shrink, with progress
 *   replayCorpusCase  a corpus file (fixtures/counterexamples) whose loss is a plugin file
 *   trainWithLoss     `train --loss ./x.ts`: the whole training run, with progress
 */
import type { Check, CheckResult, RunOptions } from '../runner/check.js';
import { runCheck, thrownResult } from '../runner/run.js';
import { resolveLossSpec } from '../losses/plugin/index.js';
import { familyOf, lossLabel } from '../losses/plugin/family.js';
import { parseCase } from '../case/parseCase.js';
import { evaluateCase } from '../case/evaluateCase.js';
import { hunt, type HuntProgress, type HuntResult } from '../hunt/search.js';
import { HUNT_TARGETS } from '../hunt/targets.js';
import { readCounterexampleFile } from '../hunt/counterexampleFile.js';
import { replayCounterexample, type ReplayOutcome } from '../hunt/corpus.js';
import { checksOf, crossable, type CheckSource } from './checkTask.js';
import { TASK_STARTED, type TaskContext } from './task.js';
import { resolveOptions } from '../train/presets.js';
import type { TrainOptions } from '../train/options.js';
import { train, type TrainResult } from '../train/train.js';

/** This module's URL: the `module` of a plugin task. */
export const PLUGIN_TASK_MODULE = import.meta.url;

/** What the parent needs of a check it does not hold (a check is code; this is its data). */
export type CheckMeta = Pick<Check, 'id' | 'claim' | 'title' | 'variant' | 'expect' | 'arithmetic' | 'lossSpec'>;

/** TaskFunction: the metadata of every check of the source, in its order. */
export async function listChecks(args: { readonly source: CheckSource }): Promise<CheckMeta[]> {
  return (await checksOf(args.source)).map((c) => ({
    id: c.id,
    claim: c.claim,
    title: c.title,
    variant: c.variant,
    expect: c.expect,
    arithmetic: c.arithmetic,
    ...(c.lossSpec !== undefined ? { lossSpec: c.lossSpec } : {}),
  }));
}

/** What a loss's checks are, and the loss's own description (for `compare`'s columns). */
export interface LossChecksInfo {
  readonly checks: CheckMeta[];
  readonly loss: { readonly name: string; readonly params: Readonly<Record<string, number>>; readonly label: string; readonly rational: boolean; readonly perTuple: boolean };
}

/** TaskFunction: the metadata of the source's checks and of the loss `spec` (a plugin file). */
export async function lossChecksInfo(args: { readonly source: CheckSource; readonly spec: string; readonly cwd: string; readonly flag: string }, ctx: TaskContext): Promise<LossChecksInfo> {
  ctx.progress(0, TASK_STARTED);
  const loss = await resolveLossSpec(args.spec, args.cwd, args.flag);
  const checks = await listChecks(args);
  return { checks, loss: { name: loss.name, params: { ...loss.params }, label: lossLabel(loss), rational: loss.rational, perTuple: loss.perTuple } };
}

/** One check to run, by id, with its own run options (seed; path for a replay). */
export interface CheckRun {
  readonly id: string;
  readonly options: Omit<RunOptions, 'onProgress'>;
}

/**
 * TaskFunction: checks of a source, one after the other, each with its own options; a check that
 * throws is its `fail` (errored), as in-process. Progress: the fraction of checks done.
 */
export async function runChecksWith(args: { readonly source: CheckSource; readonly runs: readonly CheckRun[] }, ctx: TaskContext): Promise<CheckResult[]> {
  ctx.progress(0, TASK_STARTED);
  const checks = await checksOf(args.source);
  const out: CheckResult[] = [];
  for (const [i, run] of args.runs.entries()) {
    const check = checks.find((c) => c.id === run.id);
    if (!check) throw new Error(`no check ${JSON.stringify(run.id)} in ${args.source.module}#${args.source.export}`);
    const t0 = performance.now();
    const onProgress = (f: number) => ctx.progress((i + f) / args.runs.length, run.id);
    let r: CheckResult;
    try {
      r = await runCheck(check, { ...run.options, onProgress });
    } catch (e) {
      r = { ...thrownResult(check, run.options, e), ms: Math.round(performance.now() - t0) };
    }
    out.push(crossable(r));
  }
  return out;
}

export interface EvaluateArgs {
  readonly spec: string;
  readonly cwd: string;
  /** The flag or file field the spec came from (--loss, "x.json: loss.spec"). */
  readonly flag: string;
  readonly caseJson: unknown;
  readonly connections: boolean;
  readonly exact: boolean;
}

/** TaskFunction: `eval` of one case under a plugin loss (non-finite numbers kept for the parent to refuse). */
export async function evaluateWithLoss(args: EvaluateArgs, ctx: TaskContext): Promise<unknown> {
  ctx.progress(0, TASK_STARTED);
  const loss = await resolveLossSpec(args.spec, args.cwd, args.flag);
  const parsed = parseCase(args.caseJson, { loss });
  return plainData(evaluateCase(parsed, { connections: args.connections, exact: args.exact }));
}

export interface HuntArgs {
  readonly target: string;
  readonly spec: string;
  readonly cwd: string;
  readonly seed: number;
  readonly scale: 'ci' | 'full';
  readonly runs?: number;
  readonly timeMs?: number;
  readonly shrinkMs?: number;
}

/** What a hunt in a child answers: the result without its target (code), and the loss's name and parameters. */
export interface HuntReply {
  readonly result: Omit<HuntResult, 'target'>;
  readonly loss: { readonly name: string; readonly params: Readonly<Record<string, number>> };
}

/** The label of a hunt's progress message: the HuntProgress as JSON (the parent decodes it). */
export const HUNT_PROGRESS = 'hunt:';

/** TaskFunction: a whole hunt of a plugin loss (search and shrink). */
export async function huntWithLoss(args: HuntArgs, ctx: TaskContext): Promise<HuntReply> {
  ctx.progress(0, TASK_STARTED);
  const target = HUNT_TARGETS.find((t) => t.id === args.target);
  if (!target) throw new Error(`no hunt target ${JSON.stringify(args.target)}`);
  const loss = await resolveLossSpec(args.spec, args.cwd);
  const onProgress = (p: HuntProgress): void => {
    const f = args.timeMs !== undefined ? p.elapsedMs / args.timeMs : args.runs !== undefined ? p.evaluations / args.runs : 0;
    ctx.progress(f, HUNT_PROGRESS + JSON.stringify(p));
  };
  const { target: _t, ...result } = await hunt(target, {
    seed: args.seed,
    scale: args.scale,
    ...(args.runs !== undefined ? { runs: args.runs } : {}),
    ...(args.timeMs !== undefined ? { timeMs: args.timeMs } : {}),
    ...(args.shrinkMs !== undefined ? { shrinkMs: args.shrinkMs } : {}),
    loss,
    negatives: familyOf(loss).negatives,
    onProgress,
  });
  return { result: plainData(result) as HuntReply['result'], loss: { name: loss.name, params: { ...loss.params } } };
}

/** TaskFunction: replays one corpus file whose loss is a plugin file. */
export async function replayCorpusCase(args: { readonly abs: string; readonly shown: string; readonly cwd: string }, ctx: TaskContext): Promise<ReplayOutcome> {
  ctx.progress(0, TASK_STARTED);
  return plainData(await replayCounterexample(readCounterexampleFile(args.abs, args.shown), args.shown, args.cwd)) as ReplayOutcome;
}

/** What `train --loss ./x.ts` gets back: the run without the loss object (code stays in the child). */
export type PluginTrainResult = Omit<TrainResult, 'options'> & { readonly options: Omit<TrainOptions, 'lossObject'> };

/**
 * TaskFunction: `train --loss ./x.ts` (issue 8 §2): the plugin is loaded and the whole run trained
 * here, in the isolated child; the epochs come back with the result (progress: steps done).
 */
export async function trainWithLoss(args: { readonly preset: string; readonly overrides: Partial<TrainOptions>; readonly spec: string; readonly cwd: string }, ctx: TaskContext): Promise<PluginTrainResult> {
  ctx.progress(0, TASK_STARTED);
  const lossObject = await resolveLossSpec(args.spec, args.cwd);
  const options = resolveOptions(args.preset, { ...args.overrides, loss: lossObject.name, lossObject });
  const result = await train({ ...options, preset: args.preset }, undefined, { onProgress: (done, total) => ctx.progress(total > 0 ? done / total : 1, `${done}/${total} steps`) });
  const { lossObject: _l, ...plainOptions } = result.options;
  return plainData({ ...result, options: plainOptions }) as PluginTrainResult;
}

/**
 * A value as plain data for a structured clone: objects with toJSON (Rational → "p/q") replaced by
 * their JSON form, everything else kept as it is (NaN and ±Infinity too, unlike a JSON round trip).
 */
export function plainData(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return typeof v === 'bigint' ? v.toString() : v;
  const toJSON = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return plainData((toJSON as () => unknown).call(v));
  if (Array.isArray(v)) return v.map(plainData);
  return Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x !== 'function').map(([k, x]) => [k, plainData(x)]));
}
