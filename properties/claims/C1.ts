/**
 * C1 (exact): f_L(x) = Σ_{ν∈l} K_ν(x)ᵀ w_ν for every cut l of a bias-free, positively homogeneous
 * network (Euler's identity). f_L − K_lᵀw_l = Σ_{l'≥l} J_l'·b_l', so a bias at or above the cut,
 * output normalisation, or a non-homogeneous ψ above it break it; what lies below does not matter.
 */
import * as fc from 'fast-check';
import { EXACT, F64, type Arith } from '../../src/numeric/arith.js';
import type { Check, ClaimRecord, Measurement, PropertyCheck } from '../../src/runner/check.js';
import type { Activation } from '../../src/network/activation.js';
import type { NetworkSpec, Params } from '../../src/network/architecture.js';
import { connections, connectionTransposeTimes } from '../../src/network/connection.js';
import { forward } from '../../src/network/forward.js';
import { toArith } from '../../src/network/init.js';
import { magnitude } from '../../src/network/magnitude.js';
import { tolerance } from '../../src/numeric/tolerance.js';
import { arbInputPool, arbNetwork, describeNetwork, poolSizes, type GeneratedNetwork, type NetworkConstraints } from '../generators/network.js';
import { compareIn } from './compare.js';

export const record: ClaimRecord = {
  id: 'C1',
  title: 'Euler identity: the output is the connection times the weights',
  statement: 'f_L(x) = K_l(x)ᵀ w_l for every layer (cut) l and input x, for bias-free positively homogeneous networks',
  section: 'THEORY.md §2 C1, §1.3',
  kind: 'exact',
  holdsFor: ['bias-free ReLU / leaky-ReLU / linear MLP layers', 'tree layers of complete trees, any cut of irregular trees', 'bias or tanh strictly below the cut'],
  breaksWith: ['bias at or above the cut', 'output normalisation', 'non-homogeneous ψ (tanh, softplus, GELU) above the cut', 'a single node of a tree layer'],
};

interface Case {
  readonly net: GeneratedNetwork;
  readonly x: number[];
  readonly cut: readonly number[];
}

/** Σ_{ν∈cut} K_νᵀ w_ν against f_L. */
export function eulerResidual<T>(A: Arith<T>, spec: NetworkSpec, params: Params<T>, x: readonly T[], cut: readonly number[]): { lhs: T[]; rhs: T[] } {
  const trace = forward(A, spec, params, x);
  const rhs = new Array<T>(spec.arch.nOut).fill(A.zero);
  for (const K of connections(A, spec, params, trace, cut)) {
    connectionTransposeTimes(A, K, params.W[K.block]!).forEach((v, k) => (rhs[k] = A.add(rhs[k]!, v)));
  }
  return { lhs: [...trace.out], rhs };
}

function measureIn<T>(A: Arith<T>, c: Case): Measurement {
  const { spec, params } = c.net;
  const { lhs, rhs } = eulerResidual(A, spec, toArith(A, params), c.x.map((v) => A.from(v)), c.cut);
  return compareIn(A, lhs, rhs, () => {
    const m = magnitude(spec, params, c.x);
    const scale = spec.normalize ? Math.max(1, m.scale / spec.eps) : m.scale;
    return tolerance('float64', 'identity', m.ops, scale);
  });
}

type CutChoice = 'layer' | 'single-node' | 'top';

function arbCase(nc: NetworkConstraints, cut: CutChoice): fc.Arbitrary<Case> {
  const base = cut === 'single-node' ? arbNetwork(nc).filter((n) => n.spec.arch.layers.some((l) => l.blocks.length > 1)) : arbNetwork(nc);
  return fc.record({ net: base, pool: arbInputPool(poolSizes(nc).inputs), pick: fc.nat() }).map(({ net, pool, pick }) => {
    const { arch } = net.spec;
    const singles = arch.layers.filter((l) => l.blocks.length > 1).flatMap((l) => l.blocks.map((b) => [b]));
    const chosen = cut === 'top' ? [arch.output] : cut === 'layer' ? arch.layers[pick % arch.layers.length]!.blocks : singles[pick % singles.length]!;
    return { net, x: pool.slice(0, arch.nInputs), cut: chosen };
  });
}

interface Variant {
  readonly id: string;
  readonly variant: string;
  readonly expect: 'hold' | 'fail';
  readonly exact: boolean;
  readonly constraints: NetworkConstraints;
  readonly cut: CutChoice;
}

const HOMOGENEOUS: Activation[] = [{ kind: 'relu' }, { kind: 'leaky_relu', slope: 0.25 }, { kind: 'linear' }];
const TREE_LAYERS = { kind: 'tree', tree: { irregular: false } } as const;

const VARIANTS: Variant[] = [
  { id: 'C1/rational/cut', variant: 'bias-free relu|leaky|linear, tree cuts and MLP layers', expect: 'hold', exact: true, constraints: { activation: HOMOGENEOUS }, cut: 'layer' },
  { id: 'C1/float64/cut', variant: 'bias-free relu|leaky|linear, float weights', expect: 'hold', exact: false, constraints: { activation: HOMOGENEOUS, values: 'float' }, cut: 'layer' },
  { id: 'C1/rational/bias-below-output', variant: 'bias and relu anywhere, checked at the output layer', expect: 'hold', exact: true, constraints: { bias: 'below-output', activation: HOMOGENEOUS }, cut: 'top' },
  { id: 'C1/float64/tanh-output-layer', variant: 'tanh below the output layer, checked at the output layer', expect: 'hold', exact: false, constraints: { activation: { kind: 'tanh' }, values: 'float' }, cut: 'top' },
  { id: 'C1/rational/bias', variant: 'bias', expect: 'fail', exact: true, constraints: { bias: true }, cut: 'layer' },
  { id: 'C1/float64/normalize', variant: 'output normalisation', expect: 'fail', exact: false, constraints: { normalize: true }, cut: 'layer' },
  { id: 'C1/float64/tanh', variant: 'tanh', expect: 'fail', exact: false, constraints: { activation: { kind: 'tanh' }, ...TREE_LAYERS }, cut: 'layer' },
  { id: 'C1/float64/softplus', variant: 'softplus', expect: 'fail', exact: false, constraints: { activation: { kind: 'softplus' }, ...TREE_LAYERS }, cut: 'layer' },
  { id: 'C1/rational/single-node', variant: 'a single node of a tree layer', expect: 'fail', exact: true, constraints: TREE_LAYERS, cut: 'single-node' },
];

function makeCheck(v: Variant): PropertyCheck<Case> {
  return {
    type: 'property',
    id: v.id,
    claim: 'C1',
    title: record.title,
    variant: v.variant,
    expect: v.expect,
    arithmetic: v.exact ? 'rational' : 'float64',
    runs: { ci: v.exact ? 60 : 150, full: 1000 },
    arbitrary: () => arbCase(v.constraints, v.cut),
    measure: (c) => (v.exact ? measureIn(EXACT, c) : measureIn(F64, c)),
    describe: (c) => ({ network: describeNetwork(c.net), x: c.x, cut: c.cut.map((b) => c.net.spec.arch.blocks[b]!.name) }),
  };
}

export const checks: readonly Check[] = VARIANTS.map(makeCheck);
