/**
 * Reads and validates a case (docs/case-format.md) by the field table of ./schema.ts. Every problem
 * is an InputError naming the field ("weights.s0[1]", "batch.x_neg[2][0]", ...); unknown fields are
 * errors, not ignored.
 */
import { InputError, describe } from '../errors.js';
import { isObject } from './jsonValues.js';
import { CASE_FIELDS, type CaseParts, type ParsedCase } from './schema.js';
import { parseJsonText } from './jsonText.js';
import { CASE_LIMITS } from './limits.js';
import type { Loss } from '../losses/loss.js';

/** Refuses a case above CASE_LIMITS (exit 2 naming the field) before anything is computed. */
function checkLimits(p: CaseParts): void {
  const B = p.batch.x.length;
  const H = p.batch.neg[0]?.length ?? 0;
  if (B * (2 + H) > CASE_LIMITS.samples) throw new InputError('batch', `B·(2 + H) = ${B}·${2 + H} samples, more than the limit of ${CASE_LIMITS.samples} (docs/case-format.md, Limits)`);
  const params = p.W.reduce((s, w) => s + w.length, 0) + (p.b ? p.b.reduce((s, b) => s + b.length, 0) : 0);
  if (params > CASE_LIMITS.parameters) throw new InputError('weights', `${params} parameters, more than the limit of ${CASE_LIMITS.parameters} (docs/case-format.md, Limits)`);
}

/** 'unknown field', with a pointer when the JSON is a file covcheck writes that is not a case. */
function unknownFieldHint(json: Record<string, unknown>): string {
  if (json.covcheck === 'counterexample') return 'unknown field (a counterexample file of covcheck hunt: eval reads its "case")';
  if (typeof json.check === 'string' && 'seed' in json) return `unknown field (a replay file of check ${json.check}: run covcheck replay FILE)`;
  return 'unknown field';
}

export type { ParsedCase } from './schema.js';

const NAMES = new Set<string>(CASE_FIELDS.map((f) => f.name));

/** Parses JSON text (./jsonText.ts: BOM, size limit, duplicated keys); a syntax error names the position. */
export function parseCaseText(text: string, source = 'case', o: CaseOptions = {}): ParsedCase {
  return parseCase(parseJsonText(text, source), o);
}

export interface CaseOptions {
  /** A loss given apart from the case (eval --loss, a hunted plugin): the case's `loss` is only recorded. */
  readonly loss?: Loss;
}

export function parseCase(json: unknown, o: CaseOptions = {}): ParsedCase {
  if (!isObject(json)) throw new InputError('case', `expected a JSON object, got ${describe(json)}`);
  for (const k of Object.keys(json)) if (!NAMES.has(k)) throw new InputError(k, unknownFieldHint(json));
  for (const f of CASE_FIELDS) if (f.required && json[f.name] === undefined && !(f.name === 'loss' && o.loss)) throw new InputError(f.name, 'missing required field');
  const p = {} as CaseParts;
  if (o.loss) p.lossOverride = o.loss;
  for (const f of CASE_FIELDS) f.read(json[f.name], p);
  checkLimits(p);
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
