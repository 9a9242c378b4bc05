/**
 * C7 with oracle weights −β_k = φ(x_0, x_0′_k) of the base samples, exactly in rationals: the residue
 * θ equals its closed form E[ξ·(C(x_0) − C(x_0′))], ξ = H·φ, C(x_0) = Cov[K_l, f_L | x_0]; θ = 0 for
 * symmetric φ; a non-symmetric φ with non-constant C is expected-fail (docs/theory.md §1.5).
 */
import * as fc from 'fast-check';
import { EXACT, type Arith } from '../../../src/numeric/arith.js';
import type { Measurement, PropertyCheck } from '../../../src/runner/check.js';
import { fmt } from '../../../src/runner/run.js';
import { oracleExpectedGradient } from '../../../src/theory/expectedLossGradient.js';
import { norm2, residue, residueClosedForm } from '../../../src/theory/pairwiseOperator.js';
import { arbModel, describeModel, type Model, type ModelConstraints } from '../../generators/model.js';
import { models } from './models.js';
import { firstMismatch } from '../../../src/claims/compare.js';
import { record } from './record.js';

interface OracleCase {
  readonly model: Model;
  /** φ(i, j) = table[(5i + 3j + i·j) mod 31]/8: a deterministic, shrinkable, non-symmetric table. */
  readonly table: number[];
  readonly H: number;
}

interface OracleConstraints {
  /** The model (tiny trees: the joint enumeration costs C^(2+H)). */
  readonly model: ModelConstraints;
  /** Negatives H from minH (default 1) to 2. */
  readonly minH?: number;
}

/** A model, a weight table and H. */
const arbOracle = (c: OracleConstraints): fc.Arbitrary<OracleCase> =>
  fc.record({
    model: arbModel(c.model),
    table: fc.array(fc.integer({ min: 0, max: 16 }), { minLength: 31, maxLength: 31 }),
    H: fc.integer({ min: c.minH ?? 1, max: 2 }),
  });

function phiTable<T>(A: Arith<T>, c: OracleCase, n0: number, symmetric: boolean): T[][] {
  const raw = (i: number, j: number) => c.table[(5 * i + 3 * j + i * j) % 31]! / 8;
  return Array.from({ length: n0 }, (_, i) => Array.from({ length: n0 }, (_, j) => A.from(symmetric ? raw(i, j) + raw(j, i) : raw(i, j))));
}

/**
 * 'closed-form-literal' is the earlier statement of C7, θ = E[φ·(C(x_0) − C(x_0′))] without the factor H:
 * for H > 1 it measurably fails (the expected-fail C7/rational/closed-form-without-H; THEORY.md C7 now
 * has ξ = H·φ).
 */
type OracleMode = 'closed-form' | 'closed-form-literal' | 'symmetric-zero' | 'non-symmetric-zero';

function measureOracle(c: OracleCase, mode: OracleMode): Measurement {
  const A = EXACT;
  for (const M of models(A, c.model)) {
    const phi = phiTable(A, c, M.p.length, mode === 'symmetric-zero');
    const xi = phi.map((row) => row.map((v) => A.mul(A.from(c.H), v)));
    const grad = oracleExpectedGradient(M, phi, c.H);
    const { theta } = residue(M, { grad, xi });
    const want = mode === 'closed-form' ? residueClosedForm(M, xi) : mode === 'closed-form-literal' ? residueClosedForm(M, phi) : theta.map(() => A.zero);
    const bad = firstMismatch(A, theta, want, (i) => `cut [${M.cut.join(', ')}], ${M.p.length} values of x_0: θ[${i}] = ${theta[i]} but ${mode === 'closed-form' ? `E[ξ(C − C')] gives ${want[i]}` : 'the claim says 0'} (‖θ‖ = ${fmt(norm2(A, theta))})`);
    if (bad) return bad;
  }
  return { ok: true, error: 0, tolerance: 0, derivation: 'rational arithmetic: exact equality' };
}

export function oracleCheck(id: string, mode: OracleMode, variant: string, expect: 'hold' | 'fail', constraints: ModelConstraints, runs: number, minH = 1): PropertyCheck<OracleCase> {
  return {
    type: 'property',
    id,
    claim: 'C7',
    title: record.title,
    variant,
    expect,
    arithmetic: 'rational',
    runs: { ci: runs, full: runs * 10 },
    arbitrary: () => arbOracle({ model: constraints, minH }),
    measure: (c) => measureOracle(c, mode),
    describe: (c) => ({ ...describeModel(c.model), phiTable: c.table, H: c.H }),
  };
}
