/**
 * The shape of a plugin object (not its numbers) and its parameters: defaults overridden by
 * `--loss file:k=v`, unknown names and values its `validate` rejects. Failures are PluginErrors
 * naming the field (docs/plugins.md).
 */
import { describeValue } from '../dual.js';
import type { LossPlugin, Params } from './define.js';
import { errText, paramText, PluginError } from './errors.js';

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** Validates the shape of a plugin object; throws PluginError. */
export function validatePluginObject(obj: unknown, source: string): LossPlugin {
  const where = `(${source})`;
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new PluginError(where, `the file must export a plugin object {name, params?, loss(ops, r, params)} as its default export, got ${describeValue(obj)}`);
  }
  const p = obj as Record<string, unknown>;
  const name = p.name;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new PluginError(where, `'name' must be a string of letters, digits, _ - . (at most 64), got ${describeValue(name)}`);
  }
  const label = `"${name}" ${where}`;
  if (typeof p.loss !== 'function') throw new PluginError(label, `'loss' must be a function (ops, r, params) => value, got ${describeValue(p.loss)}`);
  if (p.kind !== undefined && p.kind !== 'tuple' && p.kind !== 'batch') throw new PluginError(label, `'kind' must be "tuple" or "batch", got ${describeValue(p.kind)}`);
  if (p.params !== undefined) {
    if (typeof p.params !== 'object' || p.params === null || Array.isArray(p.params)) throw new PluginError(label, `'params' must be an object of numbers, got ${describeValue(p.params)}`);
    for (const [k, v] of Object.entries(p.params)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new PluginError(label, `params.${k} must be a finite number, got ${describeValue(v)}`);
    }
  }
  if (p.negatives !== undefined) {
    const ok =
      (typeof p.negatives === 'number' && Number.isInteger(p.negatives) && p.negatives >= 1) ||
      (Array.isArray(p.negatives) && p.negatives.length === 2 && p.negatives.every((v) => typeof v === 'number' && v >= 1) && p.negatives[0] <= p.negatives[1]);
    if (!ok) throw new PluginError(label, `'negatives' must be an integer >= 1 or [min, max], got ${describeValue(p.negatives)}`);
  }
  if (p.validate !== undefined && typeof p.validate !== 'function') throw new PluginError(label, `'validate' must be a function, got ${describeValue(p.validate)}`);
  return obj as LossPlugin;
}

/** Defaults overridden by `overrides`; unknown names and bad values are PluginErrors naming the field. */
export function resolveParams(plugin: LossPlugin, overrides: Params, source: string): Params {
  const label = `"${plugin.name}" (${source})`;
  const defaults = plugin.params ?? {};
  for (const [k, v] of Object.entries(overrides)) {
    if (!(k in defaults)) throw new PluginError(label, `unknown parameter '${k}' (it has ${Object.keys(defaults).join(', ') || 'none'})`);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new PluginError(label, `parameter ${k} must be a finite number, got ${describeValue(v)}`);
  }
  const params = { ...defaults, ...overrides };
  let msg: string | undefined | null;
  try {
    msg = plugin.validate?.(params);
  } catch (e) {
    msg = `validate threw: ${errText(e)}`;
  }
  if (msg) throw new PluginError(label, `bad parameters ${paramText(params)}: ${msg}`);
  return params;
}
