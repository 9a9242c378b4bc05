/**
 * Loading a plugin file named by `--loss ./x.ts` (docs/plugins.md). `.js`/`.mjs`/`.cjs` files load
 * with Node's own import; TypeScript files (`.ts`, `.mts`, `.cts`) with tsx's `tsImport`, imported
 * only when such a file is named (the compiled CLI does not register a TypeScript loader). tsImport
 * works from any folder, also one whose package.json lacks `"type": "module"`: there tsx compiles
 * the file as CommonJS and its `export default` arrives as `module.exports.default`, unwrapped here.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../../errors.js';
import type { LossPlugin } from './define.js';
import { errText, PluginError } from './errors.js';
import { validatePluginObject } from './validate.js';

const TYPESCRIPT = /\.(c|m)?ts$/;

/** The module namespace of a plugin file. */
async function importModule(abs: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(abs).href;
  if (!TYPESCRIPT.test(abs)) return (await import(url)) as Record<string, unknown>;
  const { tsImport } = await import('tsx/esm/api');
  return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
}

/** The plugin object of a namespace: `default` (or `plugin`), through CommonJS interop if needed. */
function exported(mod: Record<string, unknown>): unknown {
  const obj = mod.default ?? mod.plugin;
  if (typeof obj === 'object' && obj !== null && (obj as { __esModule?: unknown }).__esModule === true) {
    const cjs = obj as Record<string, unknown>;
    return cjs.default ?? cjs.plugin;
  }
  return obj;
}

/**
 * Loads a plugin module: its default export (or `plugin`) is the plugin object. Any problem
 * (missing file, syntax error, top-level throw, wrong export) is an InputError naming the file.
 */
export async function importPluginFile(path: string, cwd: string, flag = '--loss'): Promise<{ plugin: LossPlugin; source: string }> {
  const abs = isAbsolute(path) ? path : resolve(cwd, path);
  if (!existsSync(abs)) throw new InputError(flag, `no such loss file: ${path}`);
  if (!statSync(abs).isFile()) throw new InputError(flag, `not a file: ${path}`);
  let mod: Record<string, unknown>;
  try {
    mod = await importModule(abs);
  } catch (e) {
    throw new PluginError(`(${path})`, `could not be loaded: ${errText(e)}`);
  }
  const obj = exported(mod);
  if (obj === undefined) throw new PluginError(`(${path})`, 'exports no plugin: write `export default { name, params, loss(ops, r, params) { … } }`');
  return { plugin: validatePluginObject(obj, path), source: path };
}
