/**
 * `hunt --loss ./x.ts`: the whole hunt of a user's plugin (search and shrink) runs in one isolated
 * child (./pluginRun.ts, task huntWithLoss), its progress relayed. With `--time T` the time bounds
 * the whole hunt, plugin included: the search gets T, the shrink min(60 s, max(1 s, T/4)), and the
 * child is stopped at their sum plus HUNT_GRACE_MS (loading the plugin; Node's start is not counted,
 * pluginRun.ts PLUGIN_START_MS), an IsolationError naming
 * the plugin and `--time`. Without --time, --plugin-timeout bounds it.
 */
import type { HuntProgress, HuntResult } from '../hunt/search.js';
import type { HuntTarget } from '../hunt/targets.js';
import { runPluginTask, type PluginLimits } from './pluginRun.js';
import { HUNT_PROGRESS, type HuntArgs, type HuntReply } from './pluginTasks.js';

/** Time to load and probe the plugin, beyond the search and shrink budgets. */
export const HUNT_GRACE_MS = 3000;

/** The shrink budget of a hunt limited to `timeMs` by --time. */
export function shrinkBudgetMs(timeMs: number): number {
  return Math.min(60_000, Math.max(1000, Math.round(timeMs / 4)));
}

/** Runs the hunt of `target` under the plugin `args.spec` isolated; the result with the loss's name and parameters. */
export async function huntIsolated(
  target: HuntTarget,
  args: Omit<HuntArgs, 'target' | 'shrinkMs'>,
  limits: PluginLimits,
  onProgress: (p: HuntProgress) => void,
): Promise<{ readonly result: HuntResult; readonly loss: HuntReply['loss'] }> {
  const shrinkMs = args.timeMs !== undefined ? shrinkBudgetMs(args.timeMs) : undefined;
  const full: HuntArgs = { ...args, target: target.id, ...(shrinkMs !== undefined ? { shrinkMs } : {}) };
  const deadline = args.timeMs !== undefined && shrinkMs !== undefined ? { ms: args.timeMs + shrinkMs + HUNT_GRACE_MS, flag: `--time ${args.timeMs / 1000}s, plus ${(shrinkMs + HUNT_GRACE_MS) / 1000}s to load and shrink` } : undefined;
  const relay = (_f: number, label?: string): void => {
    if (label?.startsWith(HUNT_PROGRESS)) onProgress(JSON.parse(label.slice(HUNT_PROGRESS.length)) as HuntProgress);
  };
  const reply = await runPluginTask<HuntReply>(`hunt ${target.id}`, 'huntWithLoss', full, { spec: args.spec, limits, onProgress: relay, ...(deadline ? { deadline } : {}) });
  return { result: { ...reply.result, target }, loss: reply.loss };
}
