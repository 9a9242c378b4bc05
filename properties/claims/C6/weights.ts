/**
 * C6 weights for a loss under test: every β = ∂L/∂r against Richardson-extrapolated central
 * differences of the loss value (numeric/finiteDifference.ts), float64; distances where the loss is
 * not smooth (a max, a hinge) are undecided (noted; a case with none decided is counted undecided).
 */
import { F64 } from '../../../src/numeric/arith.js';
import { compareDerivative, richardsonDerivative } from '../../../src/numeric/finiteDifference.js';
import type { Measurement, PropertyCheck } from '../../../src/runner/check.js';
import { fmt } from '../../../src/runner/run.js';
import type { Loss } from '../../../src/losses/loss.js';
import { lossAt } from '../../../src/claims/lossBalance.js';
import { idSuffix, NOT_APPLICABLE, pipelineLoss, type LossUnderTest } from '../../lossUnderTest.js';
import { arbDistanceCase, distancesOf, type DistanceCase } from './generators.js';
import { differenceStep, lossMoved } from './balanceByDifferences.js';
import { record } from './record.js';

/** The worst |β_i − ∂L/∂r_i| over the distances, h = 2^-10·max(1, |r_i|)·min(1, τ). */
function measureWeights(loss: Loss, c: DistanceCase): Measurement {
  const v = lossAt(F64, loss, distancesOf(c));
  const betas = [...v.betaPos, ...v.betaNeg.flat()];
  const flat = [...c.rPos, ...c.rNeg.flat()];
  const H = c.rNeg[0]!.length;
  let worst: Measurement = { ok: true, error: 0, tolerance: Number.POSITIVE_INFINITY };
  let worstRatio = -1;
  let skipped = 0;
  for (let i = 0; i < flat.length; i++) {
    const h = differenceStep(c, [i]);
    const d = richardsonDerivative((t) => lossMoved(loss, c, [i], t), { h, value: v.value });
    // Not smooth here (a max, a hinge): the three estimates disagree at first order. Skip.
    if (!d.smooth) {
      skipped++;
      continue;
    }
    const cmp = compareDerivative(betas[i]!, d, { source: 'loss-weight', scale: 1 + Math.abs(betas[i]!), scaleText: '(1+|β|)' });
    const ratio = cmp.error / cmp.tolerance;
    if (!(ratio <= worstRatio)) {
      worstRatio = ratio;
      worst = {
        ok: ratio <= 1,
        error: cmp.error,
        tolerance: cmp.tolerance,
        derivation: `central differences at h, h/2, h/4 (h = ${fmt(h)}) with Richardson extrapolation: ${cmp.derivation}`,
        note: `∂L/∂${i < c.rPos.length ? 'r_+' : `r_${((i - c.rPos.length) % H) + 1}−`}: β = ${betas[i]}, differences give ${d.estimate}`,
      };
    }
  }
  if (skipped > 0 && worstRatio < 0) return { ok: true, error: 0, tolerance: 0, undecided: true, note: `all ${skipped} distances at a kink: undecided` };
  return skipped > 0 ? { ...worst, note: `${worst.note ?? ''}; ${skipped} distance(s) at a kink: undecided there` } : worst;
}

/** C6 weights: β are the derivatives of the value (float64, any loss). */
export function weightsCheck(u: LossUnderTest, o: { id?: string; runs?: number } = {}): PropertyCheck<DistanceCase> {
  return {
    type: 'property',
    id: o.id ?? `C6/float64/weights${idSuffix(u)}`,
    claim: 'C6',
    title: record.title,
    variant: `${u.family.label}: β = ∂L/∂r against finite differences`,
    expect: 'hold',
    arithmetic: 'float64',
    runs: { ci: o.runs ?? 40, full: (o.runs ?? 40) * 10 },
    arbitrary: () => arbDistanceCase(u, { values: 'float', lo: 0.0625, hi: 6 }),
    measure: (c) => {
      const loss = pipelineLoss(u, c.params);
      return loss ? measureWeights(loss, c) : NOT_APPLICABLE;
    },
    describe: (c) => c,
  };
}
