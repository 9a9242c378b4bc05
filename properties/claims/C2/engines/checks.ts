/**
 * C2, third witness: float32 engines against the float64 reference (docs/theory.md §3, "float32
 * backends are checked against the float64 reference, never against themselves"): TF.js autograd
 * and forward pass (./tfjs.ts), the hand-written f32 kernels (./f32.ts), tolerances ./tolerance.ts.
 */
import * as fc from 'fast-check';
import type { Check, Measurement, PropertyCheck } from '../../../../src/runner/check.js';
import type { NetworkConstraints } from '../../../generators/network.js';
import { record } from '../record.js';
import { ANY, arbEngineCase, describeCase } from './cases.js';
import { measureF32Gradient } from './f32.js';
import { measureTfForward, measureTfGradient } from './tfjs.js';

function property<V>(id: string, variant: string, arb: () => fc.Arbitrary<V>, measure: (v: V) => Measurement, describe: (v: V) => unknown, runs = 40): PropertyCheck<V> {
  return { type: 'property', id, claim: 'C2', title: `${record.title} (float32 engines)`, variant, expect: 'hold', arithmetic: 'float32', runs: { ci: runs, full: runs * 10 }, arbitrary: arb, measure, describe };
}

const ANY_NET: NetworkConstraints = { activation: ANY, bias: true, normalize: true, values: 'float' };
const anyNetwork = () => fc.oneof(arbEngineCase({ ...ANY_NET, normalize: false }), arbEngineCase(ANY_NET));
const completeTrees = (nc: NetworkConstraints) => arbEngineCase({ ...nc, kind: 'tree', tree: { irregular: false } });
const trees = (nc: NetworkConstraints) => arbEngineCase({ ...nc, kind: 'tree' });

export const checks: readonly Check[] = [
  property('C2/float32/tfjs-autograd', 'TF.js per-block graphs: any network, activation, bias, normalisation, every loss', anyNetwork, (c) => measureTfGradient(c, 'block'), describeCase),
  property('C2/float32/tfjs-level-autograd', 'TF.js level-batched graphs: complete trees, every loss', () => completeTrees(ANY_NET), (c) => measureTfGradient(c, 'level'), describeCase),
  property('C2/float32/tfjs-forward', 'TF.js forward pass: outputs and pre-activations', anyNetwork, (c) => measureTfForward(c, 'block'), describeCase, 30),
  property('C2/float32/f32-kernels', 'hand-written f32 kernels (tree networks, pattern tables): every loss, bias, normalisation', () => fc.oneof(trees(ANY_NET), trees({ ...ANY_NET, normalize: false, bias: false })), measureF32Gradient, describeCase),
];
