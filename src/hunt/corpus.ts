/**
 * The failure corpus (fixtures/counterexamples/): one counterexample file per distinct minimal case
 * found by `covcheck hunt` (./counterexampleFile.ts), replayed by `covcheck replay FILE`, by every
 * `covcheck verify` (first) and by npm test. Replay verdicts: an excluded variant (expect "fail")
 * must still violate (expected-fail), else `fail`; a claim that should hold passes when the case no
 * longer violates (the bug it recorded is fixed), else `fail`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Loss } from '../losses/loss.js';
import { resolveLossSpec } from '../losses/plugin/index.js';
import type { CheckResult, ClaimId, CustomCheck, Measurement, Verdict } from '../runner/check.js';
import { fmt } from '../runner/run.js';
import { readCounterexampleFile, type CounterexampleFile } from './counterexampleFile.js';
import { evaluate } from './evaluate.js';
import { HUNT_TARGETS } from './targets.js';

export const CORPUS_DIR = 'fixtures/counterexamples';

export interface ReplayOutcome {
  readonly file: string;
  readonly target: string;
  readonly claim: ClaimId;
  readonly expect: 'hold' | 'fail';
  readonly verdict: Verdict;
  readonly measurement: Measurement | null;
  readonly message: string;
}

/** Re-measures a counterexample and judges it (see the module comment). */
export async function replayCounterexample(f: CounterexampleFile, file: string, cwd: string): Promise<ReplayOutcome> {
  const target = HUNT_TARGETS.find((t) => t.id === f.target)!;
  let loss: Loss | undefined;
  if (f.loss) loss = await resolveLossSpec(f.loss.spec, cwd, `${file}: loss.spec`);
  const r = evaluate(target, f.case, loss);
  const base = { file, target: f.target, claim: f.claim, expect: f.expect };
  if (!('measurement' in r)) {
    return { ...base, verdict: 'fail', measurement: null, message: `the case could not be evaluated: ${r.error}` };
  }
  const m = r.measurement;
  const violates = !m.ok;
  const text = `error ${fmt(m.error)} vs tolerance ${fmt(m.tolerance)}${m.note ? ` (${m.note})` : ''}`;
  let verdict: Verdict;
  let message: string;
  if (f.expect === 'fail') {
    verdict = violates ? 'expected-fail' : 'fail';
    message = violates ? `still a counterexample of the excluded variant ${target.variant}: ${text}` : `no longer a counterexample (${text}): the check lost the power to see this violation`;
  } else {
    verdict = violates ? 'fail' : 'pass';
    message = violates ? `still violates ${f.claim} (${target.description}): ${text}` : `no longer violates (the recorded bug is fixed): ${text}`;
  }
  return { ...base, verdict, measurement: m, message };
}

/** Replays one file (InputError for a malformed file). */
export async function replayFile(path: string, cwd: string): Promise<ReplayOutcome> {
  const abs = resolve(cwd, path);
  return replayCounterexample(readCounterexampleFile(abs, path), path, cwd);
}

/** Every `*.json` of the corpus folder, sorted; a malformed file is a `fail` outcome, not a throw. */
export async function replayCorpus(dir: string, cwd: string): Promise<ReplayOutcome[]> {
  const abs = resolve(cwd, dir);
  if (!existsSync(abs)) return [];
  const files = readdirSync(abs).filter((n) => n.endsWith('.json')).sort();
  const out: ReplayOutcome[] = [];
  for (const name of files) {
    const shown = join(dir, name);
    try {
      out.push(await replayCounterexample(readCounterexampleFile(join(abs, name), shown), shown, cwd));
    } catch (e) {
      out.push({ file: shown, target: '?', claim: 'C0', expect: 'hold', verdict: 'fail', measurement: null, message: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}

/** Replay outcomes as check results (id "corpus/<file name>"), for the verify report. */
export function corpusResults(outcomes: readonly ReplayOutcome[], seed = 0): CheckResult[] {
  return outcomes.map((o) => ({
    check: `corpus/${basename(o.file)}`,
    claim: o.claim,
    verdict: o.verdict,
    expect: o.expect,
    arithmetic: 'float64',
    variant: `replay of ${o.target}`,
    cases: 1,
    worst: o.measurement
      ? { ratio: o.measurement.tolerance > 0 ? o.measurement.error / o.measurement.tolerance : o.measurement.error > 0 ? Infinity : 0, error: o.measurement.error, tolerance: o.measurement.tolerance }
      : { ratio: Number.NaN, error: Number.NaN, tolerance: Number.NaN },
    seed,
    message: o.message,
    ms: 0,
  }));
}

/**
 * The corpus as checks (id "corpus/<file name>", run first by `covcheck verify`): each replays its
 * file. Files are read when the check runs, so a malformed file is that check's `fail`.
 */
export function corpusChecks(dir: string, cwd: string): CustomCheck[] {
  const abs = resolve(cwd, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((name) => {
      const shown = join(dir, name);
      let head: { claim: ClaimId; expect: 'hold' | 'fail'; target: string } = { claim: 'C0', expect: 'hold', target: '?' };
      try {
        const f = readCounterexampleFile(join(abs, name), shown);
        head = { claim: f.claim, expect: f.expect, target: f.target };
      } catch {
        // reported when the check runs
      }
      const check: CustomCheck = {
        type: 'custom',
        id: `corpus/${name}`,
        claim: head.claim,
        title: `Failure corpus: ${name}`,
        variant: `replay of ${head.target}`,
        expect: head.expect,
        arithmetic: 'float64',
        async run(options) {
          let outcome: ReplayOutcome;
          try {
            outcome = await replayCounterexample(readCounterexampleFile(join(abs, name), shown), shown, cwd);
          } catch (e) {
            outcome = { file: shown, target: head.target, claim: head.claim, expect: head.expect, verdict: 'fail', measurement: null, message: e instanceof Error ? e.message : String(e) };
          }
          const { ms: _ms, ...r } = corpusResults([outcome], options.seed)[0]!;
          return r;
        },
      };
      return check;
    });
}

/** Human-readable lines for `covcheck replay FILE` of a corpus file. */
export function describeReplayOutcome(o: ReplayOutcome): string {
  const m = o.measurement;
  return (
    [
      `replay ${o.file}: ${o.target} (claim ${o.claim}, ${o.expect === 'hold' ? 'should hold' : 'excluded variant'}): ${o.verdict === 'fail' ? 'FAIL' : o.verdict}`,
      o.message,
      ...(m?.derivation ? [`tolerance: ${m.derivation}`] : []),
    ].join('\n') + '\n'
  );
}

/** The exit code of replaying one corpus file: 1 for `fail`, else 0. */
export function replayExitCode(o: ReplayOutcome): 0 | 1 {
  return o.verdict === 'fail' ? 1 : 0;
}
