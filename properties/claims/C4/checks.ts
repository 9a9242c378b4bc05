/**
 * C4's checks, exact by enumeration: every cut's operator is PSD, the cut's weight norm never
 * decreases under the exact expected L_simp step, and a single node's can (expected-fail).
 */
import { positiveSemidefinite } from '../../../src/numeric/linalg.js';
import type { Check, Measurement } from '../../../src/runner/check.js';
import type { Arith } from '../../../src/numeric/arith.js';
import { operatorMatrix } from '../../../src/theory/covarianceOperator.js';
import { negExpectedGradient } from '../../../src/theory/expectedGradient.js';
import { arbModel, type Model } from '../../generators/model.js';
import { arbModelWithEta, exactContext, operatorProperty, SMALL } from '../operatorModels.js';
import { record } from './record.js';

const sumSquares = <T>(A: Arith<T>, v: readonly T[]): T => v.reduce((s, x) => A.add(s, A.mul(x, x)), A.zero);

/** C4: every cut's operator is PSD (explicit matrix, exact LDLᵀ). */
function measurePsd(m: Model): Measurement {
  const c = exactContext(m);
  for (const layer of m.net.spec.arch.layers) {
    const r = positiveSemidefinite(c.A, operatorMatrix(c.A, m.net.spec, c.cm, layer.blocks));
    if (!r.psd) return { ok: false, error: 1, tolerance: 0, note: `${layer.name}: ${r.witness}` };
  }
  return { ok: true, error: 0, tolerance: 0 };
}

/** C4: ‖w_S − η E∇_S‖² ≥ ‖w_S‖² for S = each cut (or each single node), stepping with the exact expected gradient. */
function measureNormGrowth(m: Model & { readonly eta: number }, unit: 'cut' | 'node'): Measurement {
  const { A, params, cm, dist } = exactContext(m);
  const neg = negExpectedGradient(A, m.net.spec, params, dist, cm);
  const eta = A.from(m.eta);
  const sets = unit === 'cut' ? m.net.spec.arch.layers.map((l) => l.blocks) : m.net.spec.arch.blocks.map((b) => [b.index]);
  for (const set of sets) {
    const before = set.flatMap((b) => params.W[b]!);
    const after = set.flatMap((b) => params.W[b]!.map((w, i) => A.add(w, A.mul(eta, neg.W[b]![i]!))));
    const change = A.sub(sumSquares(A, after), sumSquares(A, before));
    if (A.sign(change) < 0) return { ok: false, error: -A.toNumber(change), tolerance: 0, note: `‖W‖² decreases by ${-A.toNumber(change)} on {${set.map((b) => m.net.spec.arch.blocks[b]!.name).join(', ')}}` };
  }
  return { ok: true, error: 0, tolerance: 0, derivation: 'rational arithmetic: exact sign of ‖W′‖² − ‖W‖²' };
}

export const checks: readonly Check[] = [
  operatorProperty('C4', 'C4/rational/psd', 'bias-free homogeneous, every augmentation', 'hold', () => arbModel(SMALL), measurePsd, record.title),
  operatorProperty('C4', 'C4/rational/norm-growth', 'cuts, exact expected L_simp step, η ∈ {1/8, 1/2, 2, 8}', 'hold', () => arbModelWithEta(SMALL), (m) => measureNormGrowth(m, 'cut'), record.title),
  operatorProperty('C4', 'C4/rational/single-node-norm', 'a single node of a tree layer', 'fail', () => arbModelWithEta({ ...SMALL, kind: 'tree', tree: { irregular: false, maxLeaves: 6 }, maxHid: 2, augmentation: { bases: ['root'] } }), (m) => measureNormGrowth(m, 'node'), record.title, 200),
];
