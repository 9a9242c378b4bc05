/**
 * A counterexample file of the failure corpus (fixtures/counterexamples/): the minimal case found by
 * `covcheck hunt` in the case format (src/case/schema.ts) plus what is needed to judge it again:
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
 * minimal case twice writes nothing (deduplicated). Replaying: ./corpus.ts.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { InputError, describe } from '../errors.js';
import type { Loss } from '../losses/loss.js';
import type { ClaimId, Measurement } from '../runner/check.js';
import { prettyJson } from '../report/json.js';
import type { NestedCaseJson } from '../case/schema.js';
import { canonicalJson, contentHash } from './contentHash.js';
import { HUNT_TARGETS, type HuntTarget } from './targets.js';

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
  readonly case: NestedCaseJson;
  /** The worst violation the search found, before shrinking (kept beside the minimal `case`). */
  readonly worst?: { readonly path: string; readonly measurement: CounterexampleFile['measurement']; readonly case: NestedCaseJson };
}

/** Builds the file content of a counterexample. */
export function counterexampleFile(o: {
  target: HuntTarget;
  json: NestedCaseJson;
  measurement: Measurement;
  seed: number;
  path: string;
  version: string;
  loss?: { spec: string; loss: Pick<Loss, 'name' | 'params'> } | undefined;
  worst?: { json: NestedCaseJson; measurement: Measurement; path: string } | undefined;
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
    measurement: measurementJson(o.measurement),
    case: o.json,
    ...(o.worst ? { worst: { path: o.worst.path, measurement: measurementJson(o.worst.measurement), case: o.worst.json } } : {}),
  };
}

function measurementJson(m: Measurement): CounterexampleFile['measurement'] {
  return { error: Number.isFinite(m.error) ? m.error : String(m.error), tolerance: m.tolerance, ...(m.note ? { note: m.note } : {}) };
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
