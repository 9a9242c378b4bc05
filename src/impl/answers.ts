/**
 * Validation of answers (docs/impl-protocol.md §2) against the request they answer: every field
 * present, every number finite, every array of the case's shape. Returns fresh objects holding only
 * the fields of the contract (extra fields, e.g. `connection_grads`, are ignored), so nothing else
 * an implementation prints reaches a check. Faults are AnswerFaults naming the field path.
 */
import { describe } from '../errors.js';
import { AnswerFault } from './implError.js';
import { answerShape, type ImplCase } from './implCase.js';

export interface GradAnswer {
  readonly loss: number;
  /** The outputs the loss sees: x, x_pos [B][n_out]; x_neg for explicit negatives only. */
  readonly f: { readonly x: number[][]; readonly x_pos: number[][]; readonly x_neg?: number[][] | number[][][] };
  /** ∂loss/∂W by node name, the weights' shapes. */
  readonly grads: Record<string, number[][]>;
  /** ∂loss/∂b by node name, when the case has biases. */
  readonly grads_bias?: Record<string, number[]>;
}

export interface DistancesRequest {
  /** The loss as in a case ({name, tau?, r0?, ...}). */
  readonly loss: Readonly<Record<string, unknown>>;
  /** r_b+ = ½‖f(x_b) − f(x_b+)‖², [B]. */
  readonly r_pos: readonly number[];
  /** r_bk− = ½‖f(x_b) − f(x_bk−)‖², [B][H]. */
  readonly r_neg: readonly (readonly number[])[];
  readonly reduction?: 'mean' | 'sum';
}

export interface DistancesAnswer {
  readonly loss: number;
  /** β_b+ = ∂loss/∂r_b+, [B]. */
  readonly beta_pos: number[];
  /** β_bk = ∂loss/∂r_bk−, [B][H]. */
  readonly beta_neg: number[][];
}

type Json = Record<string, unknown>;

function field(o: Json, path: string, key: string): unknown {
  const v = o[key];
  if (v === undefined) throw new AnswerFault('missing-field', `${path}${key}: missing`);
  return v;
}

function finite(path: string, v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (v === null || typeof v === 'number' || (typeof v === 'string' && /^[-+]?(NaN|Infinity|inf|nan)$/i.test(v))) {
    throw new AnswerFault('non-finite', `${path}: expected a finite number, got ${describe(v)}${v === null ? ' (JSON.stringify writes NaN and Infinity as null)' : ''}`);
  }
  throw new AnswerFault('shape', `${path}: expected a finite number, got ${describe(v)}`);
}

function vector(path: string, v: unknown, len: number): number[] {
  if (!Array.isArray(v)) throw new AnswerFault('shape', `${path}: expected an array of ${len} numbers, got ${describe(v)}`);
  if (v.length !== len) throw new AnswerFault('shape', `${path}: expected ${len} entries, got ${v.length}`);
  return v.map((x, i) => finite(`${path}[${i}]`, x));
}

function matrix(path: string, v: unknown, rows: number, cols: number): number[][] {
  if (!Array.isArray(v)) throw new AnswerFault('shape', `${path}: expected a [${rows}][${cols}] matrix, got ${describe(v)}`);
  if (v.length !== rows) throw new AnswerFault('shape', `${path}: expected ${rows} rows, got ${v.length}`);
  return v.map((row, i) => vector(`${path}[${i}]`, row, cols));
}

function object(path: string, v: unknown): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new AnswerFault('shape', `${path}: expected an object, got ${describe(v)}`);
  return v as Json;
}

/** Per-node values: exactly the case's nodes, each read by `read`. */
function byNode<V>(path: string, v: unknown, nodes: ReadonlyMap<string, unknown>, read: (path: string, v: unknown, name: string) => V): Record<string, V> {
  const o = object(path, v);
  for (const k of Object.keys(o)) if (!nodes.has(k)) throw new AnswerFault('shape', `${path}.${k}: no such node in the case (nodes: ${[...nodes.keys()].join(', ')})`);
  const out: Record<string, V> = {};
  for (const name of nodes.keys()) out[name] = read(`${path}.${name}`, field(o, `${path}.`, name), name);
  return out;
}

/** Validates the answer to `{"op": "grad", "case": c}`. */
export function readGradAnswer(c: ImplCase, answer: Json): GradAnswer {
  const s = answerShape(c);
  const loss = finite('loss', field(answer, '', 'loss'));
  const f = object('f', field(answer, '', 'f'));
  const x = matrix('f.x', field(f, 'f.', 'x'), s.rows, s.nOut);
  const xPos = matrix('f.x_pos', field(f, 'f.', 'x_pos'), s.rows, s.nOut);
  let xNeg: number[][] | number[][][] | undefined;
  if (s.neg.kind === 'flat') xNeg = matrix('f.x_neg', field(f, 'f.', 'x_neg'), s.rows, s.nOut);
  else if (s.neg.kind === 'nested') {
    const H = s.neg.H;
    const v = field(f, 'f.', 'x_neg');
    if (!Array.isArray(v) || v.length !== s.rows) throw new AnswerFault('shape', `f.x_neg: expected [${s.rows}][${H}][${s.nOut}], got ${describe(v)}`);
    xNeg = v.map((row, b) => matrix(`f.x_neg[${b}]`, row, H, s.nOut));
  }
  const grads = byNode('grads', field(answer, '', 'grads'), s.weights, (p, v, name) => {
    const [rows, cols] = s.weights.get(name)!;
    return matrix(p, v, rows, cols);
  });
  const out: GradAnswer = { loss, f: xNeg === undefined ? { x, x_pos: xPos } : { x, x_pos: xPos, x_neg: xNeg }, grads };
  if (s.biases === null) return out;
  const biases = s.biases;
  return { ...out, grads_bias: byNode('grads_bias', field(answer, '', 'grads_bias'), biases, (p, v, name) => vector(p, v, biases.get(name)!)) };
}

/** Validates the answer to a distances request. */
export function readDistancesAnswer(req: DistancesRequest, answer: Json): DistancesAnswer {
  const B = req.r_pos.length;
  const H = req.r_neg[0]?.length ?? 0;
  return {
    loss: finite('loss', field(answer, '', 'loss')),
    beta_pos: vector('beta_pos', field(answer, '', 'beta_pos'), B),
    beta_neg: matrix('beta_neg', field(answer, '', 'beta_neg'), B, H),
  };
}
