/**
 * Counterexample hunting: a targeted search on top of fast-check, then structural shrinking.
 *
 * Search (like Hypothesis's `target()`): cases are drawn from the target's fast-check arbitrary
 * (`fc.sample` with the seed, in chunks, so a run is reproducible); once a case with a positive
 * violation score (error/tolerance) is known, half of the further evaluations mutate the worst case
 * so far (a few numbers moved, see caseMoves.mutateCase) and keep the mutant when it is worse. The
 * budget is a number of evaluations (--runs) or a wall-clock time (--time).
 *
 * A violation found is then shrunk (./shrink.ts) to a minimal case of the same kind.
 */
import * as fc from 'fast-check';
import { InputError } from '../errors.js';
import type { Loss } from '../losses/loss.js';
import { Rng } from '../numeric/random.js';
import type { NestedCaseJson } from '../case/schema.js';
import { arbCaseJson, type CaseDomain } from './caseDomain.js';
import { mutateCase } from './caseMoves.js';
import { evaluate, isEval, violates, type Evaluated } from './evaluate.js';
import { shrink } from './shrink.js';
import type { HuntTarget } from './targets.js';

export interface HuntOptions {
  readonly seed: number;
  readonly scale: 'ci' | 'full';
  /** Evaluations in the search phase (default 400 at ci, 4000 at full) unless `timeMs` is given. */
  readonly runs?: number;
  /** Wall-clock budget of the search phase, in ms. */
  readonly timeMs?: number;
  /** The loss to use (--loss); default the case's own. */
  readonly loss?: Loss;
  /** Upper bound on the shrink phase (ms; default 60 000). */
  readonly shrinkMs?: number;
  /** Called now and then with the progress of the search. */
  readonly onProgress?: (p: HuntProgress) => void;
  /** Stop the search at the first violation (default false: keep looking for a larger one). */
  readonly stopAtFirst?: boolean;
}

export interface HuntProgress {
  readonly phase: 'search' | 'shrink';
  readonly evaluations: number;
  readonly mutationsKept: number;
  readonly worstRatio: number;
  readonly worstError: number;
  readonly elapsedMs: number;
}

export interface HuntResult {
  readonly target: HuntTarget;
  /** Evaluations in the search phase. */
  readonly evaluations: number;
  readonly mutationsKept: number;
  /** The worst case found (a violation when ratio > 1). */
  readonly worst: Evaluated | null;
  /** The shrunk violation, or null when none was found. */
  readonly shrunk: Evaluated | null;
  readonly shrinkSteps: number;
  /** Where the worst case came from: "sample 37 (+12 mutations)". */
  readonly path: string;
  readonly searchMs: number;
  readonly shrinkMs: number;
  /** Cases the target could not evaluate (a loss plugin error, a size refusal), with the first message. */
  readonly errors: number;
  readonly firstError?: string;
}

/** Whether `a` is a worse violation than `b`. */
function worseThan(a: Evaluated, b: Evaluated | null): boolean {
  if (!b) return true;
  if (a.ratio !== b.ratio) return a.ratio > b.ratio;
  const ea = Number.isNaN(a.measurement.error) ? Infinity : a.measurement.error;
  const eb = Number.isNaN(b.measurement.error) ? Infinity : b.measurement.error;
  return ea > eb;
}

/** The domain adjusted to a loss's allowed H. */
function domainFor(target: HuntTarget, scale: 'ci' | 'full', loss: Loss | undefined, negatives: readonly [number, number] | undefined): CaseDomain {
  const d = target.domain(scale);
  if (!loss || !negatives) return d;
  const minH = Math.max(1, negatives[0]);
  const maxH = Math.max(minH, Math.min(d.maxH, negatives[1]));
  return { ...d, minH, maxH };
}

/** Runs the search and the shrink. */
export function hunt(target: HuntTarget, o: HuntOptions & { negatives?: readonly [number, number] }): HuntResult {
  const t0 = performance.now();
  const d = domainFor(target, o.scale, o.loss, o.negatives);
  const arb = arbCaseJson(d);
  const rng = new Rng(o.seed);
  const runs = o.timeMs !== undefined ? Number.POSITIVE_INFINITY : (o.runs ?? (o.scale === 'full' ? 4000 : 400));
  const deadline = o.timeMs !== undefined ? t0 + o.timeMs : Number.POSITIVE_INFINITY;
  let evaluations = 0;
  let mutationsKept = 0;
  let worst: Evaluated | null = null;
  let worstPath = '';
  let errors = 0;
  let firstError: string | undefined;
  let chunk: NestedCaseJson[] = [];
  let chunkIndex = 0;
  let sampleIndex = 0;
  let lastReport = 0;
  const report = (phase: 'search' | 'shrink') => {
    const now = performance.now();
    if (!o.onProgress || now - lastReport < 250) return;
    lastReport = now;
    o.onProgress({ phase, evaluations, mutationsKept, worstRatio: worst?.ratio ?? 0, worstError: worst?.measurement.error ?? 0, elapsedMs: now - t0 });
  };
  while (evaluations < runs && performance.now() < deadline) {
    let json: NestedCaseJson;
    let from: string;
    const mutate = worst !== null && worst.ratio > 0 && rng.uniform() < 0.5;
    if (mutate) {
      json = mutateCase(worst!.json, rng);
      from = 'mutation';
    } else {
      if (chunk.length === 0) {
        chunk = fc.sample(arb, { seed: o.seed + 7919 * chunkIndex++, numRuns: 50 });
      }
      json = chunk.shift()!;
      from = `sample ${sampleIndex++}`;
    }
    evaluations++;
    const r = evaluate(target, json, o.loss);
    if (!isEval(r)) {
      errors++;
      firstError ??= r.error;
      continue;
    }
    if (worseThan(r, worst)) {
      if (from === 'mutation') {
        mutationsKept++;
        worstPath = `${worstPath.replace(/ \(\+\d+ mutations\)$/, '')} (+${mutationsKept} mutations)`;
      } else {
        worstPath = from;
        mutationsKept = 0;
      }
      worst = r;
      if (o.stopAtFirst && violates(r)) break;
    }
    report('search');
  }
  const searchMs = performance.now() - t0;
  let shrunk: Evaluated | null = null;
  let shrinkSteps = 0;
  const t1 = performance.now();
  if (worst && violates(worst)) {
    const s = shrink(target, worst, o.loss, t1 + (o.shrinkMs ?? 60_000), () => report('shrink'));
    shrunk = s.result;
    shrinkSteps = s.steps;
  }
  o.onProgress?.({ phase: 'shrink', evaluations, mutationsKept, worstRatio: worst?.ratio ?? 0, worstError: worst?.measurement.error ?? 0, elapsedMs: performance.now() - t0 });
  return {
    target,
    evaluations,
    mutationsKept,
    worst,
    shrunk,
    shrinkSteps,
    path: worstPath,
    searchMs: Math.round(searchMs),
    shrinkMs: Math.round(performance.now() - t1),
    errors,
    ...(firstError !== undefined ? { firstError } : {}),
  };
}

/** Parses "30s", "10m", "1h", "500ms", "90" (seconds) into milliseconds; InputError otherwise. */
export function parseDuration(flag: string, raw: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(raw);
  if (!m) throw new InputError(flag, `expected a duration such as 30s, 10m or 1h, got ${JSON.stringify(raw)}`);
  const v = Number(m[1]);
  const unit = m[2] ?? 's';
  const ms = v * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
  if (!(ms >= 1) || ms > 7 * 24 * 3_600_000) throw new InputError(flag, `expected a duration between 1ms and 7 days, got ${JSON.stringify(raw)}`);
  return ms;
}
