/**
 * Shrinking a hunted violation (ratio > 1): greedy passes, restarted after every success:
 *   1. fewer nodes: depth − 1, then children − 1;   2. smaller hid, then a narrower output;
 *   3. a smaller batch: B − 1 (drop the last, then the first tuple), H − 1;
 *   4. drop biases / normalisation when the case stays a violation without them;
 *   5. simpler numbers: whole matrices to 0, then each number to 0, ±1, then the nearest short
 *      dyadic k/2^m (m = 0..6), trying simpler values first.
 * Every kept step still violates, so the result is a minimal case of the same kind; and when the
 * start is a real violation (a finite error above its tolerance), so is every kept step: shrinking
 * towards zero weights must not end on a case where the error and the tolerance both vanish (or
 * turn non-finite), which the predicate may still call "not ok" but which shows nothing (issue 8 §5).
 */
import type { Loss } from '../losses/loss.js';
import { shrinkPlan } from './shrinkPlan.js';
import { evaluate, isEval, violates, type Evaluated } from './evaluate.js';
import type { HuntTarget } from './targets.js';

/** Structural then numeric shrinking (./shrinkPlan.ts); every accepted candidate still violates. */
export function shrink(target: HuntTarget, start: Evaluated, loss: Loss | undefined, deadline = Number.POSITIVE_INFINITY, tick: () => void = () => {}): { result: Evaluated; steps: number } {
  let best = start;
  let steps = 0;
  const keeps = realViolation(start) ? realViolation : violates;
  const plan = shrinkPlan(() => best.json, deadline);
  for (let next = plan.next(); !next.done; ) {
    const r = evaluate(target, next.value, loss);
    tick();
    const kept = isEval(r) && keeps(r);
    if (kept) {
      best = r;
      steps++;
    }
    next = plan.next(kept);
  }
  return { result: best, steps };
}

/** A violation that shows: not ok, with a finite error above a finite tolerance. */
export function realViolation(e: Evaluated): boolean {
  const { ok, error, tolerance } = e.measurement;
  return !ok && Number.isFinite(error) && Number.isFinite(tolerance) && error > tolerance;
}
