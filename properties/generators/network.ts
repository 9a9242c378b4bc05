/**
 * Generators of networks, parameters and batches (fast-check style: factories taking a
 * constraints object with documented defaults; everything shrinks towards small, simple cases).
 *
 * Values are dyadic by default (k/8, |k| ≤ 16) so the same case runs exactly in rationals; with
 * `values: 'float'` they are ± log-uniform magnitudes over [1e-3, 2] (see `arbValue`). Inputs are binary (HLTM leaves).
 */
import * as fc from 'fast-check';
import type { Tree } from '../../src/hltm/tree.js';
import { type Activation, RELU } from '../../src/network/activation.js';
import { mlpArchitecture, treeArchitecture, type Architecture, type NetworkSpec, type Params } from '../../src/network/architecture.js';
import type { Batch } from '../../src/network/batchGradient.js';
import { arbTree, type TreeConstraints } from './tree.js';
import { arbSignedMagnitude } from './reals.js';

export interface NetworkConstraints {
  /** 'tree' (tree-matched), 'mlp', or 'any' (default 'any'). */
  readonly kind?: 'tree' | 'mlp' | 'any';
  /** Tree constraints (default: depth ≤ 3, ≤ 3 children, irregular shapes allowed). */
  readonly tree?: TreeConstraints;
  /** Units per internal node / hidden layer width, 1..maxHid (default 3). */
  readonly maxHid?: number;
  /** Output width 1..maxOut (default 3). */
  readonly maxOut?: number;
  /** MLP: inputs ≤ maxInputs (default 4), hidden layers ≤ maxLayers (default 2). */
  readonly maxInputs?: number;
  readonly maxLayers?: number;
  /** Activation (default ReLU); an array picks one of them. */
  readonly activation?: Activation | readonly Activation[];
  /** Biases on every block (default false); 'below-output': on every block but the output one. */
  readonly bias?: boolean | 'below-output';
  /** Output normalisation f/(‖f‖+ε) (default false); eps default 1e-4. */
  readonly normalize?: boolean;
  readonly eps?: number;
  /** 'dyadic' (default: k/8, |k| ≤ 16, exact in rationals) or 'float' (± log-uniform over [1e-3, 2], 10% zeros). */
  readonly values?: 'dyadic' | 'float';
}

export interface GeneratedNetwork {
  readonly spec: NetworkSpec;
  readonly params: Params<number>;
  readonly tree?: Tree;
}

/**
 * A parameter value: dyadic k/8 (|k| ≤ 16, exact in rationals) shrinking to 0, or a float ±m with m
 * log-uniform over [1e-3, 2] (full mantissas, so float checks round) and exact zeros in 1 of 10
 * draws (properties/generators/reals.ts), shrinking to 1. test/generators.test.ts checks the shares.
 */
export function arbValue(values: 'dyadic' | 'float' = 'dyadic'): fc.Arbitrary<number> {
  return values === 'dyadic' ? fc.integer({ min: -16, max: 16 }).map((k) => k / 8) : FLOAT_VALUE;
}

const FLOAT_VALUE = arbSignedMagnitude({ minMagnitude: 1e-3, maxMagnitude: 2, zeroShare: 0.1 });

function arbArchitecture(c: NetworkConstraints): fc.Arbitrary<{ arch: Architecture; tree?: Tree }> {
  const maxHid = c.maxHid ?? 3;
  const maxOut = c.maxOut ?? 3;
  const tree = fc
    .tuple(arbTree(c.tree ?? {}), fc.integer({ min: 1, max: maxHid }), fc.integer({ min: 1, max: maxOut }))
    .map(([t, hid, out]) => ({ arch: treeArchitecture(t, hid, out), tree: t }));
  const mlp = fc
    .tuple(
      fc.integer({ min: 1, max: c.maxInputs ?? 4 }),
      fc.array(fc.integer({ min: 1, max: maxHid }), { minLength: 0, maxLength: c.maxLayers ?? 2 }),
      fc.integer({ min: 1, max: maxOut }),
    )
    .map(([nIn, hidden, out]) => ({ arch: mlpArchitecture([nIn, ...hidden, out]) }));
  const kind = c.kind ?? 'any';
  return kind === 'tree' ? tree : kind === 'mlp' ? mlp : fc.oneof({ depthSize: 'small' }, tree, mlp);
}

/**
 * A network with parameters. No `chain`: the parameters come from a fixed-length pool of values
 * (sliced block by block), so fast-check shrinks the architecture and the values independently
 * (towards few nodes, small widths and zero weights).
 */
export function arbNetwork(c: NetworkConstraints = {}): fc.Arbitrary<GeneratedNetwork> {
  const acts = c.activation === undefined ? [RELU] : Array.isArray(c.activation) ? (c.activation as Activation[]) : [c.activation as Activation];
  const { weights, biases } = poolSizes(c);
  const v = arbValue(c.values ?? 'dyadic');
  return fc
    .record({
      a: arbArchitecture(c),
      activation: fc.constantFrom(...acts),
      w: fc.array(v, { minLength: weights, maxLength: weights }),
      b: c.bias ? fc.array(v, { minLength: biases, maxLength: biases }) : fc.constant([] as number[]),
    })
    .map(({ a: { arch, tree }, activation, w, b }) => {
      const spec: NetworkSpec = { arch, activation, bias: (c.bias ?? false) !== false, normalize: c.normalize ?? false, eps: c.eps ?? 1e-4 };
      const p = paramsFromPool(spec, w, b);
      const params = c.bias === 'below-output' ? { W: p.W, b: p.b!.map((vals, i) => (i === arch.output ? vals.map(() => 0) : vals)) } : p;
      return tree ? { spec, params, tree } : { spec, params };
    });
}

/** Upper bounds on the number of weights and biases a network of these constraints can have. */
export function poolSizes(c: NetworkConstraints): { weights: number; biases: number; inputs: number } {
  const hid = c.maxHid ?? 3;
  const out = Math.max(hid, c.maxOut ?? 3);
  const t = c.tree ?? {};
  const depth = t.maxDepth ?? 3;
  const children = t.maxChildren ?? 3;
  const leaves = Math.min(t.maxLeaves ?? 16, children ** depth);
  let nodes = 0;
  for (let d = 0; d < depth; d++) nodes += children ** d;
  nodes = Math.min(nodes, leaves * depth);
  const mlpIn = c.maxInputs ?? 4;
  const mlpW = Math.max(mlpIn, hid, out);
  const treeW = nodes * out * children * hid;
  const mlpWeights = ((c.maxLayers ?? 2) + 1) * mlpW * mlpW;
  return { weights: Math.max(treeW, mlpWeights), biases: Math.max(nodes * out, ((c.maxLayers ?? 2) + 1) * mlpW), inputs: Math.max(leaves, mlpIn) };
}

/** Parameters for a spec, taken in order from value pools (block by block, row-major). */
export function paramsFromPool(spec: NetworkSpec, w: readonly number[], b: readonly number[]): Params<number> {
  let i = 0;
  const W = spec.arch.blocks.map((blk) => Array.from({ length: blk.out * blk.in }, () => w[i++] ?? 0));
  let j = 0;
  const B = spec.bias ? spec.arch.blocks.map((blk) => Array.from({ length: blk.out }, () => b[j++] ?? 0)) : null;
  return { W, b: B };
}

/** A pool of binary inputs; `takeInput(pool, n)` reads the first n. */
export function arbInputPool(size: number): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 0, max: 1 }), { minLength: size, maxLength: size });
}

/** A binary input vector of length n. */
export function arbInput(n: number): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 0, max: 1 }), { minLength: n, maxLength: n });
}

export interface BatchConstraints {
  /** Tuples 1..maxB (default 3). */
  readonly maxB?: number;
  /** Negatives per tuple 1..maxH (default 2); minH default 1. */
  readonly maxH?: number;
  readonly minH?: number;
}

/** A batch of tuples (x, x_+, x_1−..x_H−) of binary inputs. */
export function arbBatch(nIn: number, c: BatchConstraints = {}): fc.Arbitrary<Batch<number>> {
  return fc
    .tuple(fc.integer({ min: 1, max: c.maxB ?? 3 }), fc.integer({ min: c.minH ?? 1, max: c.maxH ?? 2 }))
    .chain(([B, H]) =>
      fc.record({
        x: fc.array(arbInput(nIn), { minLength: B, maxLength: B }),
        pos: fc.array(arbInput(nIn), { minLength: B, maxLength: B }),
        neg: fc.array(fc.array(arbInput(nIn), { minLength: H, maxLength: H }), { minLength: B, maxLength: B }),
      }),
    );
}

/** JSON form of a network for reports (names, shapes, values). */
export function describeNetwork(n: GeneratedNetwork): Record<string, unknown> {
  const { spec, params } = n;
  return {
    kind: spec.arch.kind,
    activation: spec.activation.kind === 'leaky_relu' ? `leaky_relu:${spec.activation.slope}` : spec.activation.kind,
    normalize: spec.normalize,
    blocks: spec.arch.blocks.map((b) => ({ name: b.name, out: b.out, in: b.in })),
    weights: Object.fromEntries(spec.arch.blocks.map((b) => [b.name, params.W[b.index]])),
    ...(params.b ? { biases: Object.fromEntries(spec.arch.blocks.map((b) => [b.name, params.b![b.index]])) } : {}),
    ...(n.tree ? { shape: shapeString(n.tree) } : {}),
  };
}

function shapeString(t: Tree, node = 0): string {
  const n = t.nodes[node]!;
  return n.isLeaf ? 'x' : `(${n.children.map((c) => shapeString(t, c)).join(' ')})`;
}
