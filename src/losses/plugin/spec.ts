/**
 * The `--loss` value: a plugin file (`./x.ts`, optionally `:tau=0.1,…`), a built-in loss (`nce`,
 * `tri:tau=0.5,r0=1`) or a built-in in plugin format (`builtin:<name>`, ../builtin/*). Bad values
 * are InputErrors naming the flag (docs/plugins.md, "--loss").
 */
import { InputError } from '../../errors.js';
import type { Loss } from '../loss.js';
import { LOSS_NAMES, parseLoss } from '../index.js';
import { BUILTIN_PLUGINS } from '../builtin/index.js';
import { importPluginFile } from './load.js';
import { pluginLoss } from './pluginLoss.js';

/** What `--loss` accepts, for help texts. */
export const BUILTIN_SPEC_HELP = `a loss file (./my-loss.ts[:param=value,…]), a built-in (${LOSS_NAMES.join(', ')}, e.g. nce:tau=0.1) or builtin:<example> (the plugin-format examples)`;

/** `SPEC[:k=v,k=v]` split into the spec and parameter overrides; InputError naming `flag`. */
export function splitLossSpec(raw: string, flag = '--loss'): { spec: string; overrides: Record<string, number> } {
  const s = raw.trim();
  if (s === '') throw new InputError(flag, 'expected a loss file (./my-loss.ts) or a built-in name (nce, tri:tau=0.5, …)');
  // The parameter part is after the last ':' when it looks like k=v pairs (paths may not contain it).
  const i = s.lastIndexOf(':');
  const tail = i >= 0 ? s.slice(i + 1) : '';
  if (i < 0 || !/^\s*[A-Za-z_][A-Za-z0-9_]*\s*=/.test(tail)) return { spec: s, overrides: {} };
  const overrides: Record<string, number> = {};
  for (const part of tail.split(',')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\S+)\s*$/.exec(part);
    if (!m) throw new InputError(flag, `bad parameter ${JSON.stringify(part)} in ${JSON.stringify(raw)} (expected name=number)`);
    const v = Number(m[2]);
    if (!Number.isFinite(v)) throw new InputError(flag, `parameter ${m[1]} = ${JSON.stringify(m[2])} is not a finite number`);
    overrides[m[1]!] = v;
  }
  return { spec: s.slice(0, i), overrides };
}

/** Whether a spec names a file rather than a built-in. */
function looksLikePath(spec: string): boolean {
  return spec.includes('/') || spec.includes('\\') || /\.(c|m)?(t|j)s$/.test(spec);
}

/** Resolves a `--loss` value to a Loss (a plugin file is loaded, validated and probed). */
export async function resolveLossSpec(raw: string, cwd: string, flag = '--loss'): Promise<Loss> {
  const { spec, overrides } = splitLossSpec(raw, flag);
  if (looksLikePath(spec)) {
    const { plugin, source } = await importPluginFile(spec, cwd, flag);
    return pluginLoss(plugin, source, overrides);
  }
  if (spec.startsWith('builtin:')) {
    const name = spec.slice('builtin:'.length);
    const plugin = BUILTIN_PLUGINS[name];
    if (!plugin) throw new InputError(flag, `no built-in plugin ${JSON.stringify(name)} (${Object.keys(BUILTIN_PLUGINS).join(', ')})`);
    return pluginLoss(plugin, spec, overrides);
  }
  if (!(LOSS_NAMES as readonly string[]).includes(spec)) {
    throw new InputError(flag, `${JSON.stringify(spec)} is neither a loss file (give a path such as ./my-loss.ts) nor a built-in loss (${LOSS_NAMES.join(', ')})`);
  }
  for (const k of Object.keys(overrides)) {
    if (k !== 'tau' && k !== 'r0') throw new InputError(flag, `the built-in loss ${spec} has no parameter '${k}' (tau, r0)`);
  }
  try {
    return parseLoss({ name: spec, ...overrides }, flag);
  } catch (e) {
    // A loss's own check names its parameter ("loss.tau: must be > 0"): say which flag gave it.
    if (e instanceof InputError && !e.field.startsWith(flag)) throw new InputError(flag, `${JSON.stringify(raw)}: ${e.message}`);
    throw e;
  }
}
