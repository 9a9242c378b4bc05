/**
 * C2's float64 and rational checks: the pair forms, the batch gradient of every built-in loss, and a
 * central difference per weight (the float32 engines' checks are ./engines/checks.ts).
 */
import * as fc from 'fast-check';
import { EXACT, F64 } from '../../../src/numeric/arith.js';
import type { Check, Measurement, PropertyCheck } from '../../../src/runner/check.js';
import { measureBatch, measureFiniteDifference } from './batch.js';
import { ANY, arbBatchCase, arbPair, describeBatch, describePair, HOMOGENEOUS } from './generators.js';
import { measureConnectionForm, measureLayerForm } from './pairForms.js';
import { batchDifferenceOracle, bothHold, pairDifferenceOracle } from './differenceOracle.js';
import { LOSSES } from './generators.js';
import { record } from './record.js';
import { detectionRuns } from '../detectionRuns.js';

function property<V>(id: string, variant: string, expect: 'hold' | 'fail', arithmetic: 'rational' | 'float64', arb: () => fc.Arbitrary<V>, measure: (v: V) => Measurement, describe: (v: V) => unknown, runs = 80): PropertyCheck<V> {
  return { type: 'property', id, claim: 'C2', title: record.title, variant, expect, arithmetic, runs: { ci: runs, full: runs * 10 }, arbitrary: arb, measure, describe };
}

export const checks: readonly Check[] = [
  property('C2/rational/connection-form', 'relu|leaky|linear with bias', 'hold', 'rational', () => arbPair({ activation: HOMOGENEOUS, bias: true }), (c) => measureConnectionForm(EXACT, c), describePair),
  // float64: the connection form AND central differences of r (forward pass only): an oracle that shares no backwardPre.
  property('C2/float64/connection-form', 'any activation, bias, normalisation; also against central differences', 'hold', 'float64', () => arbPair({ activation: ANY, bias: true, normalize: true, values: 'float' }), (c) => bothHold(measureConnectionForm(F64, c), pairDifferenceOracle(c.net.spec, c.net.params, c.x, c.xp)), describePair),
  property('C2/float64/batch-any-loss', 'any network, every built-in loss; also against central differences', 'hold', 'float64', () => fc.oneof(arbBatchCase({ network: { activation: ANY, values: 'float' } }), arbBatchCase({ network: { activation: ANY, bias: true, normalize: true, values: 'float' } })), (c) => bothHold(measureBatch(c), batchDifferenceOracle(c.net.spec, c.net.params, c.batch, LOSSES[c.loss]!)), describeBatch),
  property('C2/float64/finite-difference', 'relu with bias, L_simp (backward pass vs central differences)', 'hold', 'float64', () => arbBatchCase({ network: { bias: true }, losses: ['simp'] }).chain((c) => fc.record({ net: fc.constant(c.net), batch: fc.constant(c.batch), loss: fc.constant(c.loss), entry: fc.nat() })), measureFiniteDifference, describeBatch),
  property('C2/rational/layer-form', 'bias-free relu|leaky|linear, cuts', 'hold', 'rational', () => arbPair({ activation: HOMOGENEOUS }), (c) => measureLayerForm(EXACT, c), describePair),
  property('C2/rational/layer-form-bias', 'layer form with bias', 'fail', 'rational', () => arbPair({ bias: true }), (c) => measureLayerForm(EXACT, c), describePair, detectionRuns('C2/rational/layer-form-bias')),
];
