/**
 * Runs a sweep's grid cell by cell, skipping the cells its state file already holds and saving the
 * state after every new cell (state.ts), so an interrupted sweep resumes where it stopped.
 */
import { cellKey, cellsOf, settingOf, type Cell, type Grid, type SweepTraining } from './grid.js';
import { checkRecordFits, loadState, saveState, STATE_FILE, type CellRecord, type SweepState } from './state.js';
import type { TrainFn } from './trainFn.js';

export interface SweepSpec {
  readonly grid: Grid;
  readonly training: SweepTraining;
}

export interface SweepHooks {
  /** Before a cell is trained (or skipped): cells done so far, the total, the cell. */
  readonly onCell?: (done: number, total: number, cell: Cell, skipped: boolean) => void;
}

export interface SweepOutcome {
  /** One record per cell of the grid, in grid order. */
  readonly records: CellRecord[];
  /** Cells trained in this invocation. */
  readonly trained: number;
  /** Cells taken from the state file. */
  readonly resumed: number;
  /** The state after the run (also every cell of earlier runs with other grids). */
  readonly state: SweepState;
}

/**
 * Trains every cell not in the state; `statePath` null: no state file (nothing resumes).
 * `fresh`: ignore an existing state file (it is overwritten).
 */
export async function runSweep(spec: SweepSpec, train: TrainFn, statePath: string | null, hooks: SweepHooks = {}, fresh = false, parallel = false): Promise<SweepOutcome> {
  const cells = cellsOf(spec.grid);
  const loaded = statePath !== null && !fresh ? await loadState(statePath) : null;
  const state: SweepState = { version: 1, tool: 'covcheck sweep', cells: { ...(loaded?.cells ?? {}) } };
  const records: CellRecord[] = [];
  const pending: Promise<void>[] = [];
  let saving: Promise<void> = Promise.resolve();
  let trained = 0;
  let resumed = 0;
  for (const [i, cell] of cells.entries()) {
    const key = cellKey(cell, spec.training);
    const have = state.cells[key];
    // In parallel the bar counts finished cells (all start at once), else the cell about to train.
    if (!parallel || have) hooks.onCell?.(parallel ? resumed + trained : i, cells.length, cell, have !== undefined);
    if (have) {
      checkRecordFits(have, cell, key, statePath ?? STATE_FILE);
      records.push({ cell, run: have.run });
      resumed++;
      continue;
    }
    const at = records.length;
    records.push({ cell, run: undefined as never });
    const done = train(settingOf(cell, spec.training), cell.seed).then((run) => {
      const rec: CellRecord = { cell, run };
      state.cells[key] = rec;
      records[at] = rec;
      trained++;
      if (parallel) hooks.onCell?.(resumed + trained, cells.length, cell, false);
      // One save at a time (parallel cells finish in any order); each writes the whole state.
      if (statePath !== null) saving = saving.then(() => saveState(statePath, state));
      return saving;
    });
    if (parallel) pending.push(done);
    else await done;
  }
  await Promise.all(pending);
  if (!parallel || trained === 0) return { records, trained, resumed, state };
  // The state lists new cells in grid order, as a run one cell after the other writes it.
  const ordered: Record<string, CellRecord> = { ...(loaded?.cells ?? {}) };
  for (const r of records) ordered[cellKey(r.cell, spec.training)] ??= r;
  const final: SweepState = { ...state, cells: ordered };
  if (statePath !== null) await (saving = saving.then(() => saveState(statePath, final)));
  return { records, trained, resumed, state: final };
}
