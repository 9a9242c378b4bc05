/**
 * `hunt --impl`: a targeted search for a case on which the implementation fails a per-case check
 * (impl/checks/caseChecks.ts: agreement, C2-derivative, C2-connection), then shrinking of that case
 * through the implementation (./shrinkImpl.ts), as src/hunt/search.ts does for covcheck's own claims:
 *
 *   search: cases drawn inside the handshake (impl/checks/generateCase.ts: depth 1–3, hid 1–4,
 *           B 1–3, H 1–3, every announced loss, explicit or in-batch negatives as announced); once a
 *           case has a positive score (error/tolerance of its worst measurement), half of the further
 *           evaluations mutate the worst case (src/hunt/caseMoves.ts mutateCase) and keep the mutant
 *           when it scores higher. Budget: `runs` evaluations or `timeMs`; it stops at the first
 *           violation (score > 1) unless `keepLooking`.
 *   shrink: every accepted smaller case still fails the same check through the implementation.
 *
 * Every evaluation is a handful of requests (1 grad + 12 for the two derivative directions + 1
 * distances); the same seed and the same answers give the same search.
 */
import { deriveSeed, Rng } from '../../numeric/random.js';
import { mutateCase } from '../../hunt/caseMoves.js';
import type { ImplClient } from '../client.js';
import type { ImplCase } from '../implCase.js';
import { supportsCase } from '../supports.js';
import { roundCase } from '../checks/agreement.js';
import type { CaseCheckId } from '../checks/caseChecks.js';
import { generateImplCase, generateInBatchCase, inBatchLoss } from '../checks/generateCase.js';
import { asMovable, evaluateThroughImpl, fromMovable, type ImplEvaluated } from './evaluateImpl.js';
import { shrinkThroughImpl } from './shrinkImpl.js';

export interface ImplHuntOptions {
  readonly seed: number;
  /** Evaluations in the search (default 100) unless `timeMs`. */
  readonly runs?: number;
  readonly timeMs?: number;
  /** Only these checks (default all three). */
  readonly checks?: readonly CaseCheckId[];
  /** Bound on shrinking, ms (default 60 000). */
  readonly shrinkMs?: number;
  readonly onProgress?: (text: string) => void;
}

export interface ImplHuntResult {
  readonly evaluations: number;
  readonly searchMs: number;
  readonly worst: ImplEvaluated | null;
  /** The shrunk failing case, or null when no case failed. */
  readonly shrunk: ImplEvaluated | null;
  readonly shrinkSteps: number;
  readonly shrinkMs: number;
}

/** A fresh case inside the handshake, of a drawn size, loss and kind of negatives. */
function drawCase(impl: ImplClient, rng: Rng, seed: number): ImplCase | null {
  const h = impl.handshake;
  const loss = h.supports.losses[rng.int(h.supports.losses.length)]!;
  const size = { depth: 1 + rng.int(3), hid: 1 + rng.int(4), B: 1 + rng.int(3), H: loss === 'tri' ? 1 : 1 + rng.int(3) };
  const explicitOk = h.supports.negatives.includes('explicit') && loss !== 'ntxent';
  const inBatchOk = h.supports.negatives.includes('in-batch') && inBatchLoss(loss);
  const inBatch = inBatchOk && (!explicitOk || rng.bernoulli(0.5) === 1);
  if (!inBatch && !explicitOk) return null;
  const c = inBatch ? generateInBatchCase(seed, h, { ...size, B: Math.max(2, size.B), loss, symmetric: rng.bernoulli(0.5) === 1 }) : generateImplCase(seed, loss, h, size);
  return supportsCase(h, c) ? roundCase(c, h.dtype) : null;
}

export async function huntThroughImpl(impl: ImplClient, o: ImplHuntOptions): Promise<ImplHuntResult> {
  const rng = new Rng(deriveSeed(o.seed, 'impl-hunt'));
  const runs = o.timeMs === undefined ? (o.runs ?? 100) : Number.POSITIVE_INFINITY;
  const deadline = o.timeMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + o.timeMs;
  const t0 = performance.now();
  let worst: ImplEvaluated | null = null;
  let evaluations = 0;
  while (evaluations < runs && performance.now() < deadline && !(worst && worst.score > 1)) {
    const mutate = worst !== null && worst.score > 0 && rng.bernoulli(0.5) === 1;
    const c = mutate ? fromMovable(mutateCase(asMovable(worst!.case), rng), worst!.case) : drawCase(impl, rng, deriveSeed(o.seed, 'impl-hunt-case', evaluations));
    evaluations++;
    if (c === null) continue;
    const e = await evaluateThroughImpl(impl, roundCase(c, impl.handshake.dtype), o.seed, o.checks);
    if (e && (worst === null || e.score > worst.score)) worst = e;
    o.onProgress?.(`search: ${evaluations} cases, worst error/tolerance ${worst?.score.toPrecision(3) ?? '-'}${worst ? ` (${worst.check})` : ''}`);
  }
  const searchMs = performance.now() - t0;
  if (!worst || worst.score <= 1) return { evaluations, searchMs, worst, shrunk: null, shrinkSteps: 0, shrinkMs: 0 };
  const t1 = performance.now();
  const s = await shrinkThroughImpl(impl, worst, o.seed, performance.now() + (o.shrinkMs ?? 60_000), o.onProgress);
  return { evaluations, searchMs, worst, shrunk: s.result, shrinkSteps: s.steps, shrinkMs: performance.now() - t1 };
}
