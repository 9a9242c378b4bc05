/**
 * C6 balance for a loss under test: β_+ + Σβ_k = 0 and L(r + c) = L(r), rational when the loss runs
 * exactly, else float64 (the predicate is src/claims/lossBalance.ts); in float64 also d/dt L(r + t·1)
 * = 0 by central differences of the loss value (./balanceByDifferences.ts, independent of β).
 */
import { EXACT, F64 } from '../../../src/numeric/arith.js';
import type { PropertyCheck } from '../../../src/runner/check.js';
import { lossBalance } from '../../../src/claims/lossBalance.js';
import { idSuffix, NOT_APPLICABLE, pipelineLoss, type LossUnderTest } from '../../lossUnderTest.js';
import { arbDistanceCase, distancesOf, type DistanceCase } from './generators.js';
import { record } from './record.js';
import { balanceByDifferences } from './balanceByDifferences.js';
import { bothHold } from '../C2/differenceOracle.js';

/** C6 balance for a loss family: rational when the loss runs exactly, else float64. */
export function balanceCheck(u: LossUnderTest, o: { id?: string; expect?: 'hold' | 'fail'; runs?: number; exact?: boolean } = {}): PropertyCheck<DistanceCase> {
  const probe = pipelineLoss(u, u.family.params);
  const exact = o.exact ?? (probe?.rational === true);
  return {
    type: 'property',
    id: o.id ?? `C6/${exact ? 'rational' : 'float64'}/balance${idSuffix(u)}`,
    claim: 'C6',
    title: record.title,
    variant: `${u.family.label}: β_+ = −Σβ_k and L(r + c) = L(r)`,
    expect: o.expect ?? 'hold',
    arithmetic: exact ? 'rational' : 'float64',
    runs: { ci: o.runs ?? 60, full: (o.runs ?? 60) * 10 },
    arbitrary: () => arbDistanceCase(u, { values: exact ? 'dyadic' : 'float' }),
    measure: (c) => {
      const loss = pipelineLoss(u, c.params);
      if (!loss) return NOT_APPLICABLE;
      return exact ? lossBalance(EXACT, loss, distancesOf(c)) : bothHold(lossBalance(F64, loss, distancesOf(c)), balanceByDifferences(loss, c));
    },
    describe: (c) => c,
  };
}
