/**
 * Reads and validates a case (docs/case-format.md) by the field table of ./schema.ts. Every problem
 * is an InputError naming the field ("weights.s0[1]", "batch.x_neg[2][0]", ...); unknown fields are
 * errors, not ignored.
 */
import { InputError, describe } from '../errors.js';
import { isObject } from './jsonValues.js';
import { CASE_FIELDS, type CaseParts, type ParsedCase } from './schema.js';

export type { ParsedCase } from './schema.js';

const NAMES = new Set<string>(CASE_FIELDS.map((f) => f.name));

/** Parses JSON text; a syntax error names the position. */
export function parseCaseText(text: string, source = 'case'): ParsedCase {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(source, `malformed JSON: ${(e as Error).message}`);
  }
  return parseCase(json);
}

export function parseCase(json: unknown): ParsedCase {
  if (!isObject(json)) throw new InputError('case', `expected a JSON object, got ${describe(json)}`);
  for (const k of Object.keys(json)) if (!NAMES.has(k)) throw new InputError(k, 'unknown field');
  for (const f of CASE_FIELDS) if (f.required && json[f.name] === undefined) throw new InputError(f.name, 'missing required field');
  const p = {} as CaseParts;
  for (const f of CASE_FIELDS) f.read(json[f.name], p);
  if (p.mode === 'expect') {
    if (p.loss.name !== 'simp') throw new InputError('loss.name', `mode "expect" computes E[∇L_simp]: the loss must be "simp", got "${p.loss.name}"`);
    if (p.normalize) throw new InputError('normalize', 'mode "expect" is defined without output normalisation');
  }
  const spec = { arch: p.arch, activation: p.activation, bias: p.b !== null, normalize: p.normalize, eps: p.eps, ...(p.normalizeForm === 'max' ? { normalizeForm: p.normalizeForm } : {}) };
  return {
    tree: p.tree,
    spec,
    params: { W: p.W, b: p.b },
    batch: p.batch,
    flatNegatives: p.flatNegatives,
    loss: p.loss,
    lossSpec: p.lossSpec,
    reduction: p.reduction,
    mode: p.mode,
    hasPolarities: p.hasPolarities,
    negatives: p.negatives,
    symmetric: p.symmetric,
  };
}
