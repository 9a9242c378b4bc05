/**
 * The loss checks (C2, C6, C7) of a user's plugin file, run isolated (./pluginRun.ts): the plugin is
 * loaded only in children. A first child lists the checks (their data: id, claim, title, …) and the
 * loss's label; the parent selects among them as among any checks (--claims, --check, shards) and
 * runs the selected ones in one further child, each with the seed it has in-process
 * (taskSeed(--seed, id) for verify), so the results are those of an in-process run.
 *
 * The checks handed to the run are stand-ins (custom checks): their `run` answers the result the
 * child computed for that id and options, or runs that one check in a child of its own.
 */
import type { Check, CheckResult, CustomCheck, RunOptions } from '../runner/check.js';
import type { CheckSource } from './checkTask.js';
import type { CheckRun, LossChecksInfo } from './pluginTasks.js';
import { runPluginTask, type PluginLimits } from './pluginRun.js';

export interface IsolatedLossChecks {
  /** Stand-ins of the loss's checks, in the source's order. */
  readonly checks: readonly Check[];
  /** The loss's name, parameters, label, rational, perTuple. */
  readonly loss: LossChecksInfo['loss'];
  /**
   * Runs these checks in one child (each with its options) and keeps the results for the
   * stand-ins' `run`; answers them in the order given. An IsolationError (exit 2) on any fault.
   */
  runAll(runs: readonly { readonly id: string; readonly options: RunOptions }[], onProgress?: (fraction: number, id?: string) => void): Promise<CheckResult[]>;
}

export interface LossCheckSourceArgs {
  readonly spec: string;
  readonly cwd: string;
  /** The flag or file field the spec came from. */
  readonly flag: string;
  /** lossChecks options (compare: trends). */
  readonly options?: { readonly runs?: number; readonly trends?: boolean };
}

/** Lists the checks of plugin `args.spec` in a child; `where` is the module and export of lossChecksOfSpec. */
export async function isolatedLossChecks(where: Omit<CheckSource, 'args'>, args: LossCheckSourceArgs, limits: PluginLimits): Promise<IsolatedLossChecks> {
  const source: CheckSource = { ...where, args };
  const task = { spec: args.spec, limits };
  const info = await runPluginTask<LossChecksInfo>(`load ${args.spec}`, 'lossChecksInfo', { source, spec: args.spec, cwd: args.cwd, flag: args.flag }, task);
  const done = new Map<string, CheckResult>();
  const keyOf = (id: string, o: RunOptions): string => JSON.stringify([id, o.seed, o.baseSeed ?? null, o.scale, o.numRuns ?? null, o.path ?? null]);
  const plain = ({ onProgress: _p, ...rest }: RunOptions): Omit<RunOptions, 'onProgress'> => rest;

  const runAll: IsolatedLossChecks['runAll'] = async (runs, onProgress) => {
    if (runs.length === 0) return [];
    const list: CheckRun[] = runs.map((r) => ({ id: r.id, options: plain(r.options) }));
    const progress = onProgress ? (f: number, label?: string) => onProgress(f, label) : undefined;
    const results = await runPluginTask<CheckResult[]>(`checks of ${args.spec}`, 'runChecksWith', { source, runs: list }, { ...task, ...(progress ? { onProgress: progress } : {}) });
    for (const [i, r] of runs.entries()) done.set(keyOf(r.id, r.options), results[i]!);
    return results;
  };

  const standIn = (meta: LossChecksInfo['checks'][number]): CustomCheck => ({
    type: 'custom',
    ...meta,
    async run(options) {
      const ready = done.get(keyOf(meta.id, options));
      // The child's time is kept (runCheck keeps a custom check's own `ms`).
      return ready ?? (await runAll([{ id: meta.id, options }], options.onProgress ? (f) => options.onProgress!(f, meta.id) : undefined))[0]!;
    },
  });
  return { checks: info.checks.map(standIn), loss: info.loss, runAll };
}
