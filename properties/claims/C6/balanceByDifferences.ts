/**
 * C6 balance on the loss's own derivatives (issue 12: an oracle independent of β's definition; the
 * built-in losses define β_+ as −Σβ_k, so β_+ + Σβ_k = 0 holds by construction there): for each
 * group g of distances (a tuple; the whole batch for batch losses)
 *
 *     d/dt L(r + t·1_g) at t = 0  =  Σ_{i∈g} ∂L/∂r_i  =  β_+ + Σβ_k  =  0,
 *
 * measured by central differences of the loss value with Richardson extrapolation
 * (numeric/finiteDifference.ts), against the exact 0 (so no allowance for a compared side), float64.
 * A group where the differences disagree at first order (a hinge on the stencil) is `undecided`, counted.
 */
import { F64 } from '../../../src/numeric/arith.js';
import { compareDerivative, richardsonDerivative } from '../../../src/numeric/finiteDifference.js';
import type { Measurement } from '../../../src/runner/check.js';
import { fmt } from '../../../src/runner/run.js';
import type { Loss } from '../../../src/losses/loss.js';
import type { DistanceCase } from './generators.js';

/** L at the case's distances with `t` added to those of flat index in `moved` (flat: r_+ then r_− row by row). */
export function lossMoved(loss: Loss, c: DistanceCase, moved: readonly number[], t: number): number {
  const r = [...c.rPos, ...c.rNeg.flat()];
  for (const i of moved) r[i]! += t;
  const B = c.rPos.length;
  const H = c.rNeg[0]!.length;
  return loss.evaluate(F64, { rPos: r.slice(0, B), rNeg: c.rPos.map((_, b) => r.slice(B + b * H, B + (b + 1) * H)), dim: 2, reduction: 'mean' }).value;
}

/** The step: 2^-10·max(1, largest |r| moved)·min(1, τ) (τ sets the loss's curvature). */
export function differenceStep(c: DistanceCase, moved: readonly number[]): number {
  const r = [...c.rPos, ...c.rNeg.flat()];
  const tau = c.params.tau !== undefined && c.params.tau > 0 ? c.params.tau : 1;
  return 2 ** -10 * Math.max(1, ...moved.map((i) => Math.abs(r[i]!))) * Math.min(1, tau);
}

/** The groups of flat indices whose distances a balanced loss lets shift together. */
function groupsOf(loss: Loss, c: DistanceCase): number[][] {
  const B = c.rPos.length;
  const H = c.rNeg[0]!.length;
  if (!loss.perTuple) return [Array.from({ length: B * (H + 1) }, (_, i) => i)];
  return c.rPos.map((_, b) => [b, ...Array.from({ length: H }, (_, k) => B + b * H + k)]);
}

/** The worst |d/dt L(r + t·1_g)| over the groups, against the differences' own error bound. */
export function balanceByDifferences(loss: Loss, c: DistanceCase): Measurement {
  let worst: Measurement | null = null;
  let worstRatio = -1;
  let undecided = 0;
  for (const g of groupsOf(loss, c)) {
    const h = differenceStep(c, g);
    const d = richardsonDerivative((t) => lossMoved(loss, c, g, t), { h, value: lossMoved(loss, c, g, 0) });
    if (!d.smooth) {
      undecided++;
      continue;
    }
    const cmp = compareDerivative(0, d, { source: 'loss-weight', scale: 0, scaleText: '0 (the claimed 0 is exact)' });
    const ratio = cmp.error / cmp.tolerance;
    if (!(ratio <= worstRatio)) {
      worstRatio = ratio;
      worst = {
        ok: cmp.ok,
        error: cmp.error,
        tolerance: cmp.tolerance,
        derivation: `d/dt L(r + t·1) by central differences at h, h/2, h/4 (h = ${fmt(h)}): ${cmp.derivation}`,
        note: `d/dt L(r + t·1) over ${g.length} distances = ${d.estimate} by differences (a balanced loss: 0)`,
      };
    }
  }
  if (!worst) return { ok: true, error: 0, tolerance: 0, undecided: true, note: `the loss is not smooth along r + t·1 in all ${undecided} groups: undecided` };
  return undecided > 0 ? { ...worst, note: `${worst.note}; ${undecided} group(s) not smooth: undecided` } : worst;
}
