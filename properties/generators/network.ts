/**
 * Generators of networks, parameters and batches (fast-check style: factories taking a
 * constraints object with documented defaults; everything shrinks towards small, simple cases).
 *
 * Values are dyadic by default (k/8, |k| ≤ 16) so the same case runs exactly in rationals; with
 * `values: 'float'` they are arbitrary doubles of unit scale. Inputs are binary (HLTM leaves).
 */
import * as fc from 'fast-check';
import type { Tree } from '../../src/hltm/tree.js';
import { type Activation, RELU } from '../../src/network/activation.js';
import { mlpArchitecture, treeArchitecture, type Architecture, type NetworkSpec, type Params } from '../../src/network/architecture.js';
import type { Batch } from '../../src/network/batchGradient.js';
import { arbTree, type TreeConstraints } from './tree.js';

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
  /** 'dyadic' (default: k/8, |k| ≤ 16, exact in rationals) or 'float' (doubles in (−2, 2)). */
  readonly values?: 'dyadic' | 'float';
}

export interface GeneratedNetwork {
  readonly spec: NetworkSpec;
  readonly params: Params<number>;
  readonly tree?: Tree;
}

/** A parameter value: dyadic k/8 shrinking to 0, or a double in (−2, 2) (|v| < 1e-6 flushed to 0: no subnormal products). */
export function arbValue(values: 'dyadic' | 'float' = 'dyadic'): fc.Arbitrary<number> {
  return values === 'dyadic'
    ? fc.integer({ min: -16, max: 16 }).map((k) => k / 8)
    : fc.double({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true }).map((v) => (Math.abs(v) < 1e-6 ? 0 : v));
}

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

/** A network with parameters. */
export function arbNetwork(c: NetworkConstraints = {}): fc.Arbitrary<GeneratedNetwork> {
  const acts = c.activation === undefined ? [RELU] : Array.isArray(c.activation) ? (c.activation as Activation[]) : [c.activation as Activation];
  return fc
    .tuple(arbArchitecture(c), fc.constantFrom(...acts))
    .chain(([{ arch, tree }, activation]) => {
      const spec: NetworkSpec = { arch, activation, bias: (c.bias ?? false) !== false, normalize: c.normalize ?? false, eps: c.eps ?? 1e-4 };
      return arbParams(spec, c.values ?? 'dyadic').map((p) => {
        const params = c.bias === 'below-output' ? { W: p.W, b: p.b!.map((v, i) => (i === arch.output ? v.map(() => 0) : v)) } : p;
        return tree ? { spec, params, tree } : { spec, params };
      });
    });
}

/** Parameters for a spec. */
export function arbParams(spec: NetworkSpec, values: 'dyadic' | 'float' = 'dyadic'): fc.Arbitrary<Params<number>> {
  const v = arbValue(values);
  const W = fc.tuple(...spec.arch.blocks.map((b) => fc.array(v, { minLength: b.out * b.in, maxLength: b.out * b.in })));
  const b = spec.bias ? fc.tuple(...spec.arch.blocks.map((blk) => fc.array(v, { minLength: blk.out, maxLength: blk.out }))) : fc.constant(null);
  return fc.record({ W, b }) as fc.Arbitrary<Params<number>>;
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

/** A cut of the architecture: one of its named layers (arch.layers), by index. */
export function arbCut(arch: Architecture): fc.Arbitrary<readonly number[]> {
  return fc.integer({ min: 0, max: arch.layers.length - 1 }).map((i) => arch.layers[i]!.blocks);
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
