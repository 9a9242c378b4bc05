/**
 * Issue 8 §5, hunt C6: the minimal case could show "error 0 vs tolerance 0". Shrinking drives the
 * weights to 0; there every distance is 0, and a measurement whose error and tolerance both vanish
 * (or turn non-finite) may still be "not ok" without showing any violation. A shrunk case is a real
 * violation (a finite error above its tolerance) whenever the search found one; and C6's balance
 * reports the failing part (a non-finite β sum), never the vanishing shift part beside it.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbCaseJson } from '../src/hunt/caseDomain.js';
import { evaluate, isEval, type Evaluated } from '../src/hunt/evaluate.js';
import { realViolation, shrink } from '../src/hunt/shrink.js';
import { targetsFor, type HuntTarget } from '../src/hunt/targets.js';
import type { NestedCaseJson } from '../src/case/schema.js';
import { lossBalance } from '../src/claims/lossBalance.js';
import { F64 } from '../src/numeric/arith.js';
import { simpleLoss } from '../src/losses/index.js';
import type { Loss } from '../src/losses/loss.js';
import type { Measurement } from '../src/runner/check.js';
import { resolveLossSpec } from '../src/losses/plugin/index.js';

/** A drawn C6 case (the hunt's own domain): a relu or tanh tree, nce's batch. */
const CASE: NestedCaseJson = fc.sample(arbCaseJson(targetsFor('C6')[0]!.domain('ci')), { seed: 3, numRuns: 1 })[0]!;

/** C6's target, with a measurement that degenerates to "not ok, error 0 vs tolerance 0" once every weight is 0. */
function degenerateTarget(): HuntTarget {
  const c6 = targetsFor('C6')[0]!;
  const vanishing: Measurement = { ok: false, error: 0, tolerance: 0 };
  const real: Measurement = { ok: false, error: 1, tolerance: 4e-14 };
  return { ...c6, measure: (c) => (c.params.W.every((w) => w.every((v) => v === 0)) ? vanishing : real) };
}

describe('hunt shrinking keeps a real violation (issue 8 §5)', () => {
  it('never shrinks a real violation into one whose error and tolerance vanish', () => {
    const target = degenerateTarget();
    const start = evaluate(target, CASE, simpleLoss);
    expect(isEval(start) && realViolation(start)).toBe(true);
    const { result } = shrink(target, start as Evaluated, simpleLoss);
    expect(realViolation(result), JSON.stringify(result.measurement)).toBe(true);
    expect(result.measurement.error).toBeGreaterThan(result.measurement.tolerance);
  });

  it('the real C6 hunt with an unbalanced loss shrinks to a finite error above its tolerance', async () => {
    const target = targetsFor('C6')[0]!;
    const loss = await resolveLossSpec('builtin:unbalanced', process.cwd());
    const start = evaluate(target, CASE, loss);
    expect(isEval(start)).toBe(true);
    const { result } = shrink(target, start as Evaluated, loss);
    expect(Number.isFinite(result.measurement.error)).toBe(true);
    expect(result.measurement.error).toBeGreaterThan(result.measurement.tolerance);
  });

  it('C6 balance reports a non-finite β sum, not the shift part that vanishes beside it', () => {
    // β_+ = NaN (a loss whose derivative is undefined at r = 0), value 0 at r = 0 and at r + 0.
    const nanBeta: Loss = {
      ...simpleLoss,
      evaluate: (A, r) => ({ value: A.zero, betaPos: r.rPos.map(() => A.from(Number.NaN)), betaNeg: r.rNeg.map((row) => row.map(() => A.zero)) }),
    } as Loss;
    const m = lossBalance(F64, nanBeta, { rPos: [0], rNeg: [[0]], shift: 0, dim: 1, reduction: 'mean' });
    expect(m.ok).toBe(false);
    expect(m.error).toBeNaN();
    expect(m.derivation).toMatch(/^\|β_\+ \+ Σβ_k\|/);
  });
});
