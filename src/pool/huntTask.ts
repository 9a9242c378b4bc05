/**
 * The pool task of `hunt --jobs N` (docs/scale.md): a slice of one search round's cases evaluated
 * on a worker. What crosses to the worker is data: the target's id (found in HUNT_TARGETS), the
 * --loss spec of a built-in loss (resolved once per worker) and the case JSONs; what comes back is
 * each case's Evaluated (measurement, ratio) or its error text, exactly what `evaluate` gives
 * in-process. The search (src/hunt/search.ts) proposes rounds of a fixed size and takes results
 * in proposal order, so the counterexample does not depend on N or on which worker ran what.
 */
import type { NestedCaseJson } from '../case/schema.js';
import type { Loss } from '../losses/loss.js';
import { isPluginLoss, resolveLossSpec } from '../losses/plugin/index.js';
import { evaluate, type Evaluated } from '../hunt/evaluate.js';
import { hunt, huntWith, type CaseEvaluator, type HuntOptions, type HuntResult } from '../hunt/search.js';
import { HUNT_TARGETS, type HuntTarget } from '../hunt/targets.js';
import { valueOf } from './failure.js';
import type { TaskSpec } from './task.js';
import { withPool, type WorkerPool } from './workerPool.js';

export interface HuntTaskArgs {
  readonly target: string;
  /** A built-in loss spec (--loss), resolved against `cwd`; null: each case's own loss. */
  readonly lossSpec: string | null;
  readonly cwd: string;
  readonly cases: readonly NestedCaseJson[];
}

/** This module's URL: the `module` of a hunt task. */
export const HUNT_TASK_MODULE = import.meta.url;

const losses = new Map<string, Promise<Loss>>();

/** TaskFunction: evaluates the cases on the target, in order. */
export async function evaluateCases(args: HuntTaskArgs): Promise<(Evaluated | { error: string })[]> {
  const target = HUNT_TARGETS.find((t) => t.id === args.target);
  if (!target) throw new Error(`no hunt target ${JSON.stringify(args.target)}`);
  let loss: Loss | undefined;
  if (args.lossSpec !== null) {
    const k = `${args.cwd}\0${args.lossSpec}`;
    let p = losses.get(k);
    if (!p) losses.set(k, (p = resolveLossSpec(args.lossSpec, args.cwd)));
    loss = await p;
  }
  return args.cases.map((c) => evaluate(target, c, loss));
}

/**
 * A CaseEvaluator on the pool: each round cut into one task per worker (contiguous slices), the
 * results put back in order. A task that fails (its worker crashed, ran out of memory) fails the
 * hunt with a TaskError naming it and the cause.
 */
export function poolEvaluator(pool: WorkerPool, target: string, lossSpec: string | null, cwd: string): CaseEvaluator {
  let round = 0;
  return async (cases) => {
    const r = round++;
    const size = Math.ceil(cases.length / pool.jobs);
    const specs: TaskSpec<HuntTaskArgs>[] = [];
    for (let at = 0; at < cases.length; at += size) {
      specs.push({ key: `hunt round ${r} cases ${at}-${at + size - 1}`, module: HUNT_TASK_MODULE, export: 'evaluateCases', args: { target, lossSpec, cwd, cases: cases.slice(at, at + size) } });
    }
    const outcomes = await pool.runAll<(Evaluated | { error: string })[]>(specs);
    return outcomes.flatMap((o) => valueOf(o));
  };
}

/**
 * `hunt --jobs N`: the search with its rounds on N workers (1: here). A loss plugin (user code)
 * is evaluated here, where the hunt's plugin handling applies, whatever N.
 */
export async function huntOnJobs(target: HuntTarget, o: HuntOptions & { negatives?: readonly [number, number] }, run: { readonly jobs: number; readonly lossSpec: string | null; readonly cwd: string }): Promise<HuntResult> {
  if (run.jobs <= 1 || (o.loss !== undefined && isPluginLoss(o.loss))) return hunt(target, o);
  return withPool({ jobs: run.jobs }, (pool) => huntWith(target, o, poolEvaluator(pool, target.id, run.lossSpec, run.cwd)));
}
