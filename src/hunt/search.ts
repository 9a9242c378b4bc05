/**
 * Counterexample hunting: a targeted search on top of fast-check, then structural shrinking.
 *
 * Search (like Hypothesis's `target()`): cases are drawn from the target's fast-check arbitrary
 * (`fc.sample` with the seed, in chunks, so a run is reproducible); once a case with a positive
 * violation score (error/tolerance) is known, half of the further evaluations mutate the worst case
 * so far (a few numbers moved, see caseMoves.mutateCase) and keep the mutant when it is worse. The
 * search goes in rounds of HUNT_ROUND cases proposed from the worst case before the round, so a
 * round can be evaluated on `--jobs N` workers with the same result for every N. The budget is a
 * number of evaluations (--runs) or a wall-clock time (--time, checked between rounds).
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

/**
 * Candidates proposed per round of the search. The search proposes a round from what it knew
 * before the round (the worst case so far, the random stream), evaluates the round's cases in any
 * order and place (`--jobs N` workers: src/pool/huntTask.ts), then takes the results in proposal
 * order. A constant, never --jobs: the counterexample and every report byte are the same for any N.
 */
export const HUNT_ROUND = 16;

/** Evaluates cases anywhere (a pool); answers one result per case, in the order given. */
export type CaseEvaluator = (cases: readonly NestedCaseJson[]) => Promise<readonly (Evaluated | { error: string })[]>;

interface Candidate {
  readonly json: NestedCaseJson;
  /** "sample 37", or null for a mutation of `base`. */
  readonly sample: string | null;
  /** The worst case's path and mutation count when the round was proposed (a mutant's lineage). */
  readonly basePath: string;
  readonly baseKept: number;
}

/** The search's state between rounds. */
class Search {
  evaluations = 0;
  mutationsKept = 0;
  worst: Evaluated | null = null;
  worstPath = '';
  errors = 0;
  firstError: string | undefined;
  stopped = false;
  private chunk: NestedCaseJson[] = [];
  private chunkIndex = 0;
  private sampleIndex = 0;
  private lastReport = 0;
  readonly t0 = performance.now();
  private readonly arb: fc.Arbitrary<NestedCaseJson>;
  private readonly rng: Rng;
  private readonly runs: number;
  private readonly deadline: number;

  constructor(
    target: HuntTarget,
    private readonly o: HuntOptions & { negatives?: readonly [number, number] },
  ) {
    this.arb = arbCaseJson(domainFor(target, o.scale, o.loss, o.negatives));
    this.rng = new Rng(o.seed);
    this.runs = o.timeMs !== undefined ? Number.POSITIVE_INFINITY : (o.runs ?? (o.scale === 'full' ? 4000 : 400));
    this.deadline = o.timeMs !== undefined ? this.t0 + o.timeMs : Number.POSITIVE_INFINITY;
  }

  more(): boolean {
    return !this.stopped && this.evaluations < this.runs && performance.now() < this.deadline;
  }

  /** The next round: each case a mutation of the worst so far (half the time, once one is known) or the next sample. */
  propose(): Candidate[] {
    const n = Math.min(HUNT_ROUND, this.runs - this.evaluations);
    const base = this.worst;
    const out: Candidate[] = [];
    for (let i = 0; i < n; i++) {
      if (base !== null && base.ratio > 0 && this.rng.uniform() < 0.5) {
        out.push({ json: mutateCase(base.json, this.rng), sample: null, basePath: this.worstPath, baseKept: this.mutationsKept });
        continue;
      }
      if (this.chunk.length === 0) this.chunk = fc.sample(this.arb, { seed: this.o.seed + 7919 * this.chunkIndex++, numRuns: 50 });
      out.push({ json: this.chunk.shift()!, sample: `sample ${this.sampleIndex++}`, basePath: '', baseKept: 0 });
    }
    return out;
  }

  /** Takes a round's results in proposal order (the worst so far, errors, the first violation when asked to stop there). */
  accept(round: readonly Candidate[], results: readonly (Evaluated | { error: string })[]): void {
    for (const [i, c] of round.entries()) {
      const r = results[i]!;
      this.evaluations++;
      if (!isEval(r)) {
        this.errors++;
        this.firstError ??= r.error;
        continue;
      }
      if (!worseThan(r, this.worst)) continue;
      if (c.sample === null) {
        this.mutationsKept = c.baseKept + 1;
        this.worstPath = `${c.basePath.replace(/ \(\+\d+ mutations\)$/, '')} (+${this.mutationsKept} mutations)`;
      } else {
        this.worstPath = c.sample;
        this.mutationsKept = 0;
      }
      this.worst = r;
      if (this.o.stopAtFirst && violates(r)) {
        this.stopped = true;
        return;
      }
    }
  }

  report(phase: 'search' | 'shrink', always = false): void {
    const now = performance.now();
    if (!this.o.onProgress || (!always && now - this.lastReport < 250)) return;
    this.lastReport = now;
    this.o.onProgress({ phase, evaluations: this.evaluations, mutationsKept: this.mutationsKept, worstRatio: this.worst?.ratio ?? 0, worstError: this.worst?.measurement.error ?? 0, elapsedMs: now - this.t0 });
  }
}

/** Runs the search and the shrink, every case evaluated here. */
export function hunt(target: HuntTarget, o: HuntOptions & { negatives?: readonly [number, number] }): HuntResult {
  const s = new Search(target, o);
  while (s.more()) {
    const round = s.propose();
    s.accept(round, round.map((c) => evaluate(target, c.json, o.loss)));
    s.report('search');
  }
  return finish(target, o, s);
}

/** The same search with each round's cases evaluated by `evaluateAll` (a pool); the same result as `hunt`. */
export async function huntWith(target: HuntTarget, o: HuntOptions & { negatives?: readonly [number, number] }, evaluateAll: CaseEvaluator): Promise<HuntResult> {
  const s = new Search(target, o);
  while (s.more()) {
    const round = s.propose();
    s.accept(round, await evaluateAll(round.map((c) => c.json)));
    s.report('search');
  }
  return finish(target, o, s);
}

/** The shrink of the worst violation (here: shrinking is a sequence of dependent steps) and the result. */
function finish(target: HuntTarget, o: HuntOptions, s: Search): HuntResult {
  const searchMs = performance.now() - s.t0;
  let shrunk: Evaluated | null = null;
  let shrinkSteps = 0;
  const t1 = performance.now();
  if (s.worst && violates(s.worst)) {
    const r = shrink(target, s.worst, o.loss, t1 + (o.shrinkMs ?? 60_000), () => s.report('shrink'));
    shrunk = r.result;
    shrinkSteps = r.steps;
  }
  s.report('shrink', true);
  return {
    target,
    evaluations: s.evaluations,
    mutationsKept: s.mutationsKept,
    worst: s.worst,
    shrunk,
    shrinkSteps,
    path: s.worstPath,
    searchMs: Math.round(searchMs),
    shrinkMs: Math.round(performance.now() - t1),
    errors: s.errors,
    ...(s.firstError !== undefined ? { firstError: s.firstError } : {}),
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
