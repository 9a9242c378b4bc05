/**
 * C1's checks: the identity where it holds (rationals and float64; also with a bias or tanh strictly
 * below the cut) and the variants that break it (bias, normalisation, tanh, softplus, tanh at or above
 * the cut, a single node of a tree layer), all through the predicate src/claims/eulerIdentity.ts.
 */
import { EXACT, F64 } from '../../../src/numeric/arith.js';
import type { Check, PropertyCheck } from '../../../src/runner/check.js';
import { activationName, type Activation } from '../../../src/network/activation.js';
import { blockActivation } from '../../../src/network/architecture.js';
import { eulerIdentity } from '../../../src/claims/eulerIdentity.js';
import { describeNetwork, type NetworkConstraints } from '../../generators/network.js';
import { arbEulerCase, type ActivationSplit, type CutChoice, type EulerCase } from './generators.js';
import { record } from './record.js';

interface Variant {
  readonly id: string;
  readonly variant: string;
  readonly expect: 'hold' | 'fail';
  readonly exact: boolean;
  readonly constraints: NetworkConstraints;
  readonly cut: CutChoice;
  readonly bias?: 'below-cut';
  readonly split?: ActivationSplit;
  /** Inputs (default: binary in rationals, real in float64; generators.ts). */
  readonly inputs?: 'binary' | 'real';
}

const HOMOGENEOUS: Activation[] = [{ kind: 'relu' }, { kind: 'leaky_relu', slope: 0.25 }, { kind: 'linear' }];
const TREE_LAYERS = { kind: 'tree', tree: { irregular: false } } as const;
const TANH: Activation = { kind: 'tanh' };

const VARIANTS: Variant[] = [
  { id: 'C1/rational/cut', variant: 'bias-free relu|leaky|linear, tree cuts and MLP layers', expect: 'hold', exact: true, constraints: { activation: HOMOGENEOUS }, cut: 'layer' },
  { id: 'C1/float64/cut', variant: 'bias-free relu|leaky|linear, float weights, a cut below the output layer', expect: 'hold', exact: false, constraints: { activation: HOMOGENEOUS, values: 'float' }, cut: 'below-top' },
  { id: 'C1/rational/bias-below-cut', variant: 'bias and relu|leaky|linear strictly below any cut, checked at that cut', expect: 'hold', exact: true, constraints: { bias: true, activation: HOMOGENEOUS }, cut: 'layer', bias: 'below-cut' },
  { id: 'C1/float64/bias-below-cut', variant: 'bias strictly below a cut below the output layer, float weights', expect: 'hold', exact: false, constraints: { bias: true, activation: HOMOGENEOUS, values: 'float' }, cut: 'below-top', bias: 'below-cut' },
  { id: 'C1/float64/tanh-below-cut', variant: 'tanh strictly below a cut below the output layer, relu|leaky|linear at and above it, float weights', expect: 'hold', exact: false, constraints: { activation: HOMOGENEOUS, values: 'float' }, cut: 'middle', split: { where: 'below-cut', activation: TANH } },
  { id: 'C1/rational/bias', variant: 'bias', expect: 'fail', exact: true, constraints: { bias: true }, cut: 'layer' },
  { id: 'C1/float64/normalize', variant: 'output normalisation', expect: 'fail', exact: false, constraints: { normalize: true }, cut: 'layer' },
  { id: 'C1/float64/tanh', variant: 'tanh', expect: 'fail', exact: false, constraints: { activation: { kind: 'tanh' }, ...TREE_LAYERS }, cut: 'layer' },
  // Binary inputs: with real ones the shrinker takes x towards 0, where tanh(g) − g·tanh'(g) ≈ (2/3)g³
  // meets the rounding tolerance (a counterexample at ratio ≈ 1.02, |x| ≈ 6e-8); with x ∈ {0, 1} it fails by O(1).
  { id: 'C1/float64/tanh-at-or-above-cut', variant: 'tanh at and above a cut below the output layer, relu|leaky|linear below it', expect: 'fail', exact: false, constraints: { activation: HOMOGENEOUS, values: 'float' }, cut: 'below-top', split: { where: 'at-or-above-cut', activation: TANH }, inputs: 'binary' },
  { id: 'C1/float64/softplus', variant: 'softplus', expect: 'fail', exact: false, constraints: { activation: { kind: 'softplus' }, ...TREE_LAYERS }, cut: 'layer' },
  { id: 'C1/rational/single-node', variant: 'a single node of a tree layer', expect: 'fail', exact: true, constraints: TREE_LAYERS, cut: 'single-node' },
];

function makeCheck(v: Variant): PropertyCheck<EulerCase> {
  return {
    type: 'property',
    id: v.id,
    claim: 'C1',
    title: record.title,
    variant: v.variant,
    expect: v.expect,
    arithmetic: v.exact ? 'rational' : 'float64',
    runs: { ci: v.exact ? 60 : 150, full: 1000 },
    arbitrary: () => arbEulerCase({ network: v.constraints, cut: v.cut, ...(v.bias ? { bias: v.bias } : {}), ...(v.split ? { split: v.split } : {}), inputs: v.inputs ?? (v.exact ? 'binary' : 'real') }),
    measure: (c) => (v.exact ? eulerIdentity(EXACT, c.net.spec, c.net.params, c.x, c.cut) : eulerIdentity(F64, c.net.spec, c.net.params, c.x, c.cut)).measurement,
    describe: (c) => ({ network: describeNetwork(c.net), ...(c.net.spec.activations ? { activations: blockActivations(c) } : {}), x: c.x, cut: c.cut.map((b) => c.net.spec.arch.blocks[b]!.name) }),
  };
}

/** Per-block activations of a split case, by block name (the output block is linear and left out). */
function blockActivations(c: EulerCase): Record<string, string> {
  const { spec } = c.net;
  return Object.fromEntries(spec.arch.blocks.filter((b) => b.index !== spec.arch.output).map((b) => [b.name, activationName(blockActivation(spec, b.index))]));
}

export const checks: readonly Check[] = VARIANTS.map(makeCheck);
