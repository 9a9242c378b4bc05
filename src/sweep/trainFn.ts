/**
 * The narrow interface between the statistical training claims (C11, C12), the sweep, and the
 * training engine (src/train/**): one training run of one setting for one seed, reduced to the
 * per-height correlation metric at initialisation and at the end.
 *
 * Pairing by seed (docs/theory.md C11(b), C12(a)): the engine must derive, from the run seed alone and in
 * independent streams, the tree's edge signs and the uniforms u_e behind |ρ_e| = δ_lower +
 * (δ_upper − δ_lower)·u_e, the initial weights, the training samples and the evaluation samples. Then
 * two settings that differ only in δ_lower, the augmentation or the loss share the tree signs, the
 * initial weights and the evaluation draws (common random numbers), and their difference per seed is
 * a paired difference. RunCache (runCache.ts) memoises runs; gains.ts reduces them to the claims'
 * per-seed quantities.
 */
export const SWEEP_LOSSES = ['official_nce', 'nce', 'official_subtract', 'simp', 'tri'] as const;
export type SweepLoss = (typeof SWEEP_LOSSES)[number];

/** Everything that defines a training run apart from its seed. */
export interface TrainSetting {
  readonly depth: number;
  readonly children: number;
  readonly hid: number;
  readonly deltaLower: number;
  readonly deltaUpper: number;
  /** A sweep loss, or ntxent (in-batch only: `inBatch` must be set). */
  readonly loss: SweepLoss | 'ntxent';
  readonly tau: number;
  /** Negatives per tuple. */
  readonly H: number;
  /** 'root' (the paper's) or 'none-shared' (the control), or any augmentation string. */
  readonly augmentation: string;
  /** SGD steps; 0 evaluates the initialisation only. */
  readonly steps: number;
  readonly batch: number;
  readonly lr: number;
  /** Evaluation samples of the correlation metric (fresh, drawn once per seed). */
  readonly evalSamples: number;
  /** The engine's preset the rest is taken from (bias, normalisation, initialisation). */
  readonly preset: 'official' | 'readme' | 'large';
  /**
   * Evaluations during training (default 1: only at the end). With more, a run that blows up
   * keeps its last finite evaluation (L_simp). `steps` must be a multiple of it.
   */
  readonly evalEpochs?: number;
  /** In-batch negatives (`train --negatives in-batch [--symmetric]`); H is then unused. */
  readonly inBatch?: { readonly symmetric: boolean };
}

/** One run, reduced to what the claims and the sweep use. */
export interface TrainRun {
  readonly seed: number;
  /** Mean best-|corr| per height (index h − 1, height 1 = parents of leaves) at initialisation. */
  readonly init: readonly number[];
  /** The same at the end of training (= init when steps is 0). */
  readonly final: readonly number[];
  /** Steps actually made (fewer than asked when the run was stopped before it blew up). */
  readonly steps: number;
  /** Stopped early: a weight or the loss became non-finite; `final` is the last finite evaluation. */
  readonly diverged: boolean;
  /** Milliseconds the run took (not part of any verdict). */
  readonly ms?: number;
}

export type TrainFn = (setting: TrainSetting, seed: number) => Promise<TrainRun>;

/** A stable key of a setting (field order fixed). */
export function settingKey(s: TrainSetting): string {
  return [
    `d${s.depth}`,
    `c${s.children}`,
    `hid${s.hid}`,
    `dl${s.deltaLower}`,
    `du${s.deltaUpper}`,
    s.loss,
    `tau${s.tau}`,
    `H${s.H}`,
    s.augmentation,
    `steps${s.steps}`,
    `B${s.batch}`,
    `lr${s.lr}`,
    `eval${s.evalSamples}`,
    s.preset,
    ...(s.evalEpochs !== undefined && s.evalEpochs !== 1 ? [`ee${s.evalEpochs}`] : []),
    ...(s.inBatch ? [s.inBatch.symmetric ? 'in-batch-sym' : 'in-batch'] : []),
  ].join('|');
}
