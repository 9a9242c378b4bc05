/**
 * The pool task that runs one check by id (`verify --jobs N`): a check is code (closures, fast-check
 * arbitraries), so what crosses to the worker is where to find the list (a module URL and an export:
 * an array of checks, or a function of JSON arguments returning one, e.g. the registry handed to the
 * CLI, or the loss checks of a plugin) and the check's id. Each worker builds the list once and runs
 * the check through runCheck with the seed of its identity, taskSeed(--seed, id): the same
 * CheckResult as in-process, whichever worker runs it. `runChecksByIds` runs several in one task
 * (an isolated child with a user's loss plugin loaded once).
 */
import { runCheck } from '../runner/run.js';
import { loadBackend } from '../engines/backend.js';
import { jsonSafe } from '../report/json.js';
import type { Check, CheckResult, RunOptions } from '../runner/check.js';
import type { TaskContext, TaskSpec } from './task.js';
import { taskSeed } from './taskSeed.js';
import { importOnce } from './execute.js';

/** Where a worker finds the checks: module URL, export (Check[] or (args) => Check[] | Promise), args. */
export interface CheckSource {
  readonly module: string;
  readonly export: string;
  readonly args?: unknown;
}

export interface CheckTaskArgs {
  readonly source: CheckSource;
  readonly id: string;
  /** Run options other than the seed (taken from the task's identity) and progress (the pool's). */
  readonly options: Omit<RunOptions, 'seed' | 'onProgress'>;
  /** The TF.js backend (`--backend`) a float32 check runs on; loaded in the worker before it. */
  readonly backend?: string;
}

/** This module's URL: the `module` of a check task. */
export const CHECK_TASK_MODULE = import.meta.url;

const lists = new Map<string, Promise<readonly Check[]>>();

/** TaskFunction: runs check `id` of the source with seed ctx.seed. */
export async function runCheckById(args: CheckTaskArgs, ctx: TaskContext): Promise<CheckResult> {
  const checks = await checksOf(args.source);
  const check = checks.find((c) => c.id === args.id);
  if (!check) throw new Error(`no check ${JSON.stringify(args.id)} in ${args.source.module}#${args.source.export}`);
  if (args.backend !== undefined && check.arithmetic === 'float32') await loadBackend(args.backend);
  return crossable(await runCheck(check, { ...args.options, seed: ctx.seed, onProgress: (f, m) => ctx.progress(f, m) }));
}

/**
 * The result as it may cross a thread or process boundary: a counterexample's value becomes the
 * JSON data the report makes of it (jsonSafe). A structured clone keeps an object's fields but not
 * its class, so a value holding a Rational (whose toJSON writes "p/q") would otherwise reach the
 * report as {num, den} from a worker and as "p/q" in-process.
 */
export function crossable(r: CheckResult): CheckResult {
  return r.counterexample ? { ...r, counterexample: { ...r.counterexample, value: jsonSafe(r.counterexample.value) } } : r;
}

export interface ChecksTaskArgs {
  readonly source: CheckSource;
  readonly ids: readonly string[];
  /** Run options; baseSeed is required: each check's seed is taskSeed(baseSeed, id), as in a pool. */
  readonly options: Omit<RunOptions, 'seed' | 'onProgress'> & { readonly baseSeed: number };
}

/**
 * TaskFunction: several checks of one source in this thread or process, in the order given, each
 * with the seed of its own id: the unit of an isolated child (the loss checks of one plugin, loaded
 * once). Progress is the fraction of checks done. A check that throws rejects the whole task.
 */
export async function runChecksByIds(args: ChecksTaskArgs, ctx: TaskContext): Promise<CheckResult[]> {
  const checks = await checksOf(args.source);
  const out: CheckResult[] = [];
  for (const [i, id] of args.ids.entries()) {
    const check = checks.find((c) => c.id === id);
    if (!check) throw new Error(`no check ${JSON.stringify(id)} in ${args.source.module}#${args.source.export}`);
    const onProgress = (f: number) => ctx.progress((i + f) / args.ids.length, id);
    out.push(crossable(await runCheck(check, { ...args.options, seed: taskSeed(args.options.baseSeed, id), onProgress })));
  }
  return out;
}

/** The task of one check: key = the check id, so its seed is taskSeed(run seed, id). */
export function checkTask(source: CheckSource, id: string, options: CheckTaskArgs['options'], cost?: number, backend?: string): TaskSpec<CheckTaskArgs> {
  const args: CheckTaskArgs = { source, id, options, ...(backend !== undefined ? { backend } : {}) };
  return { key: id, module: CHECK_TASK_MODULE, export: 'runCheckById', args, ...(cost !== undefined ? { cost } : {}) };
}

/** The list of checks a source names, built once per source in this thread or process. */
export function checksOf(source: CheckSource): Promise<readonly Check[]> {
  const k = JSON.stringify([source.module, source.export, source.args ?? null]);
  let p = lists.get(k);
  if (!p) {
    p = (async () => {
      const mod = await importOnce(source.module);
      const x = mod[source.export];
      const list = typeof x === 'function' ? await (x as (a: unknown) => unknown)(source.args) : x;
      if (!Array.isArray(list)) throw new Error(`${source.module}#${source.export} is not a list of checks nor a function returning one`);
      return list as readonly Check[];
    })();
    lists.set(k, p);
    p.catch(() => lists.delete(k));
  }
  return p;
}
