/**
 * C1's cases: a network, one binary input and one cut (docs/theory.md §2 C1).
 */
import * as fc from 'fast-check';
import { arbInputPool, arbNetwork, poolSizes, type GeneratedNetwork, type NetworkConstraints } from '../../generators/network.js';

export interface EulerCase {
  readonly net: GeneratedNetwork;
  readonly x: number[];
  readonly cut: readonly number[];
}

/** 'layer': one of the architecture's layers; 'single-node': one block of a layer of several; 'top': the output block. */
export type CutChoice = 'layer' | 'single-node' | 'top';

export interface EulerCaseConstraints {
  /** The network (default: the network generator's defaults). */
  readonly network?: NetworkConstraints;
  /** Which cut (default 'layer'). */
  readonly cut?: CutChoice;
}

/** A network, an input (the first nInputs of a pool) and a cut; shrinks towards the first layer. */
export function arbEulerCase(c: EulerCaseConstraints = {}): fc.Arbitrary<EulerCase> {
  const nc = c.network ?? {};
  const cut = c.cut ?? 'layer';
  const base = cut === 'single-node' ? arbNetwork(nc).filter((n) => n.spec.arch.layers.some((l) => l.blocks.length > 1)) : arbNetwork(nc);
  return fc.record({ net: base, pool: arbInputPool(poolSizes(nc).inputs), pick: fc.nat() }).map(({ net, pool, pick }) => {
    const { arch } = net.spec;
    const singles = arch.layers.filter((l) => l.blocks.length > 1).flatMap((l) => l.blocks.map((b) => [b]));
    const chosen = cut === 'top' ? [arch.output] : cut === 'layer' ? arch.layers[pick % arch.layers.length]!.blocks : singles[pick % singles.length]!;
    return { net, x: pool.slice(0, arch.nInputs), cut: chosen };
  });
}
