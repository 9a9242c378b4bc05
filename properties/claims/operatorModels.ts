/**
 * What C4, C5 and C10 share: small models of bias-free homogeneous networks decided exactly by
 * enumeration (rationals), the operator's context for one model (leaf law, conditional means), and
 * the property shape of their checks.
 */
import * as fc from 'fast-check';
import { EXACT, type Arith } from '../../src/numeric/arith.js';
import type { Rational } from '../../src/numeric/rational.js';
import type { ClaimId, Measurement, PropertyCheck } from '../../src/runner/check.js';
import type { Activation } from '../../src/network/activation.js';
import type { Params } from '../../src/network/architecture.js';
import { toArith } from '../../src/network/init.js';
import { leafDistribution, type LeafDistribution } from '../../src/hltm/exactDistribution.js';
import { conditionalMeans, type ConditionalMeans } from '../../src/theory/conditionalMeans.js';
import { arbModel, describeModel, type Model, type ModelConstraints } from '../generators/model.js';

export const HOMOGENEOUS: Activation[] = [{ kind: 'relu' }, { kind: 'leaky_relu', slope: 0.25 }, { kind: 'linear' }];

/** Trees (≤ 5 leaves) or MLPs, bias-free relu|leaky|linear, every augmentation. */
export const SMALL: ModelConstraints = { kind: 'any', activation: HOMOGENEOUS, tree: { maxLeaves: 5 } };

/** A model and a step size η ∈ {1/8, 1/2, 2, 8} (exact in rationals). */
export const arbModelWithEta = (c: ModelConstraints) => arbModel(c).chain((m) => fc.constantFrom(0.125, 0.5, 2, 8).map((eta) => ({ ...m, eta })));

export interface OperatorContext<T> {
  readonly A: Arith<T>;
  readonly m: Model;
  readonly params: Params<T>;
  readonly cm: ConditionalMeans<T>;
  readonly dist: LeafDistribution<T>;
}

/** The model's leaf law and conditional means, in rationals. */
export function exactContext(m: Model): OperatorContext<Rational> {
  const A = EXACT;
  const params = toArith(A, m.net.params);
  const dist = leafDistribution(A, m.tree, m.aug);
  return { A, m, params, dist, cm: conditionalMeans(A, m.net.spec, params, dist) };
}

/** A rational property over models (the case's η shown when it has one). */
export function operatorProperty<V extends Model>(claim: ClaimId, id: string, variant: string, expect: 'hold' | 'fail', arb: () => fc.Arbitrary<V>, measure: (v: V) => Measurement, title: string, runs = 40): PropertyCheck<V> {
  return { type: 'property', id, claim, title, variant, expect, arithmetic: 'rational', runs: { ci: runs, full: runs * 10 }, arbitrary: arb, measure, describe: (v) => ({ ...describeModel(v), ...('eta' in v ? { eta: (v as { eta: number }).eta } : {}) }) };
}
