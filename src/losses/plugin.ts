/**
 * Loss plugins (docs/plugins.md): one file defines a loss of the distances (r_+, r_1−..r_H−) and
 * its parameters; covcheck evaluates it
 *   - in float64 with exact first derivatives (forward-mode duals, ./dual.ts): value and β = ∂L/∂r;
 *   - in rationals when it uses only + − × ÷ max min (exact claims then decide with ===);
 *   - in emulated float32 (robustness checks) and on TensorFlow.js tensors (training: `tfLoss`).
 *
 * A plugin is a plain object, the file's default export:
 *
 *   export default {
 *     name: 'my_nce', params: { tau: 0.5 },
 *     loss(ops, r, p) { return ops.add(r.pos, ops.mul(p.tau, ops.logSumExp([...]))); },
 *   };
 *
 * `kind: 'batch'` plugins see every distance of the batch at once (r.pos[b], r.neg[b][k], r.dim) and
 * return the batch loss, like the official code's losses; tuple plugins (the default) return the
 * loss of one tuple and covcheck takes the batch mean (or sum).
 *
 * Every failure of a plugin (it throws, returns NaN or something that is not one value, reads the
 * distances without the ops, answers differently twice) is a `PluginError` naming the plugin, its
 * file and the case (the distances and parameters), never a crash.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../errors.js';
import type { Arith } from '../numeric/arith.js';
import { EXACT, ExactUnsupported, F64 } from '../numeric/arith.js';
import type { DistanceBatch, Loss, LossValue } from './loss.js';
import { parseLoss, LOSS_NAMES } from './index.js';
import { Dual, DualMisuse, describeValue, dualOps, type LossOps } from './dual.js';

export type { LossOps } from './dual.js';

export type Params = Readonly<Record<string, number>>;

interface PluginBase<P extends Params = Params> {
  /** Shown in tables and errors; letters, digits, _ - . (a built-in's name selects its limit claims). */
  readonly name: string;
  /** Parameters and their defaults (numbers). */
  readonly params?: P;
  /** One line for `--help`-like listings and reports. */
  readonly description?: string;
  /** Allowed H: a number, or [min, max] (default [1, ∞)). */
  readonly negatives?: number | readonly [number, number];
  /** Extra parameter validation: return a message for a bad value (e.g. "tau must be > 0"). */
  validate?(params: P): string | undefined | null;
}

/** A loss of one tuple: covcheck reduces over the batch (mean by default). */
export interface TupleLossPlugin<P extends Params = Params> extends PluginBase<P> {
  readonly kind?: 'tuple';
  loss<T>(ops: LossOps<T>, r: { readonly pos: T; readonly neg: readonly T[] }, params: P): T;
}

/** A loss of the whole batch (the official code's losses): r.pos[b], r.neg[b][k]. */
export interface BatchLossPlugin<P extends Params = Params> extends PluginBase<P> {
  readonly kind: 'batch';
  loss<T>(
    ops: LossOps<T>,
    r: { readonly pos: readonly T[]; readonly neg: readonly (readonly T[])[]; readonly dim: number; readonly reduction: 'mean' | 'sum' },
    params: P,
  ): T;
}

export type LossPlugin = TupleLossPlugin | BatchLossPlugin;

/**
 * Identity helper that gives a plugin object its type (optional in plugin files): the parameters
 * the loss reads are typed from the defaults in `params` (so `p.tau` is a number, not undefined).
 */
export function definePlugin<P extends Params>(plugin: TupleLossPlugin<P> | BatchLossPlugin<P>): LossPlugin {
  return plugin as unknown as LossPlugin;
}

/** A plugin's failure, naming the plugin, its file, and the case. Exit code 2 at the CLI. */
export class PluginError extends InputError {
  constructor(source: string, message: string) {
    super(`loss plugin ${source}`, message);
    this.name = 'PluginError';
  }
}

/** A Loss made from a plugin, with the plugin kept for TF.js and reports. */
export interface PluginLoss extends Loss {
  readonly plugin: LossPlugin;
  /** Where it came from: a path, or "builtin:<name>". */
  readonly source: string;
  /** "name(k=v,…)". */
  readonly label: string;
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** Validates the shape of a plugin object (not its numbers); throws PluginError. */
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

/** The H range a plugin accepts. */
export function negativesRange(plugin: LossPlugin): [number, number] {
  const n = plugin.negatives;
  if (n === undefined) return [1, Number.POSITIVE_INFINITY];
  return typeof n === 'number' ? [n, n] : [n[0], n[1]];
}

/** Defaults overridden by `overrides`; unknown names and bad values are PluginErrors naming the field. */
export function resolveParams(plugin: LossPlugin, overrides: Params, source: string): Params {
  const defaults = plugin.params ?? {};
  for (const [k, v] of Object.entries(overrides)) {
    if (!(k in defaults)) {
      throw new PluginError(`"${plugin.name}" (${source})`, `unknown parameter '${k}' (it has ${Object.keys(defaults).join(', ') || 'none'})`);
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new PluginError(`"${plugin.name}" (${source})`, `parameter ${k} must be a finite number, got ${describeValue(v)}`);
  }
  const params = { ...defaults, ...overrides };
  let msg: string | undefined | null;
  try {
    msg = plugin.validate?.(params);
  } catch (e) {
    msg = `validate threw: ${errText(e)}`;
  }
  if (msg) throw new PluginError(`"${plugin.name}" (${source})`, `bad parameters ${paramText(params)}: ${msg}`);
  return params;
}

function paramText(p: Params): string {
  const e = Object.entries(p);
  return e.length === 0 ? '(none)' : e.map(([k, v]) => `${k}=${v}`).join(', ');
}

function errText(e: unknown): string {
  return e instanceof Error ? `${e.name === 'Error' ? '' : e.name + ': '}${e.message}` : String(e);
}

function numText<T>(A: Arith<T>, x: T): string {
  const v = A.toNumber(x);
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
}

/** The case text in error messages: "r_+ = 0.5, r− = [1, 2], tau=0.1". */
function caseText<T>(A: Arith<T>, pos: readonly T[], neg: readonly (readonly T[])[], params: Params): string {
  const tuples = pos.map((p, b) => `(r_+ = ${numText(A, p)}, r− = [${neg[b]!.map((r) => numText(A, r)).join(', ')}])`);
  const shown = tuples.length > 3 ? `${tuples.slice(0, 3).join(', ')}, … (${tuples.length} tuples)` : tuples.join(', ');
  return `${shown}; params ${paramText(params)}; ${A.exact ? 'rational' : 'float'} arithmetic`;
}

/**
 * Evaluates a plugin on one tuple (tuple plugins) or one batch (batch plugins) with duals:
 * returns the value and the partials in the order (pos…, neg…) the plugin received them.
 * Throws PluginError (named, with the case) on any misbehaviour; ExactUnsupported passes through.
 */
function callPlugin<T>(
  A: Arith<T>,
  plugin: LossPlugin,
  source: string,
  params: Params,
  pos: readonly T[],
  neg: readonly (readonly T[])[],
  dim: number,
  reduction: 'mean' | 'sum',
): { value: T; dPos: T[]; dNeg: T[][] } {
  const label = `"${plugin.name}" (${source})`;
  const H = neg[0]?.length ?? 0;
  const [lo, hi] = negativesRange(plugin);
  if (H < lo || H > hi) {
    throw new PluginError(label, `takes ${lo === hi ? lo : `${lo}..${hi === Infinity ? '∞' : hi}`} negatives, the case has H = ${H}`);
  }
  const n = pos.length * (1 + H);
  const ops = dualOps(A, n);
  let idx = 0;
  const dp = pos.map((r) => ops.variable(r, idx++));
  const dn = neg.map((row) => row.map((r) => ops.variable(r, idx++)));
  const where = () => `on the case ${caseText(A, pos, neg, params)}`;
  let out: unknown;
  try {
    out =
      plugin.kind === 'batch'
        ? plugin.loss(ops, { pos: dp, neg: dn, dim, reduction }, params)
        : plugin.loss(ops, { pos: dp[0]!, neg: dn[0]! }, params);
  } catch (e) {
    if (e instanceof ExactUnsupported) throw e;
    if (e instanceof DualMisuse) throw new PluginError(label, `is not a function of the distances through the ops ${where()}: ${e.message}`);
    throw new PluginError(label, `threw ${where()}: ${errText(e)}`);
  }
  if (out instanceof Promise) throw new PluginError(label, `returned a Promise ${where()}: loss(ops, r, params) must be synchronous`);
  if (typeof out === 'number') {
    throw new PluginError(label, `returned the plain number ${out} ${where()}: the result must be built from the distances with the ops (a constant loss is ops.const(c)), otherwise it is not a function of the distances`);
  }
  if (!(out instanceof Dual)) {
    throw new PluginError(label, `has the wrong shape ${where()}: expected one value (the ${plugin.kind === 'batch' ? 'batch' : 'tuple'} loss, an ops result), got ${describeValue(out)}`);
  }
  if (out.token !== ops.token) {
    throw new PluginError(label, `returned a value computed in another call ${where()}: the loss must be a function of the distances it is given (no state kept between calls)`);
  }
  if (!A.exact) {
    const v = A.toNumber(out.v);
    if (Number.isNaN(v)) throw new PluginError(label, `returned NaN ${where()}`);
    if (!Number.isFinite(v)) throw new PluginError(label, `returned ${v} ${where()}`);
    const bad = out.d.findIndex((x) => !Number.isFinite(A.toNumber(x)));
    if (bad >= 0) throw new PluginError(label, `has a non-finite derivative (${A.toNumber(out.d[bad]!)}) with respect to ${partialName(bad, pos.length, H)} ${where()}`);
  }
  const dPos = pos.map((_, b) => out.d[b]!);
  const dNeg = neg.map((row, b) => row.map((_, k) => out.d[pos.length + b * H + k]!));
  return { value: out.v, dPos, dNeg };
}

function partialName(i: number, B: number, H: number): string {
  if (i < B) return B === 1 ? 'r_+' : `r_+[${i}]`;
  const j = i - B;
  return B === 1 ? `r_${(j % H) + 1}−` : `r−[${Math.floor(j / H)}][${j % H}]`;
}

/** Whether a plugin runs in rationals (probes a few dyadic cases; false on ExactUnsupported). */
function probeRational(plugin: LossPlugin, params: Params, H: number, source: string): boolean {
  try {
    for (const [p, ns] of PROBES) {
      const neg = Array.from({ length: H }, (_, k) => EXACT.from(ns[k % ns.length]!));
      if (plugin.kind === 'batch') callPlugin(EXACT, plugin, source, params, [EXACT.from(p), EXACT.from(ns[0]!)], [neg, neg], 2, 'mean');
      else callPlugin(EXACT, plugin, source, params, [EXACT.from(p)], [neg], 2, 'mean');
    }
    return true;
  } catch (e) {
    if (e instanceof ExactUnsupported) return false;
    // Rationals can also fail where floats do not (division by an exact 0): call it not rational.
    if (e instanceof PluginError && /division by 0|RangeError/.test(e.message)) return false;
    throw e;
  }
}

/** Distances used to probe a plugin when it is loaded: [r_+, r−…]. */
const PROBES: readonly (readonly [number, readonly number[]])[] = [
  [0.5, [1, 0.25, 2]],
  [2, [0.5, 3, 0]],
  [0, [0, 0, 0]],
  [1.5, [1.5, 1.5, 1.5]],
];

/**
 * Checks a plugin on probe cases in float64: finite values, one value, the same answer twice (a
 * function of the distances), unchanged by its own inputs. Throws PluginError naming the problem.
 */
export function probePlugin(plugin: LossPlugin, params: Params, source: string): { rational: boolean; H: number } {
  const [lo] = negativesRange(plugin);
  const H = Math.max(1, lo);
  for (const [p, ns] of PROBES) {
    const neg = Array.from({ length: H }, (_, k) => ns[k % ns.length]!);
    const pos = plugin.kind === 'batch' ? [p, ns[0]!] : [p];
    const negs = plugin.kind === 'batch' ? [neg, [...neg].reverse()] : [neg];
    const a = callPlugin(F64, plugin, source, params, pos, negs, 2, 'mean');
    const b = callPlugin(F64, plugin, source, params, pos, negs, 2, 'mean');
    const same = a.value === b.value && a.dPos.every((v, i) => v === b.dPos[i]) && a.dNeg.every((row, i) => row.every((v, k) => v === b.dNeg[i]![k]));
    if (!same) {
      throw new PluginError(
        `"${plugin.name}" (${source})`,
        `is not a function of the distances: two evaluations on the same case ${caseText(F64, pos, negs, params)} gave ${a.value} and ${b.value} (random numbers or state kept between calls?)`,
      );
    }
  }
  return { rational: probeRational(plugin, params, H, source), H };
}

/** Turns a plugin (validated, parameters resolved, probed) into a Loss. */
export function pluginLoss(plugin: LossPlugin, source: string, overrides: Params = {}): PluginLoss {
  validatePluginObject(plugin, source);
  const params = resolveParams(plugin, overrides, source);
  const { rational } = probePlugin(plugin, params, source);
  const perTuple = plugin.kind !== 'batch';
  return {
    name: plugin.name,
    params,
    rational,
    perTuple,
    plugin,
    source,
    label: `${plugin.name}${Object.keys(params).length ? `(${paramText(params)})` : ''}`,
    evaluate<T>(A: Arith<T>, batch: DistanceBatch<T>): LossValue<T> {
      if (!perTuple) {
        const r = callPlugin(A, plugin, source, params, batch.rPos, batch.rNeg, batch.dim, batch.reduction);
        return { value: r.value, betaPos: r.dPos, betaNeg: r.dNeg };
      }
      const B = batch.rPos.length;
      const scale = batch.reduction === 'mean' ? A.div(A.one, A.from(B)) : A.one;
      let value = A.zero;
      const betaPos: T[] = [];
      const betaNeg: T[][] = [];
      for (let b = 0; b < B; b++) {
        const r = callPlugin(A, plugin, source, params, [batch.rPos[b]!], [batch.rNeg[b]!], batch.dim, batch.reduction);
        value = A.add(value, r.value);
        betaPos.push(A.mul(scale, r.dPos[0]!));
        betaNeg.push(r.dNeg[0]!.map((v) => A.mul(scale, v)));
      }
      return { value: A.mul(scale, value), betaPos, betaNeg };
    },
  };
}

/** Whether a Loss came from a plugin. */
export function isPluginLoss(loss: Loss): loss is PluginLoss {
  return (loss as Partial<PluginLoss>).plugin !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Loading from files and `--loss` specs.

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
export function looksLikePath(spec: string): boolean {
  return spec.includes('/') || spec.includes('\\') || /\.(c|m)?(t|j)s$/.test(spec);
}

/**
 * Loads a plugin module: default export (or `plugin`) is the plugin object. Any problem (missing
 * file, syntax error, top-level throw, wrong export) is an InputError naming the file.
 */
export async function importPluginFile(path: string, cwd: string, flag = '--loss'): Promise<{ plugin: LossPlugin; source: string }> {
  const abs = isAbsolute(path) ? path : resolve(cwd, path);
  if (!existsSync(abs)) throw new InputError(flag, `no such loss file: ${path}`);
  if (!statSync(abs).isFile()) throw new InputError(flag, `not a file: ${path}`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (e) {
    throw new PluginError(`(${path})`, `could not be loaded: ${errText(e)}`);
  }
  const obj = mod.default ?? mod.plugin;
  if (obj === undefined) throw new PluginError(`(${path})`, 'exports no plugin: write `export default { name, params, loss(ops, r, params) { … } }`');
  return { plugin: validatePluginObject(obj, path), source: path };
}

/**
 * Resolves a `--loss` value: a plugin file (`./x.ts`, with optional `:tau=0.1,…`) or a built-in
 * (`nce`, `tri:tau=0.5,r0=1`, and the plugin-format examples `builtin:<name>`). Returns a Loss.
 */
export async function resolveLossSpec(raw: string, cwd: string, flag = '--loss'): Promise<Loss> {
  const { spec, overrides } = splitLossSpec(raw, flag);
  if (looksLikePath(spec)) {
    const { plugin, source } = await importPluginFile(spec, cwd, flag);
    return pluginLoss(plugin, source, overrides);
  }
  if (spec.startsWith('builtin:')) {
    const { BUILTIN_PLUGINS } = await import('./builtin/index.js');
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
  return parseLoss({ name: spec, ...overrides }, flag);
}

/** A short label for a Loss in tables: "nce(tau=0.1)", "my_loss(./x.ts)". */
export function lossLabel(loss: Loss): string {
  const p = Object.entries(loss.params);
  const base = `${loss.name}${p.length ? `(${p.map(([k, v]) => `${k}=${v}`).join(',')})` : ''}`;
  return isPluginLoss(loss) && !loss.source.startsWith('builtin:') ? `${base} [${loss.source}]` : base;
}

// ---------------------------------------------------------------------------------------------
// TensorFlow.js (float32, autodiff): the same plugin on tensors, for training.

/** The part of the tfjs API the ops need (pass the imported module: `await import('@tensorflow/tfjs')`). */
export interface TfLike {
  scalar(x: number): TfTensor;
  add(a: TfTensor, b: TfTensor): TfTensor;
  sub(a: TfTensor, b: TfTensor): TfTensor;
  mul(a: TfTensor, b: TfTensor): TfTensor;
  div(a: TfTensor, b: TfTensor): TfTensor;
  neg(a: TfTensor): TfTensor;
  exp(a: TfTensor): TfTensor;
  log(a: TfTensor): TfTensor;
  logSumExp(a: TfTensor, axis?: number): TfTensor;
  softplus(a: TfTensor): TfTensor;
  sigmoid(a: TfTensor): TfTensor;
  maximum(a: TfTensor, b: TfTensor): TfTensor;
  minimum(a: TfTensor, b: TfTensor): TfTensor;
  stack(xs: TfTensor[], axis?: number): TfTensor;
  unstack(x: TfTensor, axis?: number): TfTensor[];
  mean(x: TfTensor, axis?: number): TfTensor;
  sum(x: TfTensor, axis?: number): TfTensor;
}

/** Minimal tensor shape (tfjs Tensor satisfies it). */
export interface TfTensor {
  readonly shape: number[];
  readonly dtype: string;
}

/** The plugin ops on tensors (elementwise over the batch axis). */
export function tfOps(tf: TfLike): LossOps<TfTensor> {
  const t = (a: TfTensor | number): TfTensor => (typeof a === 'number' ? tf.scalar(a) : a);
  const ops: LossOps<TfTensor> = {
    arithmetic: 'tfjs',
    const: (x) => tf.scalar(x),
    add: (a, b) => tf.add(t(a), t(b)),
    sub: (a, b) => tf.sub(t(a), t(b)),
    mul: (a, b) => tf.mul(t(a), t(b)),
    div: (a, b) => tf.div(t(a), t(b)),
    neg: (a) => tf.neg(t(a)),
    exp: (a) => tf.exp(t(a)),
    log: (a) => tf.log(t(a)),
    logSumExp: (xs) => tf.logSumExp(tf.stack(xs.map(t), 0), 0),
    softplus: (a) => tf.softplus(t(a)),
    // σ(x) = exp(−softplus(−x)): autograd then gives σ(x)σ(−x), not TF's y(1 − y), which cancels in float32 near σ = 1.
    sigmoid: (a) => tf.exp(tf.neg(tf.softplus(tf.neg(t(a))))),
    max: (a, b) => tf.maximum(t(a), t(b)),
    min: (a, b) => tf.minimum(t(a), t(b)),
    sum: (xs) => (xs.length === 0 ? tf.scalar(0) : xs.map(t).reduce((p, q) => tf.add(p, q))),
    mean: (xs) => tf.div(ops.sum(xs), tf.scalar(xs.length)),
  };
  return ops;
}

/**
 * The batch loss of a plugin on tensors: rPos [B], rNeg [B, H] (float32) → a scalar tensor,
 * differentiable by tf.grad. Tuple plugins are evaluated elementwise over B and reduced.
 * Throws PluginError on a wrong shape or a throw.
 */
export function tfLoss(loss: PluginLoss, tf: TfLike, rPos: TfTensor, rNeg: TfTensor, reduction: 'mean' | 'sum' = 'mean', dim = 1): TfTensor {
  const { plugin, source, params } = loss;
  const label = `"${plugin.name}" (${source})`;
  const B = rPos.shape[0]!;
  const H = rNeg.shape[1]!;
  const ops = tfOps(tf);
  let out: unknown;
  try {
    if (plugin.kind === 'batch') {
      const pos = tf.unstack(rPos, 0);
      const neg = tf.unstack(rNeg, 0).map((row) => tf.unstack(row, 0));
      out = plugin.loss(ops, { pos, neg, dim, reduction }, params);
    } else {
      out = plugin.loss(ops, { pos: rPos, neg: tf.unstack(rNeg, 1) }, params);
    }
  } catch (e) {
    throw new PluginError(label, `threw on TensorFlow.js (B = ${B}, H = ${H}, params ${paramText(params)}): ${errText(e)}`);
  }
  if (typeof out !== 'object' || out === null || !Array.isArray((out as TfTensor).shape)) {
    throw new PluginError(label, `has the wrong shape on TensorFlow.js: expected a tensor, got ${describeValue(out)}`);
  }
  const o = out as TfTensor;
  if (plugin.kind === 'batch') {
    if (o.shape.length !== 0) throw new PluginError(label, `has the wrong shape on TensorFlow.js: a batch loss must be a scalar, got shape [${o.shape.join(', ')}]`);
    return o;
  }
  if (!(o.shape.length === 0 || (o.shape.length === 1 && o.shape[0] === B))) {
    throw new PluginError(label, `has the wrong shape on TensorFlow.js: expected one value per tuple (shape [${B}]), got [${o.shape.join(', ')}]`);
  }
  if (o.shape.length === 0) return reduction === 'mean' ? o : tf.mul(o, tf.scalar(B));
  return reduction === 'mean' ? tf.mean(o) : tf.sum(o);
}

/** What `--loss` accepts, for help texts. */
export const BUILTIN_SPEC_HELP = `a loss file (./my-loss.ts[:param=value,…]), a built-in (${LOSS_NAMES.join(', ')}, e.g. nce:tau=0.1) or builtin:<example> (the plugin-format examples)`;

// ---------------------------------------------------------------------------------------------
// Loss families: a loss with its parameters left free (checks sweep τ, the mutants wrap them).

/** A loss as a function of its parameters. */
export interface LossFamily {
  /** The loss's name (built-in or plugin). */
  readonly name: string;
  /** Table label: "nce(tau=0.5)", "my_loss(tau=1) [./x.ts]". */
  readonly label: string;
  /** The parameters the family was given (defaults resolved). */
  readonly params: Params;
  /** The loss at these parameters overriding `params` (unknown names: PluginError / InputError). */
  make(overrides?: Params): Loss;
  /** Allowed H. */
  readonly negatives: readonly [number, number];
  readonly perTuple: boolean;
}

/** The family a Loss belongs to (built-ins by name, plugins by their plugin object). */
export function familyOf(loss: Loss): LossFamily {
  const cache = new Map<string, Loss>();
  const base = loss.params;
  const make = (overrides: Params = {}): Loss => {
    const params = { ...base, ...overrides };
    const key = JSON.stringify(Object.entries(params).sort());
    let l = cache.get(key);
    if (!l) {
      if (isPluginLoss(loss)) l = pluginLoss(loss.plugin, loss.source, params);
      else if (Object.keys(overrides).length === 0) l = loss;
      else l = parseLoss({ name: loss.name, ...params });
      cache.set(key, l);
    }
    return l;
  };
  const negatives: readonly [number, number] = isPluginLoss(loss) ? negativesRange(loss.plugin) : loss.name === 'tri' ? [1, 1] : [1, Number.POSITIVE_INFINITY];
  return { name: loss.name, label: lossLabel(loss), params: base, make, negatives, perTuple: loss.perTuple };
}

/** A plugin object as a family (builtin examples, mutants written as plugins). */
export function pluginFamily(plugin: LossPlugin, source: string, overrides: Params = {}): LossFamily {
  return familyOf(pluginLoss(plugin, source, overrides));
}
