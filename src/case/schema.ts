/**
 * The case format (docs/case-format.md, the JSON contract of `covcheck eval`), described once: one
 * entry per top-level field with its meaning, default, how it is read and how it is written.
 * `parseCase` (./parseCase.ts) walks the table to read JSON into a ParsedCase, `writeCase`
 * (./writeCase.ts) walks it to write one back; eval, hunt, the corpus and replay all go through them.
 *
 * Fields are read in table order, and a field's reader may use what the readers above it produced
 * (the tree needs depth and children; weights need the tree; biases need the architecture). A new
 * field of the format is one entry here.
 */
import { InputError, describe, requireFinite, requireInRange, requireInt } from '../errors.js';
import { completeShape, buildTree, polaritiesOf, type Tree } from '../hltm/tree.js';
import { activationName, parseActivation, type Activation } from '../network/activation.js';
import { treeArchitecture, type Architecture, type NetworkSpec, type Params } from '../network/architecture.js';
import type { Batch } from '../network/batchGradient.js';
import { parseLoss, type Loss, type Reduction } from '../losses/index.js';
import type { NormalizationFormName } from '../network/normalization.js';
import { isObject, numberMatrix, numberVector, reshape } from './jsonValues.js';
import { CASE_LIMITS } from './limits.js';

/** A case as JSON. `x_neg` is [B][H][leaves], or [B][leaves] for H = 1 (`Neg` narrows it). */
export interface CaseJson<Neg extends number[][][] | number[][] = number[][][] | number[][]> {
  depth: number;
  children: number;
  polarities?: Record<string, number>;
  root_prior?: number;
  weights: Record<string, number[][]>;
  biases?: Record<string, number[]>;
  activation?: string;
  normalize?: boolean;
  eps?: number;
  batch: { x: number[][]; x_pos: number[][]; x_neg: Neg };
  loss: Record<string, unknown>;
  reduction?: Reduction;
  mode?: 'grad' | 'expect';
  negatives?: Negatives;
  normalize_form?: NormalizationFormName;
}

/** How anchors get their negatives: `batch.x_neg`, or the other views of the batch (H = 2B − 2). */
export type Negatives = 'explicit' | 'in-batch';

/** A case with its negatives always as [B][H][leaves] (what the hunt generates and mutates). */
export type NestedCaseJson = CaseJson<number[][][]>;

/** A case read and validated: the tree, the network, the batch and the loss. */
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
  /** 'in-batch': batch.neg is empty per row; anchor i's negatives are the other rows' views. */
  readonly negatives: Negatives;
  /** loss.symmetric: every view is an anchor once (2B anchors); always true for ntxent. */
  readonly symmetric: boolean;
}

/** What the readers produce, field by field (a reader may use the parts of the fields above it). */
export interface CaseParts {
  depth: number;
  children: number;
  mode: 'grad' | 'expect';
  rootPrior: number;
  tree: Tree;
  hasPolarities: boolean;
  activation: Activation;
  normalize: boolean;
  eps: number;
  reduction: Reduction;
  arch: Architecture;
  W: number[][];
  b: number[][] | null;
  batch: Batch<number>;
  flatNegatives: boolean;
  loss: Loss;
  lossSpec: unknown;
  negatives: Negatives;
  symmetric: boolean;
  normalizeForm: NormalizationFormName;
  /** A loss given apart from the case (`eval --loss`, a hunted plugin's spec): the case's `loss` is then only recorded. */
  lossOverride?: Loss;
}

export interface CaseField {
  readonly name: keyof CaseJson;
  readonly required: boolean;
  /** docs/case-format.md's line for the field. */
  readonly meaning: string;
  /** Reads the field's value (undefined when absent) into the parts; InputError naming the field. */
  read(value: unknown, parts: CaseParts): void;
  /** The field's JSON value for a parsed case; undefined (omitted) at its default. */
  write(c: ParsedCase): unknown;
}

const ROOT_PRIOR = 0.5;
const ACTIVATION = 'relu';
const EPS = 1e-4;
const completeOf = (t: Tree) => {
  if (!t.complete) throw new RangeError('a parsed case holds a complete tree');
  return t.complete;
};

/** A field with two allowed strings, the first the default. */
function choice<V extends string>(name: keyof CaseJson, values: readonly [V, V], meaning: string, set: (p: CaseParts, v: V) => void, get: (c: ParsedCase) => V): CaseField {
  return {
    name,
    required: false,
    meaning,
    read: (v, p) => {
      const value = v ?? values[0];
      if (!values.includes(value as V)) throw new InputError(name, `expected "${values[0]}" or "${values[1]}", got ${describe(value)}`);
      set(p, value as V);
    },
    write: (c) => (get(c) === values[0] ? undefined : get(c)),
  };
}

export const CASE_FIELDS: readonly CaseField[] = [
  {
    name: 'depth',
    required: true,
    meaning: 'levels of internal nodes of the complete tree, integer ≥ 1',
    read: (v, p) => void (p.depth = requireInt('depth', v, 1)),
    write: (c) => completeOf(c.tree).depth,
  },
  {
    name: 'children',
    required: true,
    meaning: 'children of every internal node, integer ≥ 1',
    read: (v, p) => {
      p.children = requireInt('children', v, 1);
      if (p.children ** p.depth > CASE_LIMITS.leaves) throw new InputError('depth', `the tree would have ${p.children ** p.depth} leaves (limit 2^20, docs/case-format.md, Limits)`);
      const nodes = p.children === 1 ? p.depth + 1 : (p.children ** (p.depth + 1) - 1) / (p.children - 1);
      if (nodes > CASE_LIMITS.nodes) throw new InputError('depth', `the tree would have ${nodes} nodes (limit ${CASE_LIMITS.nodes}, docs/case-format.md, Limits)`);
    },
    write: (c) => completeOf(c.tree).children,
  },
  choice('mode', ['grad', 'expect'], '"grad" (default: the batch loss and its gradients) or "expect" (exact expectation of L_simp)', (p, v) => (p.mode = v), (c) => c.mode),
  {
    name: 'root_prior',
    required: false,
    meaning: 'P(z_s = 1), in [0, 1], default 0.5',
    read: (v, p) => void (p.rootPrior = v === undefined ? ROOT_PRIOR : requireInRange('root_prior', v, 0, 1)),
    write: (c) => (c.tree.rootPrior === ROOT_PRIOR ? undefined : c.tree.rootPrior),
  },
  {
    name: 'polarities',
    required: false,
    meaning: '{name: ρ}, the polarity of the edge into every non-root node; needed by mode "expect"',
    read: (v, p) => {
      p.hasPolarities = v !== undefined;
      if (p.hasPolarities && !isObject(v)) throw new InputError('polarities', `expected {name: ρ}, got ${describe(v)}`);
      const pol = (v ?? {}) as Record<string, unknown>;
      p.tree = buildTree(completeShape(p.depth, p.children), p.hasPolarities ? (pol as Record<string, number>) : () => 0, p.rootPrior);
      if (p.hasPolarities) {
        const names = new Set(p.tree.nodes.filter((n) => n.parent >= 0).map((n) => n.name));
        for (const k of Object.keys(pol)) if (!names.has(k)) throw new InputError(`polarities.${k}`, 'no such node in this tree');
      } else if (p.mode === 'expect') {
        throw new InputError('polarities', 'mode "expect" needs the polarity of every edge');
      }
    },
    write: (c) => (c.hasPolarities ? polaritiesOf(c.tree) : undefined),
  },
  {
    name: 'activation',
    required: false,
    meaning: '"relu" (default), "leaky_relu:<slope>", "linear", "tanh", "softplus", "gelu"',
    read: (v, p) => void (p.activation = parseActivation(v ?? ACTIVATION)),
    write: (c) => (activationName(c.spec.activation) === ACTIVATION ? undefined : activationName(c.spec.activation)),
  },
  {
    name: 'normalize',
    required: false,
    meaning: 'true: the loss sees f/(‖f‖ + eps) (default false)',
    read: (v, p) => {
      if (v !== undefined && typeof v !== 'boolean') throw new InputError('normalize', `expected true or false, got ${describe(v)}`);
      p.normalize = v === true;
    },
    write: (c) => (c.spec.normalize ? true : undefined),
  },
  {
    name: 'eps',
    required: false,
    meaning: 'the ε of the normalisation, ≥ 0, default 1e-4',
    read: (v, p) => {
      p.eps = v === undefined ? EPS : requireFinite('eps', v);
      if (p.eps < 0) throw new InputError('eps', `must be >= 0, got ${p.eps}`);
    },
    write: (c) => (c.spec.eps === EPS ? undefined : c.spec.eps),
  },
  choice('normalize_form', ['plus', 'max'], '"plus" (default): f/(‖f‖ + eps); "max": f/max(‖f‖, eps), PyTorch\'s F.normalize', (p, v) => (p.normalizeForm = v), (c) => c.spec.normalizeForm ?? 'plus'),
  choice('reduction', ['mean', 'sum'], '"mean" (default) or "sum" over the batch', (p, v) => (p.reduction = v), (c) => c.reduction),
  {
    name: 'weights',
    required: true,
    meaning: '{name: matrix [out × in]} for every internal node; out = hid (the root may differ), in = the children\'s widths',
    read: (v, p) => readWeights(v, p),
    write: (c) => byNode(c.spec.arch, (b) => reshape(c.params.W[b.index]!, b.out, b.in)),
  },
  {
    name: 'biases',
    required: false,
    meaning: '{name: vector [out]} for every internal node; present = the network has biases',
    read: (v, p) => {
      p.b = null;
      if (v === undefined) return;
      if (!isObject(v)) throw new InputError('biases', `expected {name: vector}, got ${describe(v)}`);
      const internal = new Set(p.arch.blocks.map((blk) => blk.name));
      for (const k of Object.keys(v)) if (!internal.has(k)) throw new InputError(`biases.${k}`, 'no such internal node in this tree');
      p.b = p.arch.blocks.map((blk) => {
        if (v[blk.name] === undefined) throw new InputError(`biases.${blk.name}`, 'missing bias vector for this node');
        return numberVector(`biases.${blk.name}`, v[blk.name], blk.out);
      });
    },
    write: (c) => (c.params.b ? byNode(c.spec.arch, (b) => [...c.params.b![b.index]!]) : undefined),
  },
  choice('negatives', ['explicit', 'in-batch'], '"explicit" (default: batch.x_neg) or "in-batch": anchor i\'s negatives are the 2B − 2 views of the other rows', (p, v) => (p.negatives = v), (c) => c.negatives),
  {
    name: 'batch',
    required: true,
    meaning: '{x, x_pos: [B][leaves], x_neg: [B][leaves] (H = 1) or [B][H][leaves]}, the leaf inputs',
    read: (v, p) => readBatch(v, p),
    write: (c) =>
      c.negatives === 'in-batch'
        ? { x: c.batch.x, x_pos: c.batch.pos }
        : { x: c.batch.x, x_pos: c.batch.pos, x_neg: c.flatNegatives ? c.batch.neg.map((row) => row[0]!) : c.batch.neg },
  },
  {
    name: 'loss',
    required: true,
    meaning: '{name, tau?, r0?, symmetric?}: simp, tri (H = 1), nce, official_nce, official_subtract, ntxent (in-batch)',
    read: (v, p) => {
      p.lossSpec = v;
      const { rest, symmetric } = splitSymmetric(v);
      if (p.lossOverride) {
        p.loss = p.lossOverride;
        p.symmetric = symmetric;
        checkInBatchLoss(p, symmetric);
        return;
      }
      checkLossParams(rest);
      p.loss = parseLoss(rest);
      p.symmetric = symmetric || p.loss.name === 'ntxent';
      checkInBatchLoss(p, symmetric);
    },
    write: (c) => c.lossSpec,
  },
];

/** The parameters each built-in loss takes: another one (`tau` on simp) is an error naming it. */
const LOSS_PARAMS: Readonly<Record<string, readonly string[]>> = { simp: [], official_subtract: [], nce: ['tau'], official_nce: ['tau'], tri: ['tau', 'r0'] };

function checkLossParams(v: unknown): void {
  if (!isObject(v) || typeof v.name !== 'string') return; // parseLoss names the problem
  const takes = LOSS_PARAMS[v.name];
  if (takes === undefined) return;
  for (const k of Object.keys(v)) {
    if (k !== 'name' && !takes.includes(k) && (k === 'tau' || k === 'r0')) {
      throw new InputError(`loss.${k}`, `the loss ${v.name} takes no parameter ${k}${takes.length ? ` (it takes ${takes.join(', ')})` : ''}`);
    }
  }
}

/** Every block's value by node name, in the format's order (root first, breadth-first). */
function byNode<V>(arch: Architecture, value: (b: Architecture['blocks'][number]) => V): Record<string, V> {
  return Object.fromEntries([...arch.blocks].reverse().map((b) => [b.name, value(b)]));
}

/** Weights: hid from the non-root nodes (all equal), the root's rows free; the architecture from them. */
function readWeights(v: unknown, p: CaseParts): void {
  if (!isObject(v)) throw new InputError('weights', `expected {name: matrix}, got ${describe(v)}`);
  const { tree } = p;
  const internalNames = tree.internal.map((i) => tree.nodes[i]!.name);
  for (const k of Object.keys(v)) if (!internalNames.includes(k)) throw new InputError(`weights.${k}`, 'no such internal node in this tree');
  for (const name of internalNames) if (v[name] === undefined) throw new InputError(`weights.${name}`, 'missing weight matrix for this node');
  let hid: number | undefined;
  let hidFrom = '';
  for (const name of internalNames.slice(1)) {
    const m = v[name];
    if (!Array.isArray(m)) throw new InputError(`weights.${name}`, `expected a matrix, got ${describe(m)}`);
    if (hid === undefined) {
      hid = m.length;
      hidFrom = name;
      if (hid === 0) throw new InputError(`weights.${name}`, 'has 0 rows: hid must be >= 1');
    } else if (m.length !== hid) {
      throw new InputError(`weights.${name}`, `expected ${hid} rows (hid, as weights.${hidFrom}), got ${m.length}`);
    }
  }
  const rootRows = Array.isArray(v.s) ? v.s.length : 0;
  if (rootRows === 0) throw new InputError('weights.s', 'expected a non-empty matrix (output width >= 1)');
  p.arch = treeArchitecture(tree, hid ?? rootRows, rootRows);
  p.W = p.arch.blocks.map((b) => numberMatrix(`weights.${b.name}`, v[b.name], b.out, b.in).flat());
}

const BATCH_FIELDS = ['x', 'x_pos', 'x_neg'];

function readBatch(v: unknown, p: CaseParts): void {
  if (!isObject(v)) throw new InputError('batch', `expected {x, x_pos, x_neg}, got ${describe(v)}`);
  for (const k of Object.keys(v)) if (!BATCH_FIELDS.includes(k)) throw new InputError(`batch.${k}`, 'unknown field');
  const nLeaves = p.tree.leaves.length;
  const x = numberMatrix('batch.x', v.x, undefined, nLeaves);
  const pos = numberMatrix('batch.x_pos', v.x_pos, x.length, nLeaves);
  if (p.negatives === 'in-batch') {
    if (v.x_neg !== undefined) throw new InputError('batch.x_neg', 'must be absent with negatives "in-batch" (the negatives are the other rows)');
    if (x.length < 2) throw new InputError('batch.x', `negatives "in-batch" need B >= 2 rows, got ${x.length}`);
    p.flatNegatives = false;
    p.batch = { x, pos, neg: x.map(() => []) };
    return;
  }
  if (!Array.isArray(v.x_neg)) throw new InputError('batch.x_neg', `expected [B][leaves] or [B][H][leaves], got ${describe(v.x_neg)}`);
  if (v.x_neg.length !== x.length) throw new InputError('batch.x_neg', `expected ${x.length} rows (B, as batch.x), got ${v.x_neg.length}`);
  p.flatNegatives = v.x_neg.length > 0 && !Array.isArray((v.x_neg[0] as unknown[] | undefined)?.[0]);
  let neg: number[][][];
  if (p.flatNegatives) {
    neg = numberMatrix('batch.x_neg', v.x_neg, x.length, nLeaves).map((r) => [r]);
  } else {
    const H = (v.x_neg[0] as unknown[]).length;
    if (H === 0) throw new InputError('batch.x_neg[0]', 'H = 0 negatives: at least one is needed');
    neg = v.x_neg.map((row, i) => numberMatrix(`batch.x_neg[${i}]`, row, H, nLeaves));
  }
  p.batch = { x, pos, neg };
}

/** `loss.symmetric` is the pairing's, not the loss function's: taken out before parseLoss sees the object. */
function splitSymmetric(v: unknown): { rest: unknown; symmetric: boolean } {
  if (!isObject(v) || !('symmetric' in v)) return { rest: v, symmetric: false };
  const { symmetric, ...rest } = v;
  if (typeof symmetric !== 'boolean') throw new InputError('loss.symmetric', `expected true or false, got ${describe(symmetric)}`);
  return { rest, symmetric };
}

/** The combinations docs/case-format.md allows: symmetric and ntxent need in-batch; ntxent needs normalize. */
function checkInBatchLoss(p: CaseParts, symmetric: boolean): void {
  if (p.negatives !== 'in-batch') {
    if (symmetric) throw new InputError('loss.symmetric', 'needs negatives "in-batch"');
    if (p.loss.name === 'ntxent') throw new InputError('loss.name', 'ntxent needs negatives "in-batch"');
    return;
  }
  if (p.mode === 'expect') throw new InputError('negatives', 'mode "expect" is explicit-negative only');
  if (p.loss.name === 'ntxent' && !p.normalize) throw new InputError('normalize', 'ntxent (cosine similarity) needs normalize: true');
}
