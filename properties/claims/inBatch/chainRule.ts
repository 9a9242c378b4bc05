/**
 * C2 and C6 with in-batch negatives (docs/theory.md §4): the backward pass of an in-batch batch equals
 * the connection form with a view's connection in every pair it is in (src/claims/inBatchChainRule.ts),
 * in rationals (===) and float64; and every anchor's weights balance, β_+ = −Σ_{k<2B−2} β_k
 * (src/claims/lossBalance.ts on the anchors' own distances; ntxent: in the similarities).
 */
import { EXACT, F64 } from '../../../src/numeric/arith.js';
import type { PropertyCheck } from '../../../src/runner/check.js';
import { toArith } from '../../../src/network/init.js';
import { inBatchConnectionForm } from '../../../src/claims/inBatchChainRule.js';
import { inBatchLoss } from '../../../src/network/inBatchGradient.js';
import { lossBalance } from '../../../src/claims/lossBalance.js';
import { record as c2 } from '../C2/record.js';
import { record as c6 } from '../C6/record.js';
import { arbInBatchCase, buildInBatchCase, type DrawnInBatchCase } from './cases.js';

const RATIONAL_LOSSES = [{ name: 'simp' }, { name: 'official_subtract' }];

export const connectionFormFloat: PropertyCheck<DrawnInBatchCase> = {
  type: 'property',
  id: 'C2/float64/in-batch',
  claim: 'C2',
  title: c2.title,
  variant: 'in-batch negatives (H = 2B − 2), symmetric or not, simp / nce / official / ntxent: backward = Σ_v K_v·∂L/∂u_v = Σ_pairs β·ΔK·Δu',
  expect: 'hold',
  arithmetic: 'float64',
  runs: { ci: 40, full: 400 },
  arbitrary: () => arbInBatchCase(),
  measure: (d) => inBatchConnectionForm(F64, buildInBatchCase(d)),
  describe: (d) => d,
};

export const connectionFormRational: PropertyCheck<DrawnInBatchCase> = {
  type: 'property',
  id: 'C2/rational/in-batch',
  claim: 'C2',
  title: c2.title,
  variant: 'in-batch negatives, symmetric or not, simp / official_subtract, dyadic weights: backward = Σ_v K_v·∂L/∂u_v = Σ_pairs β·ΔK·Δu (===)',
  expect: 'hold',
  arithmetic: 'rational',
  runs: { ci: 15, full: 150 },
  arbitrary: () => arbInBatchCase({ losses: RATIONAL_LOSSES, values: 'dyadic' }),
  measure: (d) => {
    const c = buildInBatchCase(d);
    const q = (rows: readonly (readonly number[])[]) => rows.map((r) => r.map((v) => EXACT.from(v)));
    return inBatchConnectionForm(EXACT, { ...c, params: toArith(EXACT, c.params), rows: { x: q(c.rows.x), pos: q(c.rows.pos) } });
  },
  describe: (d) => d,
};

export const balancePerAnchor: PropertyCheck<DrawnInBatchCase> = {
  type: 'property',
  id: 'C6/float64/in-batch-balance',
  claim: 'C6',
  title: c6.title,
  variant: 'in-batch nce and ntxent: per anchor β_+ = −Σ_k β_k over its 2B − 2 negatives, and L(r + c) = L(r)',
  expect: 'hold',
  arithmetic: 'float64',
  runs: { ci: 40, full: 400 },
  arbitrary: () => arbInBatchCase({ losses: [{ name: 'nce', tau: 0.5 }, { name: 'nce', tau: 0.05 }, { name: 'ntxent', tau: 0.5 }, { name: 'ntxent', tau: 0.1 }] }),
  measure: (d) => {
    const c = buildInBatchCase(d);
    const r = inBatchLoss(F64, c.spec, c.params, c.rows, c.loss, c.symmetric, c.reduction);
    return lossBalance(F64, c.loss, { rPos: r.stats.pos, rNeg: r.stats.neg, shift: 0.375, dim: c.spec.arch.nOut, reduction: c.reduction });
  },
  describe: (d) => d,
};
