/**
 * `--plugin-timeout <duration>` and `--plugin-memory <MB>` (docs/cli.md, "Loss plugins run
 * isolated"): the limits of the child process a user's loss plugin runs in (src/pool/pluginRun.ts),
 * on every command that may run one (verify, hunt, eval, replay, compare). Bad values: exit 2 naming the flag.
 */
import { Option } from 'commander';
import { parseDuration } from '../hunt/search.js';
import { DEFAULT_PLUGIN_LIMITS, PLUGIN_MEMORY_RANGE, type PluginLimits } from '../pool/pluginRun.js';
import { parseIntOption } from './options.js';

export interface PluginRaw {
  pluginTimeout?: string;
  pluginMemory?: string;
}

export const pluginFlags = {
  timeout: () => new Option('--plugin-timeout <duration>', `time limit of each isolated run of a loss plugin file, loading included (30s, 10m; default ${DEFAULT_PLUGIN_LIMITS.timeoutMs / 60_000}m)`),
  memory: () => new Option('--plugin-memory <MB>', `memory limit of a loss plugin's child process, MB (default ${DEFAULT_PLUGIN_LIMITS.memoryMb})`),
};

/** Validates the two flags (InputError naming the flag); defaults where not given. */
export function parsePluginLimits(raw: PluginRaw): PluginLimits {
  return {
    timeoutMs: raw.pluginTimeout === undefined ? DEFAULT_PLUGIN_LIMITS.timeoutMs : parseDuration('--plugin-timeout', raw.pluginTimeout),
    memoryMb: raw.pluginMemory === undefined ? DEFAULT_PLUGIN_LIMITS.memoryMb : parseIntOption('--plugin-memory', raw.pluginMemory, PLUGIN_MEMORY_RANGE[0], PLUGIN_MEMORY_RANGE[1]),
  };
}

