/**
 * C7 with a loss's own weights: E[∇L] by joint enumeration (src/theory/expectedLossGradient.ts), its
 * residue θ = E[∇L] + 2·OP^ξ·w against 0 (identity augmentation, float64) or against its closed form
 * (rational losses with constant weights, where unbalanced losses fail). Check factories over a loss
 * under test.
 */
import * as fc from 'fast-check';
import { EXACT, F64, type Arith } from '../../../src/numeric/arith.js';
import type { Measurement, PropertyCheck } from '../../../src/runner/check.js';
import { fmt } from '../../../src/runner/run.js';
import type { Params } from '../../../src/losses/plugin/index.js';
import { expectedLossGradient } from '../../../src/theory/expectedLossGradient.js';
import { norm2, residue, residueClosedForm } from '../../../src/theory/pairwiseOperator.js';
import { CORRECT } from '../../../src/mutants/catalogue.js';
import { arbModel, describeModel, type Model, type ModelConstraints } from '../../generators/model.js';
import { idSuffix, negativesRange, NOT_APPLICABLE, pipelineLoss, type LossUnderTest } from '../../lossUnderTest.js';
import { models, thetaTolerance, TINY } from './models.js';
import { firstMismatch } from '../../../src/claims/compare.js';
import { record } from './record.js';

interface LossCase {
  readonly model: Model;
  readonly params: Params;
  readonly H: number;
}

function measureLossResidue<T>(A: Arith<T>, u: LossUnderTest, c: LossCase, target: 'zero' | 'closed-form'): Measurement {
  const loss = pipelineLoss(u, c.params);
  if (!loss) return NOT_APPLICABLE;
  const law = (u.pipeline ?? CORRECT).law;
  let worst: Measurement = { ok: true, error: 0, tolerance: 0 };
  let worstRatio = -1;
  for (const M of models(A, c.model)) {
    const e = expectedLossGradient(M, loss, c.H, law);
    const { theta } = residue(M, e);
    const want = target === 'closed-form' ? residueClosedForm(M, e.xi) : theta.map(() => A.zero);
    if (A.exact) {
      const bad = firstMismatch(A, theta, want, (i) => `cut [${M.cut.join(', ')}]: θ[${i}] = ${A.toNumber(theta[i]!)}, the covariance form says ${A.toNumber(want[i]!)} (‖θ‖ = ${fmt(norm2(A, theta))})`);
      if (bad) return bad;
      continue;
    }
    let err = 0;
    theta.forEach((v, r) => (err = Math.max(err, Math.abs(A.toNumber(v) - A.toNumber(want[r]!)))));
    if (Number.isNaN(err)) err = Number.POSITIVE_INFINITY;
    const xiMax = Math.max(0, ...e.xi.flat().map((v) => Math.abs(A.toNumber(v))));
    const t = thetaTolerance(M, { H: c.H, betaScale: e.betaScale, xiMax, terms: e.tuples });
    if (err / t.tol > worstRatio) {
      worstRatio = err / t.tol;
      worst = { ok: err <= t.tol, error: err, tolerance: t.tol, derivation: t.derivation, note: `cut [${M.cut.join(', ')}]: ‖θ‖∞ = ${fmt(err)}, ${e.tuples} tuples` };
    }
  }
  return worst;
}

/** A model (constraints `model`), the loss's parameters and H within its range, at most maxH. */
function arbLossCase(u: LossUnderTest, c: { readonly model: ModelConstraints; readonly maxH: number }): fc.Arbitrary<LossCase> {
  const [lo, hi] = negativesRange(u.family, c.maxH);
  return fc.record({ model: arbModel(c.model), params: u.params ?? fc.constant(u.family.params), H: fc.integer({ min: lo, max: hi }) });
}

/** C7 identity: with `identity` augmentation θ = 0 for the loss (float64), any allowed H ≤ 2. */
export function identityCheck(u: LossUnderTest, o: { id?: string; runs?: number } = {}): PropertyCheck<LossCase> {
  const constraints: ModelConstraints = { ...TINY, values: 'float', augmentation: { bases: ['identity'], flips: [0] }, tree: { ...TINY.tree, polarity: { kind: 'any' } } };
  return {
    type: 'property',
    id: o.id ?? `C7/enumeration/identity${idSuffix(u)}`,
    claim: 'C7',
    title: record.title,
    variant: `${u.family.label}, identity augmentation: θ = 0`,
    expect: 'hold',
    arithmetic: 'enumeration',
    runs: { ci: o.runs ?? 20, full: (o.runs ?? 20) * 10 },
    arbitrary: () => arbLossCase(u, { model: constraints, maxH: 2 }),
    measure: (c) => measureLossResidue(F64, u, c, 'zero'),
    describe: (c) => ({ ...describeModel(c.model), params: c.params, H: c.H }),
  };
}

/**
 * C7 covariance form for a rational loss with constant weights (simp, r_+ − c·r_−): θ equals its
 * closed form E[ξ(C − C')] (= 0, ξ constant). Exact; unbalanced losses fail it.
 */
export function covarianceFormCheck(u: LossUnderTest, o: { id: string; expect: 'hold' | 'fail'; runs?: number }): PropertyCheck<LossCase> {
  const constraints: ModelConstraints = { ...TINY, augmentation: { bases: ['root', 'level'], maxLevel: 1, flips: [0, 0.25] }, tree: { ...TINY.tree, maxLeaves: 3, irregular: false, maxDepth: 2 } };
  return {
    type: 'property',
    id: o.id,
    claim: 'C7',
    title: record.title,
    variant: `${u.family.label}: E[∇L] = −2·OP^ξ w + E[ξ(C − C′)]`,
    expect: o.expect,
    arithmetic: 'rational',
    runs: { ci: o.runs ?? 30, full: (o.runs ?? 30) * 10 },
    arbitrary: () => arbLossCase(u, { model: constraints, maxH: 1 }),
    measure: (c) => measureLossResidue(EXACT, u, c, 'closed-form'),
    describe: (c) => ({ ...describeModel(c.model), params: c.params, H: c.H }),
  };
}
