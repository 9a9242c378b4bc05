/**
 * `sweep --shard i/n` and its merge (docs/scale.md): the grid's cells are the tasks (key: the
 * cell's state key, settingKey#seed: a cell's run depends only on its setting and its own seed,
 * never on its slice or worker). Slice i trains the cells src/pool/shard.ts gives it (balanced by
 * an estimate of each cell's cost) and stores each TrainRun; `covcheck merge` puts every cell back
 * in grid order and writes the report the unsharded sweep writes, byte for byte.
 */
import { shardAssignment, type Shard } from './shard.js';
import type { ShardRun, StoredOutcome } from './shardFile.js';
import { InputError } from '../errors.js';
import { cellKey, cellsOf, settingOf, type Cell, type Grid, type SweepTraining } from '../sweep/grid.js';
import type { EngineExtras } from '../sweep/engineTrain.js';
import { checkRecordFits, emptyState, loadState, saveState, STATE_FILE, type CellRecord, type SweepState } from '../sweep/state.js';
import type { TrainFn, TrainRun } from '../sweep/trainFn.js';

/** What defines a sweep run (equal across its shards). */
export interface SweepDefinition {
  readonly grid: Grid;
  readonly training: SweepTraining;
  readonly extras: EngineExtras;
  readonly name: string;
  /** The canonical command line (every option explicit). */
  readonly command: string;
}

/** The grid's cells, each key once, in grid order. */
function uniqueCells(d: Pick<SweepDefinition, 'grid' | 'training'>): { cell: Cell; key: string }[] {
  const seen = new Set<string>();
  return cellsOf(d.grid)
    .map((cell) => ({ cell, key: cellKey(cell, d.training) }))
    .filter(({ key }) => !seen.has(key) && (seen.add(key), true));
}

/** The run every slice of this sweep shares: seed 0 (the grid's seeds are part of the options). */
export function sweepShardRun(d: SweepDefinition, version: string): ShardRun {
  const options = { grid: d.grid, training: d.training, extras: d.extras, name: d.name, command: d.command };
  return { covcheck: version, command: 'sweep', seed: 0, options, tasks: uniqueCells(d).map((c) => c.key) };
}

/** A cell's relative cost: samples × width × depth. */
function cellCost(cell: Cell, t: SweepTraining): number {
  return (t.steps * t.batch + t.evalSamples) * cell.hid * cell.depth;
}

/** The cells of slice `shard`, in grid order. */
export function shardCells(d: Pick<SweepDefinition, 'grid' | 'training'>, shard: Shard): Cell[] {
  const all = uniqueCells(d);
  const assign = shardAssignment(all.length, shard.count, all.map(({ cell }) => cellCost(cell, d.training)));
  return all.filter((_, j) => assign[j] === shard.index).map((c) => c.cell);
}

/** Where a shard keeps the cells it has trained (sweep-state format), so that a rerun resumes; `fresh`: start over. */
export interface ShardResume {
  readonly path: string;
  readonly fresh: boolean;
}

/** The state file of a shard: shard-2-of-4.sweep-state.json (under <report-dir>/shard-state/<name>/). */
export function shardStateFileName(shard: Shard): string {
  return `shard-${shard.index}-of-${shard.count}.${STATE_FILE}`;
}

/**
 * Trains `cells` (all at once when `parallel`: `train` runs on a pool; else one after the other, as
 * the engine in this thread needs); one stored outcome per cell, in the order given. With `resume`,
 * cells its state file holds are taken from it (as `sweep` resumes), and each newly trained cell is
 * saved there at once, so a shard job that is cut off trains only what it had left when rerun.
 */
export async function trainCells(cells: readonly Cell[], training: SweepTraining, train: TrainFn, parallel: boolean, onDone?: (done: number, cell: Cell) => void, resume?: ShardResume): Promise<StoredOutcome<TrainRun>[]> {
  let done = 0;
  const state: SweepState = resume && !resume.fresh ? await loadState(resume.path) : emptyState();
  let saving: Promise<void> = Promise.resolve();
  const one = async (cell: Cell): Promise<StoredOutcome<TrainRun>> => {
    const key = cellKey(cell, training);
    const t0 = performance.now();
    const have = state.cells[key];
    if (have && resume) {
      checkRecordFits(have, cell, key, resume.path);
      onDone?.(++done, cell);
      return { key, ok: true, value: have.run, ms: 0 };
    }
    try {
      const value = await train(settingOf(cell, training), cell.seed);
      if (resume) {
        state.cells[key] = { cell, run: value };
        await (saving = saving.then(() => saveState(resume.path, state)));
      }
      return { key, ok: true, value, ms: Math.round(performance.now() - t0) };
    } catch (e) {
      return { key, ok: false, failure: { kind: 'threw', message: `cell ${key}: ${e instanceof Error ? e.message : String(e)}` }, ms: Math.round(performance.now() - t0) };
    } finally {
      onDone?.(++done, cell);
    }
  };
  if (parallel) return Promise.all(cells.map(one));
  const out: StoredOutcome<TrainRun>[] = [];
  for (const c of cells) out.push(await one(c));
  return out;
}

/** The definition, records (grid order) and state of a merged sweep; a failed cell is an InputError naming it. */
export function mergedSweep(run: ShardRun, outcomes: readonly StoredOutcome[]): { definition: SweepDefinition; records: CellRecord[]; state: SweepState } {
  const definition = run.options as unknown as SweepDefinition;
  const byKey = new Map(outcomes.map((o) => [o.key, o]));
  const cells: Record<string, CellRecord> = {};
  const records = cellsOf(definition.grid).map((cell) => {
    const key = cellKey(cell, definition.training);
    const o = byKey.get(key);
    if (o === undefined) throw new InputError('merge', `sweep cell ${key} is in no shard file`);
    if (!o.ok) throw new InputError('merge', `sweep cell ${key} failed in its shard: ${o.failure.message}`);
    const rec: CellRecord = { cell, run: o.value as TrainRun };
    cells[key] ??= rec;
    return rec;
  });
  return { definition, records, state: { version: 1, tool: 'covcheck sweep', cells } };
}
