/**
 * Evaluating a hunted case on a target: the case parsed (the hunt's --loss substituted for the
 * case's own), measured by the target's claim predicate, and its violation score error/tolerance.
 */
import { parseCase, type ParsedCase } from '../case/parseCase.js';
import type { NestedCaseJson } from '../case/schema.js';
import type { Loss } from '../losses/loss.js';
import type { Measurement } from '../runner/check.js';
import { ratioOf, type HuntTarget } from './targets.js';

export interface Evaluated {
  readonly json: NestedCaseJson;
  readonly measurement: Measurement;
  readonly ratio: number;
}

/** Parses a case JSON for a target, with the hunt loss when given. */
export function parseForTarget(json: NestedCaseJson, loss: Loss | undefined): { parsed: ParsedCase; loss: Loss } {
  // The hunt's loss (a plugin is not a case-format loss name) replaces the case's own.
  const parsed = parseCase(json, loss ? { loss } : {});
  return { parsed, loss: parsed.loss };
}

/** Evaluates a case; a failure to evaluate (plugin error, size) is returned as an error string. */
export function evaluate(target: HuntTarget, json: NestedCaseJson, loss: Loss | undefined): Evaluated | { error: string } {
  try {
    const { parsed, loss: l } = parseForTarget(json, loss);
    const m = target.measure(parsed, l);
    return { json, measurement: m, ratio: ratioOf(m) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

export const isEval = (v: Evaluated | { error: string }): v is Evaluated => 'measurement' in v;

/** A violation: the predicate's measurement is not ok. */
export const violates = (e: Evaluated) => !e.measurement.ok;
