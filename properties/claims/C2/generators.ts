/**
 * C2's cases: a pair of inputs on a network (the distance gradient), and a batch of tuples with a
 * named built-in loss (the batch gradient).
 */
import * as fc from 'fast-check';
import type { Activation } from '../../../src/network/activation.js';
import type { Batch } from '../../../src/network/batchGradient.js';
import type { Loss } from '../../../src/losses/index.js';
import { builtinLosses } from '../../generators/losses.js';
import { arbBatch, arbInputPool, arbNetwork, describeNetwork, poolSizes, type GeneratedNetwork, type NetworkConstraints } from '../../generators/network.js';

export const HOMOGENEOUS: Activation[] = [{ kind: 'relu' }, { kind: 'leaky_relu', slope: 0.25 }, { kind: 'linear' }];
export const ANY: Activation[] = [...HOMOGENEOUS, { kind: 'tanh' }, { kind: 'softplus' }, { kind: 'gelu' }];

/** The built-in losses C2's batch checks draw from, by the name shown in reports. */
export const LOSSES: Record<string, Loss> = builtinLosses({ officialNceTau: 0.1 });

export interface PairCase {
  readonly net: GeneratedNetwork;
  readonly x: number[];
  readonly xp: number[];
  readonly cut: readonly number[];
}

/** A network (constraints: the network generator's), two binary inputs x, x′ and one of its layers as the cut. */
export const arbPair = (nc: NetworkConstraints = {}): fc.Arbitrary<PairCase> => {
  const n = poolSizes(nc).inputs;
  return fc.record({ net: arbNetwork(nc), x: arbInputPool(n), xp: arbInputPool(n), pick: fc.nat() }).map(({ net, x, xp, pick }) => {
    const { arch } = net.spec;
    return { net, x: x.slice(0, arch.nInputs), xp: xp.slice(0, arch.nInputs), cut: arch.layers[pick % arch.layers.length]!.blocks };
  });
};

export interface BatchCase {
  readonly net: GeneratedNetwork;
  readonly batch: Batch<number>;
  /** A key of LOSSES. */
  readonly loss: string;
}

export interface BatchCaseConstraints {
  /** The network (default: the network generator's defaults). */
  readonly network?: NetworkConstraints;
  /** Keys of LOSSES to draw from (default: all). */
  readonly losses?: readonly string[];
}

/** A network, a loss and a batch of B ≤ 3 tuples (H = 1 for tri, else ≤ 2). */
export const arbBatchCase = (c: BatchCaseConstraints = {}): fc.Arbitrary<BatchCase> =>
  fc.record({ net: arbNetwork(c.network ?? {}), loss: fc.constantFrom(...(c.losses ?? Object.keys(LOSSES))) }).chain(({ net, loss }) =>
    fc.record({ net: fc.constant(net), batch: arbBatch(net.spec.arch.nInputs, { maxH: loss.startsWith('tri') ? 1 : 2 }), loss: fc.constant(loss) }),
  );

export const describePair = (c: PairCase) => ({ network: describeNetwork(c.net), x: c.x, x_prime: c.xp, cut: c.cut.map((b) => c.net.spec.arch.blocks[b]!.name) });
export const describeBatch = (c: BatchCase) => ({ network: describeNetwork(c.net), batch: c.batch, loss: c.loss });
