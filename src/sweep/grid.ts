/**
 * The grid of a sweep: depth × hid × δ_lower × loss × seed, every cell one training run of the same
 * training options. Option lists are comma-separated; integer lists also take ranges ("1-10",
 * "1-3,7"). Bad input is an InputError naming the option.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import { SWEEP_LOSSES, settingKey, type SweepLoss, type TrainSetting } from './trainFn.js';

export interface Grid {
  readonly depths: readonly number[];
  readonly hids: readonly number[];
  readonly deltaLowers: readonly number[];
  readonly losses: readonly SweepLoss[];
  readonly seeds: readonly number[];
}

/** The training options shared by every cell (everything of TrainSetting but the grid axes). */
export type SweepTraining = Omit<TrainSetting, 'depth' | 'hid' | 'deltaLower' | 'loss'>;

export interface Cell {
  readonly depth: number;
  readonly hid: number;
  readonly deltaLower: number;
  readonly loss: SweepLoss;
  readonly seed: number;
}

/** The most cells one sweep may have (a typo such as --seeds 1-1000000 is an error, not a week). */
export const MAX_CELLS = 100_000;

/** "1-10", "3,4", "1-3,7" → sorted distinct integers in [min, max]. */
export function parseIntList(flag: string, raw: string, min: number, max: number): number[] {
  const out = new Set<number>();
  const parts = raw.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) throw new InputError(flag, `expected a comma-separated list such as 1,2 or a range 1-10, got ${JSON.stringify(raw)}`);
  for (const p of parts) {
    const m = /^([-+]?\d+)(?:\s*(?:-|\.\.)\s*([-+]?\d+))?$/.exec(p);
    if (!m) throw new InputError(flag, `expected integers or ranges a-b, got ${JSON.stringify(p)}`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || a < min || b > max || a > max || b < min) {
      throw new InputError(flag, `values must be integers in [${min}, ${max}], got ${JSON.stringify(p)}`);
    }
    if (b < a) throw new InputError(flag, `empty range ${JSON.stringify(p)} (write the smaller end first)`);
    if (b - a >= MAX_CELLS) throw new InputError(flag, `range ${JSON.stringify(p)} is too long (at most ${MAX_CELLS} values)`);
    for (let v = a; v <= b; v++) out.add(v);
  }
  return [...out].sort((x, y) => x - y);
}

/** "0.7,0.8" → sorted distinct finite numbers in [min, max]. */
export function parseNumberList(flag: string, raw: string, min: number, max: number): number[] {
  const parts = raw.split(',').map((s) => s.trim());
  const out = new Set<number>();
  for (const p of parts) {
    const v = p === '' ? Number.NaN : Number(p);
    if (!Number.isFinite(v)) throw new InputError(flag, `expected comma-separated numbers, got ${JSON.stringify(p)} in ${JSON.stringify(raw)}`);
    if (v < min || v > max) throw new InputError(flag, `values must lie in [${min}, ${max}], got ${p}`);
    out.add(v);
  }
  return [...out].sort((x, y) => x - y);
}

/** "official_nce,nce" → distinct loss names, in the given order. */
export function parseLossList(flag: string, raw: string): SweepLoss[] {
  const parts = raw.split(',').map((s) => s.trim());
  const out: SweepLoss[] = [];
  for (const p of parts) {
    if (!(SWEEP_LOSSES as readonly string[]).includes(p)) throw new InputError(flag, `unknown loss ${JSON.stringify(p)} (${SWEEP_LOSSES.join(', ')})`);
    if (!out.includes(p as SweepLoss)) out.push(p as SweepLoss);
  }
  return out;
}

/** Every cell, in a fixed order: depth, hid, δ_lower, loss, then seed (innermost). */
export function cellsOf(g: Grid): Cell[] {
  const n = g.depths.length * g.hids.length * g.deltaLowers.length * g.losses.length * g.seeds.length;
  if (n > MAX_CELLS) throw new InputError('--seeds', `the grid has ${n} cells; at most ${MAX_CELLS}`);
  const out: Cell[] = [];
  for (const depth of g.depths)
    for (const hid of g.hids)
      for (const deltaLower of g.deltaLowers)
        for (const loss of g.losses)
          for (const seed of g.seeds) out.push({ depth, hid, deltaLower, loss, seed });
  return out;
}

export function settingOf(cell: Cell, t: SweepTraining): TrainSetting {
  return { ...t, depth: cell.depth, hid: cell.hid, deltaLower: cell.deltaLower, loss: cell.loss };
}

/** The key of a cell's run in the state file: the full setting and the seed. */
export function cellKey(cell: Cell, t: SweepTraining): string {
  return `${settingKey(settingOf(cell, t))}#${cell.seed}`;
}

/** A short stable hash of the grid and training options: the default run folder name. */
export function sweepName(g: Grid, t: SweepTraining, extras: Readonly<Record<string, unknown>> = {}): string {
  const h = createHash('sha256').update(JSON.stringify({ g, t: settingKey({ ...t, depth: 0, hid: 0, deltaLower: 0, loss: 'simp' }), extras })).digest('hex');
  return `sweep-${h.slice(0, 12)}`;
}
