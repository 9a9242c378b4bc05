/**
 * Reads and validates a case (docs/case-format.md, the JSON contract of `covcheck eval`).
 * Every problem is an InputError naming the field ("weights.s0[1]", "batch.x_neg[2][0]", ...);
 * unknown fields are errors, not ignored.
 */
import { InputError, describe, requireFinite, requireInRange, requireInt } from '../errors.js';
import { completeShape, buildTree, type Tree } from '../hltm/tree.js';
import { parseActivation } from '../network/activation.js';
import { treeArchitecture, type NetworkSpec, type Params } from '../network/architecture.js';
import type { Batch } from '../network/batchGradient.js';
import { parseLoss, type Loss, type Reduction } from '../losses/index.js';

export interface ParsedCase {
  readonly tree: Tree;
  readonly spec: NetworkSpec;
  readonly params: Params<number>;
  readonly batch: Batch<number>;
  /** True when batch.x_neg was [B][leaves] (H = 1 without the H axis). */
  readonly flatNegatives: boolean;
  readonly loss: Loss;
  readonly lossSpec: unknown;
  readonly reduction: Reduction;
  readonly mode: 'grad' | 'expect';
  readonly hasPolarities: boolean;
}

const FIELDS = new Set(['depth', 'children', 'polarities', 'root_prior', 'weights', 'biases', 'activation', 'normalize', 'eps', 'batch', 'loss', 'reduction', 'mode']);

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

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function numberMatrix(field: string, v: unknown, rows: number | undefined, cols: number): number[][] {
  if (!Array.isArray(v)) throw new InputError(field, `expected a matrix (array of rows), got ${describe(v)}`);
  if (rows !== undefined && v.length !== rows) throw new InputError(field, `expected ${rows} rows, got ${v.length}`);
  if (v.length === 0) throw new InputError(field, 'expected at least one row (a width of 0 is not allowed)');
  return v.map((row, i) => numberVector(`${field}[${i}]`, row, cols));
}

function numberVector(field: string, v: unknown, len: number): number[] {
  if (!Array.isArray(v)) throw new InputError(field, `expected an array of ${len} numbers, got ${describe(v)}`);
  if (v.length !== len) throw new InputError(field, `expected ${len} entries, got ${v.length}`);
  return v.map((x, j) => requireFinite(`${field}[${j}]`, x));
}

export function parseCase(json: unknown): ParsedCase {
  if (!isObject(json)) throw new InputError('case', `expected a JSON object, got ${describe(json)}`);
  for (const k of Object.keys(json)) if (!FIELDS.has(k)) throw new InputError(k, 'unknown field');
  for (const k of ['depth', 'children', 'weights', 'batch', 'loss']) {
    if (json[k] === undefined) throw new InputError(k, 'missing required field');
  }
  const depth = requireInt('depth', json.depth, 1);
  const children = requireInt('children', json.children, 1);
  if (children ** depth > 1 << 20) throw new InputError('depth', `the tree would have ${children ** depth} leaves (limit 2^20)`);
  const mode = json.mode ?? 'grad';
  if (mode !== 'grad' && mode !== 'expect') throw new InputError('mode', `expected "grad" or "expect", got ${describe(mode)}`);
  const rootPrior = json.root_prior === undefined ? 0.5 : requireInRange('root_prior', json.root_prior, 0, 1);
  const hasPolarities = json.polarities !== undefined;
  if (hasPolarities && !isObject(json.polarities)) throw new InputError('polarities', `expected {name: ρ}, got ${describe(json.polarities)}`);
  const pol = (json.polarities ?? {}) as Record<string, unknown>;
  const shape = completeShape(depth, children);
  const tree = buildTree(shape, hasPolarities ? (pol as Record<string, number>) : () => 0, rootPrior);
  if (hasPolarities) {
    const names = new Set(tree.nodes.filter((n) => n.parent >= 0).map((n) => n.name));
    for (const k of Object.keys(pol)) if (!names.has(k)) throw new InputError(`polarities.${k}`, 'no such node in this tree');
  } else if (mode === 'expect') {
    throw new InputError('polarities', 'mode "expect" needs the polarity of every edge');
  }
  const activation = parseActivation(json.activation ?? 'relu');
  if (json.normalize !== undefined && typeof json.normalize !== 'boolean') throw new InputError('normalize', `expected true or false, got ${describe(json.normalize)}`);
  const normalize = json.normalize === true;
  const eps = json.eps === undefined ? 1e-4 : requireFinite('eps', json.eps);
  if (eps < 0) throw new InputError('eps', `must be >= 0, got ${eps}`);
  const reduction = json.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum') throw new InputError('reduction', `expected "mean" or "sum", got ${describe(reduction)}`);

  // Weights: hid from the non-root nodes (all equal), the root's rows free.
  if (!isObject(json.weights)) throw new InputError('weights', `expected {name: matrix}, got ${describe(json.weights)}`);
  const weights = json.weights;
  const internalNames = tree.internal.map((i) => tree.nodes[i]!.name);
  for (const k of Object.keys(weights)) if (!internalNames.includes(k)) throw new InputError(`weights.${k}`, 'no such internal node in this tree');
  for (const name of internalNames) if (weights[name] === undefined) throw new InputError(`weights.${name}`, 'missing weight matrix for this node');
  let hid: number | undefined;
  let hidFrom = '';
  for (const name of internalNames.slice(1)) {
    const m = weights[name];
    if (!Array.isArray(m)) throw new InputError(`weights.${name}`, `expected a matrix, got ${describe(m)}`);
    if (hid === undefined) {
      hid = m.length;
      hidFrom = name;
      if (hid === 0) throw new InputError(`weights.${name}`, 'has 0 rows: hid must be >= 1');
    } else if (m.length !== hid) {
      throw new InputError(`weights.${name}`, `expected ${hid} rows (hid, as weights.${hidFrom}), got ${m.length}`);
    }
  }
  const rootRows = Array.isArray(weights.s) ? weights.s.length : 0;
  if (rootRows === 0) throw new InputError('weights.s', 'expected a non-empty matrix (output width >= 1)');
  const arch = treeArchitecture(tree, hid ?? rootRows, rootRows);
  const W = arch.blocks.map((b) => numberMatrix(`weights.${b.name}`, weights[b.name], b.out, b.in).flat());
  let b: number[][] | null = null;
  if (json.biases !== undefined) {
    if (!isObject(json.biases)) throw new InputError('biases', `expected {name: vector}, got ${describe(json.biases)}`);
    const biases = json.biases;
    for (const k of Object.keys(biases)) if (!internalNames.includes(k)) throw new InputError(`biases.${k}`, 'no such internal node in this tree');
    b = arch.blocks.map((blk) => {
      if (biases[blk.name] === undefined) throw new InputError(`biases.${blk.name}`, 'missing bias vector for this node');
      return numberVector(`biases.${blk.name}`, biases[blk.name], blk.out);
    });
  }
  const spec: NetworkSpec = { arch, activation, bias: b !== null, normalize, eps };

  // Batch.
  if (!isObject(json.batch)) throw new InputError('batch', `expected {x, x_pos, x_neg}, got ${describe(json.batch)}`);
  const bt = json.batch;
  for (const k of Object.keys(bt)) if (!['x', 'x_pos', 'x_neg'].includes(k)) throw new InputError(`batch.${k}`, 'unknown field');
  const nLeaves = tree.leaves.length;
  const x = numberMatrix('batch.x', bt.x, undefined, nLeaves);
  const pos = numberMatrix('batch.x_pos', bt.x_pos, x.length, nLeaves);
  if (!Array.isArray(bt.x_neg)) throw new InputError('batch.x_neg', `expected [B][leaves] or [B][H][leaves], got ${describe(bt.x_neg)}`);
  if (bt.x_neg.length !== x.length) throw new InputError('batch.x_neg', `expected ${x.length} rows (B, as batch.x), got ${bt.x_neg.length}`);
  const flatNegatives = bt.x_neg.length > 0 && !Array.isArray((bt.x_neg[0] as unknown[] | undefined)?.[0]);
  let neg: number[][][];
  if (flatNegatives) {
    neg = numberMatrix('batch.x_neg', bt.x_neg, x.length, nLeaves).map((r) => [r]);
  } else {
    const H = (bt.x_neg[0] as unknown[]).length;
    if (H === 0) throw new InputError('batch.x_neg[0]', 'H = 0 negatives: at least one is needed');
    neg = bt.x_neg.map((row, i) => numberMatrix(`batch.x_neg[${i}]`, row, H, nLeaves));
  }
  const loss = parseLoss(json.loss);
  if (mode === 'expect') {
    if (loss.name !== 'simp') throw new InputError('loss.name', `mode "expect" computes E[∇L_simp]: the loss must be "simp", got "${loss.name}"`);
    if (normalize) throw new InputError('normalize', 'mode "expect" is defined without output normalisation');
  }
  return { tree, spec, params: { W, b }, batch: { x, pos, neg }, flatNegatives, loss, lossSpec: json.loss, reduction, mode, hasPolarities };
}
