/**
 * What the client reads of a case (docs/case-format.md) to send it and to judge the answer's
 * shapes: the case stays plain JSON (it goes over the wire as it is); validating the case itself is
 * the case parser's job. Defaults are those of the case format.
 */
import type { Negatives, NormalizeForm } from './handshake.js';

type Matrix = readonly (readonly number[])[];

/** A grad-mode case as JSON (the fields the client looks at; the others travel untouched). */
export interface ImplCase {
  readonly weights: Readonly<Record<string, Matrix>>;
  readonly biases?: Readonly<Record<string, readonly number[]>>;
  readonly batch: { readonly x: Matrix; readonly x_pos: Matrix; readonly x_neg?: readonly unknown[] };
  readonly loss: Readonly<Record<string, unknown>>;
  readonly activation?: string;
  readonly normalize?: boolean;
  readonly normalize_form?: string;
  readonly eps?: number;
  readonly negatives?: string;
  readonly mode?: string;
  readonly reduction?: string;
}

/** The shapes a grad answer must have for this case. */
export interface AnswerShape {
  /** B, the batch rows. */
  readonly rows: number;
  /** n_out, the root's output width (rows of weights.s). */
  readonly nOut: number;
  /** f.x_neg: absent for in-batch negatives; [B][n_out] for flat ([B][leaves]) negatives; else [B][H][n_out]. */
  readonly neg: { readonly kind: 'none' } | { readonly kind: 'flat' } | { readonly kind: 'nested'; readonly H: number };
  /** [rows, cols] of every weight matrix, by node name. */
  readonly weights: ReadonlyMap<string, readonly [number, number]>;
  /** Length of every bias vector, by node name; null without biases. */
  readonly biases: ReadonlyMap<string, number> | null;
}

export interface CaseFeatures {
  readonly activation: string;
  readonly bias: boolean;
  readonly normalize: { readonly form: NormalizeForm | string; readonly eps: number } | null;
  readonly loss: string;
  readonly negatives: Negatives | string;
  readonly mode: string;
}

/** The features `supports` speaks about, with the case format's defaults. */
export function caseFeatures(c: ImplCase): CaseFeatures {
  return {
    activation: c.activation ?? 'relu',
    bias: c.biases !== undefined,
    normalize: c.normalize === true ? { form: c.normalize_form ?? 'plus', eps: c.eps ?? 1e-4 } : null,
    loss: String(c.loss.name),
    negatives: c.negatives ?? 'explicit',
    mode: c.mode ?? 'grad',
  };
}

export function answerShape(c: ImplCase): AnswerShape {
  const rows = c.batch.x.length;
  const nOut = c.weights.s?.length ?? 0;
  let neg: AnswerShape['neg'] = { kind: 'none' };
  if ((c.negatives ?? 'explicit') === 'explicit') {
    const first = c.batch.x_neg?.[0];
    neg = Array.isArray(first) && Array.isArray(first[0]) ? { kind: 'nested', H: first.length } : { kind: 'flat' };
  }
  const weights = new Map(Object.entries(c.weights).map(([k, m]) => [k, [m.length, m[0]?.length ?? 0] as const]));
  const biases = c.biases === undefined ? null : new Map(Object.entries(c.biases).map(([k, v]) => [k, v.length]));
  return { rows, nOut, neg, weights, biases };
}
