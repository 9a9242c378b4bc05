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
  if (typeof o !== 'object' || o === null || o.tool !== 'covcheck sweep' || o.version !== STATE_VERSION || typeof o.cells !== 'object' || o.cells === null) {
    throw new Error(`${path} is not a covcheck sweep state (version ${STATE_VERSION})`);
  }
  for (const [k, r] of Object.entries(o.cells)) {
    const run = (r as CellRecord | undefined)?.run;
    if (!run || !Array.isArray(run.init) || !Array.isArray(run.final) || typeof run.seed !== 'number') {
      throw new Error(`${path}: cell ${JSON.stringify(k).slice(0, 80)} is malformed`);
    }
  }
  return o as SweepState;
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
