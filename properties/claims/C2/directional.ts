/**
 * C2 for any loss: the batch gradient is the derivative of the batch loss, ⟨∇L, v⟩ against central
 * differences of t ↦ L(w + t·v) along a random direction v (src/claims/chainRule.ts), plain and with
 * output normalisation. A check factory over a loss under test (properties/lossUnderTest.ts).
 */
import * as fc from 'fast-check';
import { Rng } from '../../../src/numeric/random.js';
import type { PropertyCheck } from '../../../src/runner/check.js';
import type { Activation } from '../../../src/network/activation.js';
import { initParams } from '../../../src/network/init.js';
import type { Batch } from '../../../src/network/batchGradient.js';
import type { Params } from '../../../src/losses/plugin/index.js';
import { CORRECT } from '../../../src/mutants/catalogue.js';
import { derivativeAlongDirection } from '../../../src/claims/chainRule.js';
import { arbNetwork, describeNetwork, type GeneratedNetwork } from '../../generators/network.js';
import { idSuffix, negativesRange, NOT_APPLICABLE, pipelineLoss, type LossUnderTest } from '../../lossUnderTest.js';
import { record } from './record.js';

export interface DirectionalCase {
  readonly net: GeneratedNetwork;
  readonly batch: Batch<number>;
  readonly direction: number[];
  readonly params: Params;
}

const SMOOTH: Activation[] = [{ kind: 'tanh' }, { kind: 'softplus' }];

/**
 * Smooth tree networks (tanh, softplus) with biases, generic weights and inputs: the architecture
 * comes from the network generator, the numbers from a seeded Gaussian draw (weights N(0, 1.5²/fan-in),
 * biases U(−½, ½), inputs U(0, 1)), so that outputs, distances and gradients are not degenerate;
 * H within the family's range (≤ 3), B ≤ 2, v uniform in [−1, 1]^n.
 */
export interface DirectionalConstraints {
  /** Output normalisation f/(‖f‖ + 1/4) (default false). */
  readonly normalize?: boolean;
}

export function arbDirectionalCase(u: LossUnderTest, c: DirectionalConstraints = {}): fc.Arbitrary<DirectionalCase> {
  const normalize = c.normalize ?? false;
  const [lo, hi] = negativesRange(u.family, 3);
  return fc
    .record({
      net: arbNetwork({ kind: 'tree', tree: { maxDepth: 2, maxChildren: 2, maxLeaves: 4 }, maxHid: 2, maxOut: 2, activation: SMOOTH, normalize, eps: 0.25, bias: true }),
      H: fc.integer({ min: lo, max: hi }),
      B: fc.integer({ min: 1, max: 2 }),
      seed: fc.integer(),
      params: u.params ?? fc.constant(u.family.params),
    })
    .map(({ net, H, B, seed, params }) => {
      const rng = new Rng(seed);
      const { spec } = net;
      const p = initParams(spec, rng, { scheme: 'gaussian', scale: 1.5 });
      const b = spec.arch.blocks.map((blk) => Array.from({ length: blk.out }, () => rng.range(-0.5, 0.5)));
      const input = () => Array.from({ length: spec.arch.nInputs }, () => rng.range(0, 1));
      const batch: Batch<number> = {
        x: Array.from({ length: B }, input),
        pos: Array.from({ length: B }, input),
        neg: Array.from({ length: B }, () => Array.from({ length: H }, input)),
      };
      const n = spec.arch.blocks.reduce((s, blk) => s + blk.out * blk.in, 0);
      const direction = Array.from({ length: n }, () => rng.range(-1, 1));
      return { net: { ...net, params: { W: p.W, b } }, batch, direction, params };
    });
}

/** C2: the engine's gradient is the derivative of its loss value (tanh/softplus tree nets, bias). */
export function fdCheck(u: LossUnderTest, o: { normalize: boolean; id?: string; runs?: number }): PropertyCheck<DirectionalCase> {
  const tag = o.normalize ? 'finite-differences-normalized' : 'finite-differences';
  return {
    type: 'property',
    id: o.id ?? `C2/float64/${tag}${idSuffix(u)}`,
    claim: 'C2',
    title: record.title,
    variant: `${u.family.label}: batch gradient = derivative of the batch loss${o.normalize ? ', output normalisation (ε = 1/4)' : ''}`,
    expect: 'hold',
    arithmetic: 'float64',
    runs: { ci: o.runs ?? 25, full: (o.runs ?? 25) * 10 },
    arbitrary: () => arbDirectionalCase(u, { normalize: o.normalize }),
    measure: (c) => {
      const loss = pipelineLoss(u, c.params);
      if (!loss) return NOT_APPLICABLE;
      return derivativeAlongDirection({ spec: c.net.spec, params: c.net.params, batch: c.batch, loss, direction: c.direction, engine: (u.pipeline ?? CORRECT).engine });
    },
    describe: (c) => ({ network: describeNetwork(c.net), batch: c.batch, direction: c.direction, params: c.params }),
  };
}
