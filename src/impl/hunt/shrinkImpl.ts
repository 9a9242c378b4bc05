/**
 * Shrinking through the implementation (fast-check style, greedy, restarted after every success):
 * the candidates of src/hunt/shrinkPlan.ts (the plan `covcheck hunt` shrinks by) — fewer nodes, smaller hid and output, a smaller batch, no
 * biases or normalisation, then whole matrices to 0 and each number to 0, ±1 and short dyadics —
 * each judged by asking the implementation again (huntImpl.ts evaluateThroughImpl). A candidate is
 * kept only when the implementation still fails the same check on it (score > 1) and the candidate
 * lies inside what its handshake announces, so the result is a small case the user can feed to
 * their own code. An in-batch case keeps B ≥ 2 (H = 2B − 2 ≥ 2).
 */
import { shapeOf } from '../../hunt/caseMoves.js';
import { shrinkPlan } from '../../hunt/shrinkPlan.js';
import type { NestedCaseJson } from '../../case/schema.js';
import type { ImplClient } from '../client.js';
import { supportsCase } from '../supports.js';
import { roundCase } from '../checks/agreement.js';
import { asMovable, evaluateThroughImpl, fromMovable, type ImplEvaluated } from './evaluateImpl.js';

export async function shrinkThroughImpl(impl: ImplClient, start: ImplEvaluated, seed: number, deadline: number, progress?: (text: string) => void): Promise<{ result: ImplEvaluated; steps: number }> {
  let best = start;
  let steps = 0;
  let tried = 0;
  const inBatch = (start.case.negatives ?? 'explicit') === 'in-batch';
  const tryCandidate = async (m: NestedCaseJson): Promise<boolean> => {
    if (inBatch && m.batch.x.length < 2) return false;
    const c = roundCase(fromMovable(m, best.case), impl.handshake.dtype);
    if (!supportsCase(impl.handshake, c)) return false;
    tried++;
    const e = await evaluateThroughImpl(impl, c, seed, [best.check]);
    progress?.(`shrink: ${steps} steps, ${tried} candidates`);
    if (e && e.check === best.check && e.score > 1) {
      best = e;
      steps++;
      return true;
    }
    return false;
  };
  const plan = shrinkPlan(() => asMovable(best.case), deadline);
  for (let next = plan.next(); !next.done; ) next = plan.next(await tryCandidate(next.value));
  return { result: best, steps };
}

/** The shrunk case's size, for the report line. */
export function implCaseSize(c: NestedCaseJson): string {
  const s = shapeOf(c);
  return `depth ${s.depth}, children ${s.children}, hid ${s.hid}, out ${s.out}, B ${s.B}${c.batch.x_neg.length > 0 && c.batch.x_neg[0]!.length > 0 ? `, H ${s.H}` : ', in-batch'}`;
}
