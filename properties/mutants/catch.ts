/**
 * The mutation self-check (src/mutants/catalogue.ts): every mutant is a pipeline with one injected
 * bug; the loss checks of C2, C6, C7 (properties/lossChecks.ts) and C3 by enumeration under the
 * pipeline's tuple law are run against it, and the checks that fail are what caught it.
 */
import type { CheckResult, ClaimId, Check, CustomCheck } from '../../src/runner/check.js';
import { runCheck } from '../../src/runner/run.js';
import { deriveSeed } from '../../src/numeric/random.js';
import { parseLoss, simpleLoss } from '../../src/losses/index.js';
import { familyOf, type LossFamily } from '../../src/losses/plugin/index.js';
import { MUTANTS, type Mutant, type Pipeline } from '../../src/mutants/catalogue.js';
import { c3PipelineCheck } from '../claims/C3/index.js';
import { limitsCheckFor } from '../claims/C6/index.js';
import { tauTrendCheckFor } from '../claims/C7/index.js';
import { lossChecks } from '../lossChecks.js';

/** The losses the mutants are tried on. */
export const MUTANT_LOSSES: readonly LossFamily[] = [
  familyOf(parseLoss({ name: 'nce', tau: 0.5 })),
  familyOf(parseLoss({ name: 'tri', tau: 0.5, r0: 0.5 })),
  familyOf(simpleLoss),
];

/** The checks a pipeline is tried with (cheap property checks; trends only when asked). */
export function pipelineChecks(p: Pipeline, o: { runs?: number; trends?: boolean } = {}): Check[] {
  const runs = o.runs ?? 25;
  return [c3PipelineCheck(p, { runs: Math.max(8, Math.round(runs / 2)) }), ...MUTANT_LOSSES.flatMap((f) => lossChecks(f, { pipeline: p, runs, trends: o.trends ?? false }))];
}

export interface MutantOutcome {
  readonly mutant: string;
  readonly title: string;
  readonly caught: boolean;
  /** Check ids that failed (caught it), with their claim and message. */
  readonly caughtBy: readonly { readonly check: string; readonly claim: ClaimId; readonly message: string }[];
  readonly claims: readonly ClaimId[];
  readonly checksRun: number;
  readonly ms: number;
}

/** Runs every check of `pipelineChecks` against one pipeline; returns the failing ones. */
export async function runPipeline(p: Pipeline, o: { seed: number; runs?: number; trends?: boolean; stopAtFirst?: boolean }): Promise<{ failed: CheckResult[]; results: CheckResult[] }> {
  const results: CheckResult[] = [];
  const failed: CheckResult[] = [];
  for (const check of pipelineChecks(p, o)) {
    let r: CheckResult;
    try {
      r = await runCheck(check, { seed: deriveSeed(o.seed, check.id), scale: 'ci' });
    } catch (e) {
      r = { check: check.id, claim: check.claim, verdict: 'fail', expect: 'hold', arithmetic: check.arithmetic, variant: check.variant, cases: 0, worst: { ratio: NaN, error: NaN, tolerance: NaN }, seed: o.seed, message: `threw: ${String(e)}`, ms: 0 };
    }
    results.push(r);
    if (r.verdict === 'fail') {
      failed.push(r);
      if (o.stopAtFirst) break;
    }
  }
  return { failed, results };
}

/** For every mutant (default: all), the checks that caught it. Trend checks run only if nothing else did. */
export async function catchMutants(o: { seed?: number; runs?: number; mutants?: readonly Mutant[] } = {}): Promise<MutantOutcome[]> {
  const out: MutantOutcome[] = [];
  for (const m of o.mutants ?? MUTANTS) out.push(await catchOne(m, o.seed ?? 42, o.runs));
  return out;
}

/** Runs the pipeline checks against one mutant; the trend checks only when nothing else caught it. */
export async function catchOne(m: Mutant, seed: number, runs: number | undefined): Promise<MutantOutcome> {
  const t0 = performance.now();
  let { failed, results } = await runPipeline(m, { seed, ...(runs ? { runs } : {}), trends: false });
  let checksRun = results.length;
  if (failed.length === 0) {
    const trends = MUTANT_LOSSES.flatMap((f) => [limitsCheckFor({ family: f, pipeline: m }), tauTrendCheckFor({ family: f, pipeline: m })]).filter((c): c is CustomCheck => c !== null);
    for (const c of trends) {
      const r = await runCheck(c, { seed: deriveSeed(seed, c.id), scale: 'ci' });
      checksRun++;
      if (r.verdict === 'fail') failed = [...failed, r];
    }
  }
  const caughtBy = failed.map((r) => ({ check: r.check, claim: r.claim, message: r.message }));
  return {
    mutant: m.id,
    title: m.title,
    caught: caughtBy.length > 0,
    caughtBy,
    claims: [...new Set(caughtBy.map((c) => c.claim))].sort(),
    checksRun,
    ms: Math.round(performance.now() - t0),
  };
}
