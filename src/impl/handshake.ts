/**
 * The handshake: the implementation's first line (docs/impl-protocol.md §1).
 *
 *   {"protocol": "covcheck-impl/1", "name": "my-simclr", "dtype": "float32",
 *    "supports": {"activations": ["relu"], "bias": false, "normalize": [{"form": "max", "eps": 1e-12}],
 *                 "losses": ["nce", "my_loss"], "negatives": ["explicit", "in-batch"], "distances": true}}
 *
 * Every field is required; unknown fields are faults (a misspelt field would otherwise silently
 * announce less). `normalize: false` reads as the empty list.
 */
import { describe } from '../errors.js';
import { AnswerFault } from './implError.js';

export const PROTOCOL = 'covcheck-impl/1';

export type ImplDtype = 'float32' | 'float64';
export type NormalizeForm = 'plus' | 'max';
export type Negatives = 'explicit' | 'in-batch';

export interface NormalizeSupport {
  readonly form: NormalizeForm;
  /** A fixed eps; absent: any eps. */
  readonly eps?: number;
}

export interface ImplSupports {
  /** Activation names of the case format; "leaky_relu" covers every slope, "leaky_relu:0.1" one. */
  readonly activations: readonly string[];
  readonly bias: boolean;
  /** Empty: no output normalisation. */
  readonly normalize: readonly NormalizeSupport[];
  /** Names of case-format.md promise that loss; any other name is the implementation's own. */
  readonly losses: readonly string[];
  readonly negatives: readonly Negatives[];
  readonly distances: boolean;
}

export interface ImplHandshake {
  readonly protocol: typeof PROTOCOL;
  readonly name: string;
  readonly dtype: ImplDtype;
  readonly supports: ImplSupports;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(field: string, message: string): never {
  throw new AnswerFault('bad-handshake', `${field}: ${message}`);
}

/** Unknown fields and missing required ones are faults; `prefix` is the path of `o` ("supports."). */
function checkFields(prefix: string, o: Record<string, unknown>, required: readonly string[], optional: readonly string[] = []): void {
  const allowed = [...required, ...optional];
  for (const k of Object.keys(o)) if (!allowed.includes(k)) bad(`${prefix}${k}`, `unknown field (expected ${allowed.join(', ')})`);
  for (const k of required) if (o[k] === undefined) bad(`${prefix}${k}`, 'missing');
}

function stringList(field: string, v: unknown, allowed?: readonly string[]): string[] {
  if (!Array.isArray(v) || v.length === 0) bad(field, `expected a non-empty list of strings, got ${describe(v)}`);
  return v.map((s, i) => {
    if (typeof s !== 'string' || s.length === 0) bad(`${field}[${i}]`, `expected a non-empty string, got ${describe(s)}`);
    if (allowed && !allowed.includes(s)) bad(`${field}[${i}]`, `expected one of ${allowed.join(', ')}, got ${describe(s)}`);
    return s;
  });
}

function normalizeList(v: unknown): NormalizeSupport[] {
  if (v === false) return [];
  if (!Array.isArray(v)) bad('supports.normalize', `expected a list of {form, eps?} or false, got ${describe(v)}`);
  return v.map((n, i) => {
    const f = `supports.normalize[${i}]`;
    if (!isObject(n)) bad(f, `expected {form, eps?}, got ${describe(n)}`);
    checkFields(`${f}.`, n, ['form'], ['eps']);
    if (n.form !== 'plus' && n.form !== 'max') bad(`${f}.form`, `expected "plus" or "max", got ${describe(n.form)}`);
    if (n.eps === undefined) return { form: n.form };
    if (typeof n.eps !== 'number' || !Number.isFinite(n.eps) || n.eps < 0) bad(`${f}.eps`, `expected a finite number >= 0, got ${describe(n.eps)}`);
    return { form: n.form, eps: n.eps };
  });
}

/** Validates a parsed first line; throws AnswerFault('bad-handshake') naming the field. */
export function parseHandshake(json: unknown): ImplHandshake {
  if (!isObject(json)) bad('handshake', `expected a JSON object, got ${describe(json)}`);
  checkFields('', json, ['protocol', 'name', 'dtype', 'supports']);
  if (json.protocol !== PROTOCOL) bad('protocol', `expected ${JSON.stringify(PROTOCOL)}, got ${describe(json.protocol)}`);
  if (typeof json.name !== 'string' || json.name.trim().length === 0) bad('name', `expected a non-empty string, got ${describe(json.name)}`);
  if (json.dtype !== 'float32' && json.dtype !== 'float64') bad('dtype', `expected "float32" or "float64", got ${describe(json.dtype)}`);
  const s = json.supports;
  if (!isObject(s)) bad('supports', `expected an object, got ${describe(s)}`);
  checkFields('supports.', s, ['activations', 'bias', 'normalize', 'losses', 'negatives', 'distances']);
  for (const k of ['bias', 'distances'] as const) if (typeof s[k] !== 'boolean') bad(`supports.${k}`, `expected true or false, got ${describe(s[k])}`);
  return {
    protocol: PROTOCOL,
    name: json.name,
    dtype: json.dtype,
    supports: {
      activations: stringList('supports.activations', s.activations),
      bias: s.bias as boolean,
      normalize: normalizeList(s.normalize),
      losses: stringList('supports.losses', s.losses),
      negatives: stringList('supports.negatives', s.negatives, ['explicit', 'in-batch']) as Negatives[],
      distances: s.distances as boolean,
    },
  };
}
