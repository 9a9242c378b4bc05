/**
 * C1's cases: a network, one binary input and one cut (docs/theory.md §2 C1).
 *
 * At the output cut the identity is the forward pass's own last step (f_L = W_L·h, the same products
 * on both sides), so a check that means to test the connection uses a cut below it ('below-top'),
 * and a bias is placed strictly below the cut ('bias: below-cut'), where it changes K_l but not the
 * identity (issue 12: identities not true by construction). Likewise a non-homogeneous ψ (tanh)
 * strictly below a cut that has blocks below it ('middle'; per-block activations, `split`), where
 * the identity still holds, or at and above the cut, where it breaks.
 */
import * as fc from 'fast-check';
import type { Activation } from '../../../src/network/activation.js';
import type { Architecture, NetworkSpec, Params } from '../../../src/network/architecture.js';
import { arbUniform } from '../../generators/reals.js';
import { arbInputPool, arbNetwork, poolSizes, type GeneratedNetwork, type NetworkConstraints } from '../../generators/network.js';

export interface EulerCase {
  readonly net: GeneratedNetwork;
  readonly x: number[];
  readonly cut: readonly number[];
}

/**
 * 'layer': one of the architecture's layers; 'below-top': a layer other than the output's (networks
 * of ≥ 2 layers); 'middle': a layer other than the output's with at least one block strictly below
 * it; 'single-node': one block of a layer of several; 'top': the output block.
 */
export type CutChoice = 'layer' | 'below-top' | 'middle' | 'single-node' | 'top';

/** Where `split` puts its activation: the blocks strictly below the cut, or the hidden blocks at or above it. */
export interface ActivationSplit {
  readonly where: 'below-cut' | 'at-or-above-cut';
  readonly activation: Activation;
}

export interface EulerCaseConstraints {
  /** The network (default: the network generator's defaults). */
  readonly network?: NetworkConstraints;
  /** Which cut (default 'layer'). */
  readonly cut?: CutChoice;
  /** 'below-cut': the network's biases are kept on the blocks strictly below the cut only (default: as drawn). */
  readonly bias?: 'below-cut';
  /**
   * Per-block activations split at the cut (default: none, the network's ψ everywhere):
   * `activation` on the blocks strictly below the cut ('below-cut': C1 still holds) or on the hidden
   * blocks at or above it ('at-or-above-cut': C1 breaks); the other blocks keep the network's ψ.
   */
  readonly split?: ActivationSplit;
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

/** A layer other than the output's with at least one block strictly below it. */
function hasBlocksBelow(arch: Architecture, blocks: readonly number[]): boolean {
  return !blocks.includes(arch.output) && atOrAbove(arch, blocks).size < arch.blocks.length;
}

/** The spec with `split.activation` on the blocks strictly below (or at and above) `cut`, the network's ψ elsewhere. */
function splitActivations(spec: NetworkSpec, cut: readonly number[], split: ActivationSplit): NetworkSpec {
  const above = atOrAbove(spec.arch, cut);
  const activations = spec.arch.blocks.map((b) => (above.has(b.index) === (split.where === 'at-or-above-cut') ? split.activation : spec.activation));
  return { ...spec, activations };
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
        : cut === 'middle'
          ? arbNetwork(nc).filter((n) => n.spec.arch.layers.some((l) => hasBlocksBelow(n.spec.arch, l.blocks)))
          : arbNetwork(nc);
  const size = poolSizes(nc).inputs;
  const pool = c.inputs === 'real' ? fc.array(arbUniform({ min: -1, max: 1, shrinkTo: 0 }), { minLength: size, maxLength: size }) : arbInputPool(size);
  return fc.record({ net: base, pool, pick: fc.nat() }).map(({ net, pool, pick }) => {
    const { arch } = net.spec;
    const singles = arch.layers.filter((l) => l.blocks.length > 1).flatMap((l) => l.blocks.map((b) => [b]));
    const below = arch.layers.filter((l) => !l.blocks.includes(arch.output));
    const middle = arch.layers.filter((l) => hasBlocksBelow(arch, l.blocks));
    const chosen =
      cut === 'top'
        ? [arch.output]
        : cut === 'layer'
          ? arch.layers[pick % arch.layers.length]!.blocks
          : cut === 'below-top'
            ? below[pick % below.length]!.blocks
            : cut === 'middle'
              ? middle[pick % middle.length]!.blocks
              : singles[pick % singles.length]!;
    const params = c.bias === 'below-cut' ? biasBelow(arch, net.params, chosen) : net.params;
    const spec = c.split ? splitActivations(net.spec, chosen, c.split) : net.spec;
    return { net: { ...net, spec, params }, x: pool.slice(0, arch.nInputs), cut: chosen };
  });
}
