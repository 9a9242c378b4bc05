/**
 * The failure corpus (fixtures/counterexamples/): one JSON file per distinct minimal case found by
 * `covcheck hunt`, replayed by `covcheck replay FILE`, by every `covcheck verify` (first) and by
 * npm test. A file holds the case in the case format plus what is needed to judge it again:
 *
 *   { "covcheck": "counterexample", "format": 1,
 *     "claim": "C1", "target": "C1/tanh", "variant": "tanh", "expect": "fail",
 *     "loss": null | { "spec": "./my-loss.ts:tau=0.1", "name": "my_loss", "params": {…} },
 *     "seed": 42, "path": "sample 26 (+7 mutations); 4 shrink steps",
 *     "versions": { "covcheck": "0.1.0", "node": "v20.…", "fast-check": "4.11.0" },
 *     "measurement": { "error": …, "tolerance": …, "note": … },
 *     "case": { …docs/case-format.md… } }
 *
 * The file name is <claim>-<variant>-<hash of target, case and loss>.json, so saving the same
 * minimal case twice writes nothing (deduplicated). Replay verdicts: an excluded variant
 * (expect "fail") must still violate (expected-fail), else `fail`; a claim that should hold passes
 * when the case no longer violates (the bug it recorded is fixed), else `fail`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import * as fc from 'fast-check';
import { InputError, describe } from '../errors.js';
import type { Loss } from '../losses/loss.js';
import { resolveLossSpec } from '../losses/plugin/index.js';
import type { CheckResult, ClaimId, CustomCheck, Measurement, Verdict } from '../runner/check.js';
import { fmt } from '../runner/run.js';
import { prettyJson } from '../report/json.js';
import { canonicalJson, contentHash, type CaseJson } from './caseJson.js';
import { evaluate } from './search.js';
import { HUNT_TARGETS, type HuntTarget } from './targets.js';

export const CORPUS_DIR = 'fixtures/counterexamples';

export interface CounterexampleFile {
  readonly covcheck: 'counterexample';
  readonly format: 1;
  readonly claim: ClaimId;
  readonly target: string;
  readonly variant: string;
  readonly expect: 'hold' | 'fail';
  readonly loss: { readonly spec: string; readonly name: string; readonly params: Readonly<Record<string, number>> } | null;
  readonly seed: number;
  readonly path: string;
  readonly versions: Readonly<Record<string, string>>;
  readonly measurement: { readonly error: number | string; readonly tolerance: number; readonly note?: string };
  readonly case: CaseJson;
}

/** Builds the file content of a counterexample. */
export function counterexampleFile(o: {
  target: HuntTarget;
  json: CaseJson;
  measurement: Measurement;
  seed: number;
  path: string;
  version: string;
  loss?: { spec: string; loss: Loss } | undefined;
}): CounterexampleFile {
  return {
    covcheck: 'counterexample',
    format: 1,
    claim: o.target.claim,
    target: o.target.id,
    variant: o.target.variant,
    expect: o.target.expect,
    loss: o.loss ? { spec: o.loss.spec, name: o.loss.loss.name, params: o.loss.loss.params } : null,
    seed: o.seed,
    path: o.path,
    versions: { covcheck: o.version, node: process.version, 'fast-check': fc.__version },
    measurement: {
      error: Number.isFinite(o.measurement.error) ? o.measurement.error : String(o.measurement.error),
      tolerance: o.measurement.tolerance,
      ...(o.measurement.note ? { note: o.measurement.note } : {}),
    },
    case: o.json,
  };
}

/** The identity of a counterexample (what deduplication compares). */
export function counterexampleKey(f: Pick<CounterexampleFile, 'target' | 'case' | 'loss'>): string {
  return contentHash(canonicalJson({ target: f.target, case: f.case, loss: f.loss ? { spec: f.loss.spec } : null }));
}

export function counterexampleFileName(f: CounterexampleFile): string {
  const v = f.variant.replace(/[^A-Za-z0-9._-]+/g, '-');
  return `${f.claim}-${v}-${counterexampleKey(f)}.json`;
}

/** Writes the file unless the same case is already there; returns its path and whether it was new. */
export function saveCounterexample(dir: string, f: CounterexampleFile): { path: string; created: boolean } {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, counterexampleFileName(f));
  if (existsSync(path)) return { path, created: false };
  writeFileSync(path, formatCounterexample(f));
  return { path, created: true };
}

/** The file text: JSON laid out by the report printer (short arrays and objects on one line). */
export function formatCounterexample(f: CounterexampleFile): string {
  return prettyJson(f, 100) + '\n';
}

/** True when a parsed JSON value looks like a counterexample file (for `covcheck replay FILE`). */
export function isCounterexampleFile(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as Record<string, unknown>).covcheck === 'counterexample';
}

/** Validates a counterexample file's content; InputError naming `<file>: <field>`. */
export function parseCounterexampleFile(v: unknown, shown: string): CounterexampleFile {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InputError(shown, `expected a JSON object, got ${describe(v)}`);
  const o = v as Record<string, unknown>;
  if (o.covcheck !== 'counterexample') throw new InputError(`${shown}: covcheck`, 'expected "counterexample" (a file written by covcheck hunt)');
  if (o.format !== 1) throw new InputError(`${shown}: format`, `unsupported format ${describe(o.format)} (this covcheck reads format 1)`);
  const target = HUNT_TARGETS.find((t) => t.id === o.target);
  if (!target) throw new InputError(`${shown}: target`, `unknown hunt target ${describe(o.target)} (${HUNT_TARGETS.map((t) => t.id).join(', ')})`);
  if (o.claim !== target.claim) throw new InputError(`${shown}: claim`, `expected ${target.claim} for target ${target.id}, got ${describe(o.claim)}`);
  if (o.expect !== 'hold' && o.expect !== 'fail') throw new InputError(`${shown}: expect`, `expected "hold" or "fail", got ${describe(o.expect)}`);
  if (typeof o.case !== 'object' || o.case === null || Array.isArray(o.case)) throw new InputError(`${shown}: case`, `expected a case object, got ${describe(o.case)}`);
  if (o.loss !== null && o.loss !== undefined) {
    const l = o.loss as Record<string, unknown>;
    if (typeof l !== 'object' || typeof l.spec !== 'string') throw new InputError(`${shown}: loss.spec`, 'expected the --loss text that was hunted with');
  }
  return { ...(o as unknown as CounterexampleFile), loss: (o.loss ?? null) as CounterexampleFile['loss'] };
}

export function readCounterexampleFile(path: string, shown = path): CounterexampleFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(shown, `cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new InputError(shown, `not valid JSON (${(e as Error).message})`);
  }
  return parseCounterexampleFile(v, shown);
}

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

/** Duplicate cases in a corpus folder (same key under different names): for review and tests. */
export function corpusDuplicates(dir: string): string[][] {
  if (!existsSync(dir)) return [];
  const byKey = new Map<string, string[]>();
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const f = readCounterexampleFile(join(dir, name), name);
    const k = counterexampleKey(f);
    byKey.set(k, [...(byKey.get(k) ?? []), name]);
  }
  return [...byKey.values()].filter((v) => v.length > 1);
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
