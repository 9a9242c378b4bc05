/**
 * The resumable state of a sweep: `sweep-state.json` in the run folder, recording every finished
 * cell (its full setting key → its run). Written atomically after every cell (a temporary file in
 * the same folder, then rename), so an interrupted sweep leaves either the old or the new state,
 * never half a file; rerunning the same command loads it and skips the finished cells.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TrainRun } from './trainFn.js';
import type { Cell } from './grid.js';

export const STATE_FILE = 'sweep-state.json';
export const STATE_VERSION = 1;

export interface CellRecord {
  readonly cell: Cell;
  readonly run: TrainRun;
}

export interface SweepState {
  readonly version: number;
  readonly tool: 'covcheck sweep';
  /** Cell key (grid.ts cellKey) → record. */
  readonly cells: Record<string, CellRecord>;
}

export function emptyState(): SweepState {
  return { version: STATE_VERSION, tool: 'covcheck sweep', cells: {} };
}

/**
 * Loads the state at `path`; a missing file is an empty state. An unreadable or foreign file is an
 * Error whose message says so (the command turns it into an InputError naming --name / --fresh).
 */
export async function loadState(path: string): Promise<SweepState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw new Error(`cannot read ${path}: ${(e as Error).message}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON`);
  }
  const o = v as Partial<SweepState>;
  if (typeof o !== 'object' || o === null || o.tool !== 'covcheck sweep' || o.version !== STATE_VERSION || typeof o.cells !== 'object' || o.cells === null || Array.isArray(o.cells)) {
    throw new Error(`${path} is not a covcheck sweep state (version ${STATE_VERSION})`);
  }
  const cells: Record<string, CellRecord> = {};
  for (const [k, r] of Object.entries(o.cells)) cells[k] = checkRecord(r, `${path}: cell ${JSON.stringify(k).slice(0, 80)}`);
  return { version: STATE_VERSION, tool: 'covcheck sweep', cells };
}

/**
 * Best-|corr| is an absolute correlation in [0, 1], exactly: train/evaluate.ts `pearson` clamps to
 * [−1, 1], and a mean by height of values ≤ 1 stays ≤ 1 (rounding is monotone), so no allowance.
 */
const CORR_MAX = 1;

/**
 * One record, validated field by field (issue 8 §4: an edited `final` of 5 or a string must not
 * flow into the summary): the cell's integers and numbers, the run's seed equal to the cell's,
 * init/final of one length with every value a number in [0, 1] ("NaN", as stateText writes a NaN,
 * reads back as NaN), steps a non-negative integer, diverged a boolean. Throws naming the field.
 */
function checkRecord(r: unknown, where: string): CellRecord {
  const fail = (field: string, what: string): never => {
    throw new Error(`${where}: ${field} ${what}`);
  };
  if (typeof r !== 'object' || r === null) fail('record', 'is not an object');
  const { cell, run } = r as { cell?: Record<string, unknown>; run?: Record<string, unknown> };
  if (typeof cell !== 'object' || cell === null) return fail('cell', 'is missing');
  if (typeof run !== 'object' || run === null) return fail('run', 'is missing');
  for (const f of ['depth', 'hid'] as const) if (!Number.isInteger(cell[f]) || (cell[f] as number) < 1) fail(`cell.${f}`, 'must be a positive integer');
  if (typeof cell.deltaLower !== 'number' || !Number.isFinite(cell.deltaLower)) fail('cell.deltaLower', 'must be a finite number');
  if (typeof cell.loss !== 'string') fail('cell.loss', 'must be a loss name');
  if (!Number.isInteger(cell.seed)) fail('cell.seed', 'must be an integer');
  if (run.seed !== cell.seed) fail('run.seed', `must equal cell.seed (${String(cell.seed)})`);
  if (!Number.isInteger(run.steps) || (run.steps as number) < 0) fail('run.steps', 'must be a non-negative integer');
  if (typeof run.diverged !== 'boolean') fail('run.diverged', 'must be true or false');
  if (run.ms !== undefined && (typeof run.ms !== 'number' || !(run.ms >= 0))) fail('run.ms', 'must be a non-negative number');
  const corr = (f: 'init' | 'final'): number[] => {
    const xs = run[f];
    if (!Array.isArray(xs) || xs.length === 0 || xs.length > 64) return fail(`run.${f}`, 'must be a list of 1 to 64 best-|corr| values');
    return xs.map((x: unknown, i) => {
      const v = x === 'NaN' ? Number.NaN : x;
      if (typeof v !== 'number' || !(Number.isNaN(v) || (v >= 0 && v <= CORR_MAX))) fail(`run.${f}[${i}]`, `must be a best-|corr| in [0, 1], got ${JSON.stringify(x)}`);
      return v as number;
    });
  };
  const init = corr('init');
  const final = corr('final');
  if (init.length !== final.length) fail('run.final', `has ${final.length} heights, init ${init.length}`);
  return {
    cell: cell as unknown as Cell,
    run: { ...(run as unknown as TrainRun), init, final },
  };
}

/**
 * Throws unless a loaded record is the one this sweep means by `key`: its cell must equal the
 * current cell (the state belongs to this configuration, not an edited or foreign one).
 */
export function checkRecordFits(rec: CellRecord, cell: Cell, key: string, path: string): void {
  const c = rec.cell;
  if (c.depth !== cell.depth || c.hid !== cell.hid || c.deltaLower !== cell.deltaLower || c.loss !== cell.loss || c.seed !== cell.seed) {
    throw new Error(`${path}: cell ${JSON.stringify(key).slice(0, 80)} records another configuration (${JSON.stringify(c)})`);
  }
}

/** The state as file content (stable key order: insertion = run order). */
export function stateText(s: SweepState): string {
  return JSON.stringify(s, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 1) + '\n';
}

/** Writes the state atomically (temporary file in the same folder, then rename). */
export async function saveState(path: string, s: SweepState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${STATE_FILE}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(tmp, stateText(s));
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
