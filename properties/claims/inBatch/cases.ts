/**
 * Generated in-batch cases (docs/case-format.md "In-batch negatives"): a complete binary tree of
 * depth 1 or 2, hid ≤ 3, B = 2…4 rows of 0/1 leaves, a loss of the distances (or NT-Xent with
 * normalisation), symmetric or not. Constraints object with documented defaults, as the other
 * generators (properties/generators).
 */
import * as fc from 'fast-check';
import { Rng } from '../../../src/numeric/random.js';
import { treeArchitecture, type NetworkSpec, type Params } from '../../../src/network/architecture.js';
import { initParams } from '../../../src/network/init.js';
import { completeTree } from '../../../src/hltm/tree.js';
import { parseLoss, type Loss, type Reduction } from '../../../src/losses/index.js';
import type { InBatchCase } from '../../../src/claims/inBatchChainRule.js';

export interface InBatchConstraints {
  /** Loss specs drawn from (default: simp, nce, official_nce, official_subtract, ntxent). */
  readonly losses?: readonly Record<string, unknown>[];
  /** 'dyadic' weights (exact in rationals) or 'float' (default). */
  readonly values?: 'dyadic' | 'float';
  /** Allow biases (default true). */
  readonly bias?: boolean;
}

const DEFAULT_LOSSES = [{ name: 'simp' }, { name: 'nce', tau: 0.5 }, { name: 'nce', tau: 0.1 }, { name: 'official_nce', tau: 0.1 }, { name: 'official_subtract' }, { name: 'ntxent', tau: 0.5 }];

export interface DrawnInBatchCase {
  readonly seed: number;
  readonly depth: number;
  readonly hid: number;
  readonly B: number;
  readonly loss: Record<string, unknown>;
  readonly symmetric: boolean;
  readonly bias: boolean;
  readonly normalize: boolean;
  readonly reduction: Reduction;
  readonly values: 'dyadic' | 'float';
}

export function arbInBatchCase(c: InBatchConstraints = {}): fc.Arbitrary<DrawnInBatchCase> {
  const losses = c.losses ?? DEFAULT_LOSSES;
  return fc.record({
    seed: fc.integer({ min: 0, max: 2 ** 30 }),
    depth: fc.integer({ min: 1, max: 2 }),
    hid: fc.integer({ min: 1, max: 3 }),
    B: fc.integer({ min: 2, max: 4 }),
    loss: fc.constantFrom(...losses),
    symmetric: fc.boolean(),
    bias: c.bias === false ? fc.constant(false) : fc.boolean(),
    normalize: fc.boolean(),
    reduction: fc.constantFrom<Reduction>('mean', 'sum'),
    values: fc.constant(c.values ?? 'float'),
  });
}

/** The network, parameters, rows and loss of a drawn case (ntxent forces normalisation). */
export function buildInBatchCase(d: DrawnInBatchCase): InBatchCase<number> {
  const rng = new Rng(d.seed);
  const tree = completeTree(d.depth, 2, () => 0.8);
  const loss: Loss = parseLoss(d.loss);
  const normalize = loss.name === 'ntxent' || (d.values === 'float' && d.normalize);
  const spec: NetworkSpec = { arch: treeArchitecture(tree, d.hid, d.hid), activation: { kind: 'relu' }, bias: d.bias, normalize, eps: 1e-4 };
  const params: Params<number> = initParams(spec, rng, d.values === 'dyadic' ? { scheme: 'dyadic' } : { scheme: 'pytorch' });
  const n = tree.leaves.length;
  const row = () => Array.from({ length: n }, () => rng.int(2));
  const rows = { x: Array.from({ length: d.B }, row), pos: Array.from({ length: d.B }, row) };
  return { spec, params, rows, loss, symmetric: d.symmetric || loss.name === 'ntxent', reduction: d.reduction };
}
