/**
 * The candidates of a shrink (./shrink.ts), in order, as a generator the driver answers with whether
 * it kept each one (it still violates): greedy passes, restarted after every success —
 *   1. fewer nodes: depth − 1, then children − 1;   2. smaller hid, then a narrower output;
 *   3. a smaller batch: B − 1 (drop the last, then the first tuple), H − 1;
 *   4. drop biases / normalisation;
 *   5. simpler numbers: whole matrices to 0, then each number to 0, ±1, then the nearest short
 *      dyadic k/2^m (m = 0..6), trying simpler values first.
 * One plan for every driver: `shrink` (covcheck's claims, synchronous) and src/impl/hunt/shrinkImpl.ts
 * (through an implementation, each candidate a round of requests).
 */
import type { NestedCaseJson } from '../case/schema.js';
import { cloneCase, dyadic, numberComplexity, numberSlots, projectCase, shapeOf } from './caseMoves.js';

/** Yields candidates smaller than `current()`; `yield` answers whether the candidate was kept (then current() is it). */
export function* shrinkPlan(current: () => NestedCaseJson, deadline: number): Generator<NestedCaseJson, void, boolean> {
  let progress = true;
  while (progress && performance.now() < deadline) {
    progress = false;
    for (const cand of structuralCandidates(current())) {
      if (performance.now() >= deadline) break;
      if (yield cand) {
        progress = true;
        break;
      }
    }
    if (progress) continue;
    progress = yield* numericPass(current, deadline);
  }
}

function* structuralCandidates(c: NestedCaseJson): Generator<NestedCaseJson> {
  const s = shapeOf(c);
  const project = (to: Partial<typeof s>, opt: Parameters<typeof projectCase>[2] = {}) => {
    try {
      return projectCase(c, { ...s, ...to }, opt);
    } catch {
      return null;
    }
  };
  const cands: (NestedCaseJson | null)[] = [];
  if (s.depth > 1) cands.push(project({ depth: s.depth - 1 }));
  if (s.children > 1) cands.push(project({ children: s.children - 1 }));
  if (s.hid > 1 && s.depth > 1) cands.push(project({ hid: s.hid - 1 }));
  if (s.out > 1) cands.push(project({ out: s.out - 1 }));
  if (s.B > 1) {
    cands.push(project({ B: s.B - 1 }));
    cands.push(project({ B: s.B - 1 }, { dropFirstTuple: true }));
  }
  if (s.H > 1) {
    cands.push(project({ H: s.H - 1 }));
    cands.push(project({ H: s.H - 1 }, { dropFirstNegative: true }));
  }
  if (c.biases) {
    const n = cloneCase(c);
    delete n.biases;
    cands.push(n);
  }
  if (c.normalize) {
    const n = cloneCase(c);
    delete n.normalize;
    cands.push(n);
  }
  for (const x of cands) if (x) yield x;
}

/** Simpler values for a number, simplest first, all simpler than v. */
function simplerValues(v: number, kind: string): number[] {
  const lim = kind === 'polarity' ? 1 : Number.POSITIVE_INFINITY;
  const out: number[] = [0];
  if (kind !== 'input') out.push(Math.sign(v) || 1, -(Math.sign(v) || 1));
  for (let m = 0; m <= 6; m++) out.push(dyadic(v, m));
  const cv = numberComplexity(v);
  const seen = new Set<number>();
  return out
    .filter((x) => Math.abs(x) <= lim && x !== v && numberComplexity(x) < cv && !seen.has(x) && (seen.add(x), true))
    .sort((a, b) => numberComplexity(a) - numberComplexity(b));
}

/** One numeric pass; returns whether anything was kept. */
function* numericPass(current: () => NestedCaseJson, deadline: number): Generator<NestedCaseJson, boolean, boolean> {
  let changed = false;
  // Whole matrices to zero first (fast when most of the network does not matter).
  for (const name of Object.keys(current().weights)) {
    if (performance.now() >= deadline) return changed;
    const cur = current();
    if (cur.weights[name]!.every((row) => row.every((v) => v === 0))) continue;
    const n = cloneCase(cur);
    n.weights[name] = n.weights[name]!.map((row) => row.map(() => 0));
    if (yield n) changed = true;
  }
  const count = numberSlots(current()).length;
  for (let i = 0; i < count; i++) {
    if (performance.now() >= deadline) return changed;
    const slot = numberSlots(current())[i];
    if (!slot) break;
    for (const v of simplerValues(slot.get(), slot.kind)) {
      const n = cloneCase(current());
      numberSlots(n)[i]!.set(v);
      if (yield n) {
        changed = true;
        break;
      }
    }
  }
  return changed;
}
