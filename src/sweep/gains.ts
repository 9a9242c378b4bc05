/**
 * The per-seed quantities of docs/theory.md C11/C12, from one training run: the gain per height
 * Δ_h, the pooled gain G over heights 2..L, and the pooled level over heights 1..L.
 */
import type { TrainRun } from './trainFn.js';

/** Δ_h = final − init per height (index h − 1). */
export function gains(r: TrainRun): number[] {
  return r.final.map((v, i) => v - r.init[i]!);
}

/** G = mean over heights 2..L of (trained − initial) best-|corr| (docs/theory.md C11). */
export function pooledGain(r: TrainRun): number {
  const g = gains(r).slice(1);
  if (g.length === 0) throw new Error('pooledGain: a tree of depth ≥ 2 is needed (heights 2..L)');
  return g.reduce((s, v) => s + v, 0) / g.length;
}

/** Mean over heights 1..L of a per-height vector (the pooled level of C12). */
export function pooledLevel(perHeight: readonly number[]): number {
  return perHeight.reduce((s, v) => s + v, 0) / perHeight.length;
}
