/**
 * A synthetic TrainFn with known answers, for the tests of the statistics, the claims' plumbing
 * and the sweep (no training: milliseconds per run). Per height h of L (deterministic in the seed):
 *   init(h)  = clamp(ρ̄^h · (1 − 0.3/√hid) + seedEffect + noise),  ρ̄ = (δ_lower + δ_upper)/2
 *   final(h) = init(h) + gain·room·(h − 1)/(L − 1) + noise      (root augmentation, steps > 0),
 *              room = (1 − ρ̄)/0.1: the gain shrinks as δ_lower grows (1 at δ 0.8–1)
 *            = init(h) + controlGain + noise                      (none-shared)
 * plus `height1Drift` at height 1. A shared per-seed effect (same for every setting of a seed)
 * makes pairing by seed matter, as in the real experiments.
 */
import { Rng, deriveSeed } from '../numeric/random.js';
import type { TrainFn, TrainRun, TrainSetting } from './trainFn.js';

export interface SyntheticModel {
  /** Gain at the top height with root augmentation (height 1 gains `height1Drift`). */
  readonly gain: number;
  /** Mean gain of every height with none-shared augmentation. */
  readonly controlGain: number;
  readonly height1Drift: number;
  /** Per-seed shared offset sd (cancels in paired differences). */
  readonly seedSd: number;
  /** Per-run, per-height noise sd. */
  readonly noise: number;
  /** Extra sd of the gain per seed (same for every height of a run). */
  readonly gainSd: number;
  /** Every trained run diverges at once (final = init, diverged), as an engine that blows up. */
  readonly diverge?: boolean;
}

export const SYNTHETIC_DEFAULT: SyntheticModel = { gain: 0.15, controlGain: 0, height1Drift: 0, seedSd: 0.05, noise: 0.002, gainSd: 0.02 };

/** Deterministic synthetic runs; `calls` counts them (the sweep's resume tests read it). */
export function syntheticTrainFn(model: Partial<SyntheticModel> = {}): TrainFn & { calls: number } {
  const m = { ...SYNTHETIC_DEFAULT, ...model };
  const fn = (async (s: TrainSetting, seed: number): Promise<TrainRun> => {
    fn.calls++;
    const shared = new Rng(deriveSeed(seed, 'synthetic-seed')).fork();
    const own = new Rng(deriveSeed(seed, 'synthetic-run', s.augmentation, s.loss, s.tau, s.deltaLower, s.hid, s.steps)).fork();
    const seedEffect = m.seedSd * shared.normal();
    const seedGain = m.gainSd * shared.normal();
    const L = s.depth;
    const rho = (s.deltaLower + s.deltaUpper) / 2;
    const clamp = (v: number) => Math.max(0, Math.min(1, v));
    const init = Array.from({ length: L }, (_, i) => clamp(rho ** (i + 1) * (1 - 0.3 / Math.sqrt(s.hid)) + seedEffect + m.noise * own.normal()));
    if (m.diverge && s.steps > 0) return { seed, init, final: init, steps: 0, diverged: true, ms: 0 };
    const trained = s.steps > 0;
    const final = init.map((v, i) => {
      if (!trained) return v;
      const room = (1 - rho) / 0.1;
      const mean = s.augmentation === 'none-shared' ? m.controlGain : i === 0 ? m.height1Drift : ((m.gain + seedGain) * room * i) / Math.max(1, L - 1);
      return clamp(v + mean + m.noise * own.normal());
    });
    return { seed, init, final, steps: s.steps, diverged: false, ms: 0 };
  }) as TrainFn & { calls: number };
  fn.calls = 0;
  return fn;
}
