/**
 * C1's cases: a network, one binary input and one cut (docs/theory.md §2 C1).
 *
 * At the output cut the identity is the forward pass's own last step (f_L = W_L·h, the same products
 * on both sides), so a check that means to test the connection uses a cut below it ('below-top'),
 * and a bias is placed strictly below the cut ('bias: below-cut'), where it changes K_l but not the
 * identity (issue 12: identities not true by construction).
 */
import * as fc from 'fast-check';
import type { Architecture, Params } from '../../../src/network/architecture.js';
import { arbUniform } from '../../generators/reals.js';
import { arbInputPool, arbNetwork, poolSizes, type GeneratedNetwork, type NetworkConstraints } from '../../generators/network.js';

export interface EulerCase {
  readonly net: GeneratedNetwork;
  readonly x: number[];
  readonly cut: readonly number[];
}

/**
 * 'layer': one of the architecture's layers; 'below-top': a layer other than the output's (networks
 * of ≥ 2 layers); 'single-node': one block of a layer of several; 'top': the output block.
 */
export type CutChoice = 'layer' | 'below-top' | 'single-node' | 'top';

export interface EulerCaseConstraints {
  /** The network (default: the network generator's defaults). */
  readonly network?: NetworkConstraints;
  /** Which cut (default 'layer'). */
  readonly cut?: CutChoice;
  /** 'below-cut': the network's biases are kept on the blocks strictly below the cut only (default: as drawn). */
  readonly bias?: 'below-cut';
  /**
   * 'binary' (default): 0/1 inputs (HLTM leaves; exact in rationals); 'real': uniform over [−1, 1] on
   * a fine grid (full mantissas), so the products x_j·w round and the two sides of a float check
   * differ by rounding (with 0/1 inputs and one active input per unit they are the same products).
   */
  readonly inputs?: 'binary' | 'real';
}

/** The blocks at or above a cut: the cut's blocks and every block their outputs reach. */
export function atOrAbove(arch: Architecture, cut: readonly number[]): Set<number> {
  const seen = new Set<number>(cut);
  const stack = [...cut];
  for (let b = stack.pop(); b !== undefined; b = stack.pop()) {
    for (const c of arch.blocks[b]!.consumers) {
      if (!seen.has(c.block)) {
        seen.add(c.block);
        stack.push(c.block);
      }
    }
  }
  return seen;
}

/** Params with the biases of the blocks at or above `cut` set to 0. */
function biasBelow(arch: Architecture, params: Params<number>, cut: readonly number[]): Params<number> {
  if (!params.b) return params;
  const above = atOrAbove(arch, cut);
  return { W: params.W, b: params.b.map((v, i) => (above.has(i) ? v.map(() => 0) : v)) };
}

/** A network, an input (the first nInputs of a pool) and a cut; shrinks towards the first layer. */
export function arbEulerCase(c: EulerCaseConstraints = {}): fc.Arbitrary<EulerCase> {
  const nc = c.network ?? {};
  const cut = c.cut ?? 'layer';
  const base =
    cut === 'single-node'
      ? arbNetwork(nc).filter((n) => n.spec.arch.layers.some((l) => l.blocks.length > 1))
      : cut === 'below-top'
        ? arbNetwork(nc).filter((n) => n.spec.arch.layers.length > 1)
        : arbNetwork(nc);
  const size = poolSizes(nc).inputs;
  const pool = c.inputs === 'real' ? fc.array(arbUniform({ min: -1, max: 1, shrinkTo: 0 }), { minLength: size, maxLength: size }) : arbInputPool(size);
  return fc.record({ net: base, pool, pick: fc.nat() }).map(({ net, pool, pick }) => {
    const { arch } = net.spec;
    const singles = arch.layers.filter((l) => l.blocks.length > 1).flatMap((l) => l.blocks.map((b) => [b]));
    const below = arch.layers.filter((l) => !l.blocks.includes(arch.output));
    const chosen =
      cut === 'top'
        ? [arch.output]
        : cut === 'layer'
          ? arch.layers[pick % arch.layers.length]!.blocks
          : cut === 'below-top'
            ? below[pick % below.length]!.blocks
            : singles[pick % singles.length]!;
    const params = c.bias === 'below-cut' ? biasBelow(arch, net.params, chosen) : net.params;
    return { net: { ...net, params }, x: pool.slice(0, arch.nInputs), cut: chosen };
  });
}
