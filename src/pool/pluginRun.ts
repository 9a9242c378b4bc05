/**
 * Running a user's loss plugin isolated (issue 8 §2): every command that runs plugin code (verify,
 * hunt, eval, replay and compare with `--loss ./x.ts`, corpus files naming a plugin) hands it to a
 * task of ./pluginTasks.ts in a child process with a time limit (`--plugin-timeout`) and a memory
 * limit (`--plugin-memory`), via ./isolate.ts. Whatever the plugin does (process.exit, an endless
 * loop, an allocation bomb, a throw, NaN, a wrong shape) ends as an IsolationError: exit 2, one line
 * naming the plugin file (and the flag of the limit it ran into), no report written.
 *
 * Isolation bounds time and memory and keeps the verdicts honest (results cross only the IPC
 * channel); it is not a sandbox: a plugin runs with the user's rights (docs/plugins.md).
 */
import { splitLossSpec } from '../losses/plugin/spec.js';
import { runIsolated } from './isolate.js';
import { IsolationError } from './failure.js';

/** The limits of one isolated plugin task. */
export interface PluginLimits {
  /** Wall-clock limit of each isolated task, loading and probing the plugin included (ms). */
  readonly timeoutMs: number;
  /** Heap (and on Linux resident) memory of the child (MB). */
  readonly memoryMb: number;
}

/** Documented defaults (docs/cli.md, "Loss plugins run isolated"). */
export const DEFAULT_PLUGIN_LIMITS: PluginLimits = { timeoutMs: 600_000, memoryMb: 2048 };

/** At most this long for a plugin's child to start Node, tsx and covcheck's task module, before the plugin's own clock starts. */
export const PLUGIN_START_MS = 30_000;

/** The bounds of `--plugin-memory` (MB): below 64 a child cannot start Node and tsx. */
export const PLUGIN_MEMORY_RANGE: readonly [number, number] = [64, 65_536];

/** Module of the plugin tasks; not imported here (its imports are the child's, not ours). */
const PLUGIN_TASKS = new URL(import.meta.url.endsWith('.ts') ? './pluginTasks.ts' : './pluginTasks.js', import.meta.url).href;

/** "loss plugin ./x.ts": who the code is, in messages and as the error's field. */
export function pluginSubject(spec: string): string {
  let file = spec.trim();
  try {
    file = splitLossSpec(spec).spec;
  } catch {
    // a malformed spec: named as given
  }
  return `loss plugin ${file}`;
}

export interface PluginTaskOptions {
  /** The --loss value (or a corpus file's loss.spec): named in every message. */
  readonly spec: string;
  readonly limits: PluginLimits;
  /** A tighter time limit than --plugin-timeout, and the flag it comes from (hunt --time). */
  readonly deadline?: { readonly ms: number; readonly flag: string };
  readonly onProgress?: (fraction: number, label?: string) => void;
}

/**
 * Runs `export` of the plugin tasks in a child with the plugin's limits; answers its value or throws
 * an IsolationError naming the plugin (a time or memory fault also names the flag to raise).
 */
export async function runPluginTask<R>(key: string, exportName: string, args: unknown, o: PluginTaskOptions): Promise<R> {
  const subject = pluginSubject(o.spec);
  const deadline = o.deadline !== undefined && o.deadline.ms < o.limits.timeoutMs ? o.deadline : null;
  const timeoutMs = deadline?.ms ?? o.limits.timeoutMs;
  try {
    return await runIsolated<R>({ key, module: PLUGIN_TASKS, export: exportName, args }, { subject, timeoutMs, startMs: PLUGIN_START_MS, memoryMb: o.limits.memoryMb, ...(o.onProgress ? { onProgress: o.onProgress } : {}) });
  } catch (e) {
    if (!(e instanceof IsolationError)) throw e;
    if (e.kind === 'timeout') throw new IsolationError(subject, 'timeout', `did not finish within ${seconds(timeoutMs)} (${deadline ? deadline.flag : `--plugin-timeout ${seconds(timeoutMs)}`}) and was stopped: an endless loop, or raise the limit if it is only slow`);
    if (e.kind === 'out-of-memory') throw new IsolationError(subject, e.kind, `${e.message.slice(e.field.length + 2)} (--plugin-memory ${o.limits.memoryMb})`);
    throw e;
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
