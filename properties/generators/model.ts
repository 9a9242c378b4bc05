/**
 * Generators of whole models for the expectation claims (C3–C5, C10): an HLTM tree with
 * polarities, an augmentation, and a network on its leaves (tree-matched or MLP).
 */
import * as fc from 'fast-check';
import type { Augmentation } from '../../src/hltm/augmentation.js';
import type { Tree } from '../../src/hltm/tree.js';
import type { Activation } from '../../src/network/activation.js';
import { mlpArchitecture, treeArchitecture, type NetworkSpec } from '../../src/network/architecture.js';
import { arbValue, describeNetwork, paramsFromPool, poolSizes, type GeneratedNetwork } from './network.js';
import { arbTree, type TreeConstraints } from './tree.js';

export interface AugmentationConstraints {
  /** Bases to draw from (default all five). */
  readonly bases?: readonly Augmentation['base']['kind'][];
  /** Largest level k (default 2). */
  readonly maxLevel?: number;
  /** Flip probabilities to draw from (default 0, 1/8, 1/4; dyadic, so exact). */
  readonly flips?: readonly number[];
  /**
   * Share of 'none-shared' draws when it is among the bases (default: as each other base). Its
   * expected gradient is 0 by construction (x and x_+ share no ancestry), so a check that means to
   * exercise a nonzero E[∇L] keeps it a deliberate minority.
   */
  readonly noneSharedShare?: number;
}

/** An augmentation; shrinks towards `root` without flips. */
export function arbAugmentation(c: AugmentationConstraints = {}): fc.Arbitrary<Augmentation> {
  const bases = c.bases ?? ['root', 'level', 'identity', 'none-shared'];
  const others = bases.filter((b) => b !== 'none-shared');
  const w = Math.round(100 * (c.noneSharedShare ?? 0));
  const kinds = c.noneSharedShare === undefined || others.length === bases.length || others.length === 0 ? fc.constantFrom(...bases) : fc.oneof({ arbitrary: fc.constantFrom(...others), weight: 100 - w }, { arbitrary: fc.constant('none-shared' as const), weight: w });
  const base = kinds.chain((kind): fc.Arbitrary<Augmentation['base']> =>
    kind === 'level' ? fc.integer({ min: 0, max: c.maxLevel ?? 2 }).map((k) => ({ kind: 'level', k })) : fc.constant({ kind } as Augmentation['base']),
  );
  return fc.record({ base, flip: fc.constantFrom(...(c.flips ?? [0, 0.125, 0.25])) });
}

export interface ModelConstraints {
  /** Tree constraints (default: depth ≤ 3, ≤ 3 children, ≤ 6 leaves, dyadic polarities). */
  readonly tree?: TreeConstraints;
  readonly augmentation?: AugmentationConstraints;
  /** 'tree' (default), 'mlp' or 'any'. */
  readonly kind?: 'tree' | 'mlp' | 'any';
  readonly maxHid?: number;
  readonly maxOut?: number;
  readonly activation?: readonly Activation[];
  readonly bias?: boolean;
  readonly normalize?: boolean;
  readonly values?: 'dyadic' | 'float';
}

export interface Model {
  readonly tree: Tree;
  readonly aug: Augmentation;
  readonly net: GeneratedNetwork;
}

export function arbModel(c: ModelConstraints = {}): fc.Arbitrary<Model> {
  const treeC: TreeConstraints = { maxLeaves: 6, ...c.tree };
  const acts = c.activation ?? [{ kind: 'relu' } as Activation];
  const kinds = c.kind === 'mlp' ? ['mlp'] : c.kind === 'any' ? ['tree', 'mlp'] : ['tree'];
  const maxHid = c.maxHid ?? 2;
  const sizes = poolSizes({ tree: treeC, maxHid, maxOut: c.maxOut ?? 2, maxInputs: treeC.maxLeaves, maxLayers: 1 });
  const v = arbValue(c.values ?? 'dyadic');
  // No `chain`: parameters come from value pools, so every part shrinks on its own.
  return fc
    .record({
      tree: arbTree(treeC),
      aug: arbAugmentation(c.augmentation),
      kind: fc.constantFrom(...kinds),
      hid: fc.integer({ min: 1, max: maxHid }),
      out: fc.integer({ min: 1, max: c.maxOut ?? 2 }),
      layers: fc.integer({ min: 0, max: 1 }),
      activation: fc.constantFrom(...acts),
      w: fc.array(v, { minLength: sizes.weights, maxLength: sizes.weights }),
      b: c.bias ? fc.array(v, { minLength: sizes.biases, maxLength: sizes.biases }) : fc.constant([] as number[]),
    })
    .map(({ tree, aug, kind, hid, out, layers, activation, w, b }) => {
      const arch = kind === 'tree' ? treeArchitecture(tree, hid, out) : mlpArchitecture([tree.leaves.length, ...new Array<number>(layers).fill(hid), out]);
      const spec: NetworkSpec = { arch, activation, bias: c.bias ?? false, normalize: c.normalize ?? false, eps: 1e-4 };
      return { tree, aug, net: { spec, params: paramsFromPool(spec, w, b), tree } };
    });
}

export function describeModel(m: Model): Record<string, unknown> {
  return {
    augmentation: m.aug,
    rootPrior: m.tree.rootPrior,
    polarities: Object.fromEntries(m.tree.nodes.filter((n) => n.parent >= 0).map((n) => [n.name, n.polarity])),
    network: describeNetwork(m.net),
  };
}
