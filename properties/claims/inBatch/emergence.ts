/**
 * C11 for NT-Xent (docs/theory.md §4, "Which claims hold for symmetric NT-Xent with in-batch
 * negatives"): training as SimCLR trains — `train --loss ntxent --tau 0.1 --negatives in-batch
 * --symmetric`, root augmentation, the tree network of C11 (depth 4, hid 10, |ρ| ≥ 0.8, 200 SGD steps
 * of batch 128, lr 0.1, 8 000 fresh evaluation samples) — raises the pooled gain
 * G = mean over heights 2..L of (trained − initial) best-|corr| (C11(a)): E G > 0, one-sided t-test
 * over seeds (src/stats/directional.ts), group-sequential at n = 6 then 10 seeds.
 *
 * False-failure rate: α = 2.5e-4 (a C11 part's share), stated on its own beside the suite's 2e-3
 * budget of C11/C12 (src/stats/budget.ts), as C3 and C9 state theirs: with E G > 0 the test fails
 * with probability ≤ α; too few seeds for a decision is `inconclusive`, never `pass`.
 * Planning values: G over seeds 1–6, measured by hand (issue 9): 0.082 0.145 0.126 0.075 0.141 0.110,
 * mean 0.113, sd 0.029. Cost: ≈ 2.7 s CPU per run (f32 engine, the 2B·(2B − 2) pairs per step), so
 * 16–27 s per decision: at CI scale the check is `skipped` with that reason (the CI suite takes
 * ≈ 45 s); `verify --scale full` runs it.
 */
import type { CustomCheck, RunOptions, Scale } from '../../../src/runner/check.js';
import { describeDesign, directionalTest, makeDesign, runSequential } from '../../../src/stats/index.js';
import { claimSeeds, looksOf, pairedRuns, ProgressCounter } from '../../../src/sweep/experiment.js';
import { pooledGain } from '../../../src/sweep/gains.js';
import { engineCache, type CacheSource } from '../../../src/sweep/provider.js';
import { statisticalChecks, type PartContext, type PartOutcome } from '../../../src/sweep/statisticalCheck.js';
import type { TrainSetting } from '../../../src/sweep/trainFn.js';
import { C11_CI } from '../C11.js';

export const NTXENT_ALPHA = 2.5e-4;
export const NTXENT_GAIN_ID = 'C11/statistical/ntxent-in-batch-gain';

export interface NtXentEmergenceConfig {
  readonly setting: TrainSetting;
  readonly looks: readonly number[];
  /** Why this scale does not run it (skipped), or null. */
  readonly skip: string | null;
}

const SETTING: TrainSetting = { ...C11_CI.base, loss: 'ntxent', tau: 0.1, H: 1, inBatch: { symmetric: true } };

export const NTXENT_CONFIGS: Readonly<Record<Scale, NtXentEmergenceConfig>> = {
  ci: { setting: SETTING, looks: [6, 10], skip: 'NT-Xent training costs ≈ 2.7 s CPU per seed (6–10 seeds: 16–27 s, half again the CI suite): run with --scale full' },
  full: { setting: SETTING, looks: [6, 10], skip: null },
};

const describeSetting = (c: NtXentEmergenceConfig) => {
  const s = c.setting;
  return `ntxent τ ${s.tau}, in-batch, symmetric, depth ${s.depth}, hid ${s.hid}, δ ${s.deltaLower}–${s.deltaUpper}, ${s.steps} steps × batch ${s.batch}, lr ${s.lr}, ${s.evalSamples} eval samples`;
};

async function decide(_part: 'ntxent-a', { cfg, cache, options, id }: PartContext<NtXentEmergenceConfig>): Promise<PartOutcome> {
  const looks = looksOf(options, cfg.looks);
  const design = makeDesign(looks, NTXENT_ALPHA);
  const seeds = claimSeeds(options, 'C11', looks[looks.length - 1]!);
  const progress = new ProgressCounter(seeds.length, id, options.onProgress);
  const seq = await runSequential(design, async (n, alpha) => {
    const [runs] = await pairedRuns(cache, [cfg.setting], seeds.slice(0, n), progress.tick);
    const result = directionalTest(runs!.map(pooledGain), { alpha, planned: { effect: 0.113, sd: 0.029 } });
    return { decision: result.decision, result, runs: runs! };
  });
  const diverged = seq.result.runs.filter((r) => r.diverged).length;
  return {
    tests: [{ label: 'G ntxent τ0.1 in-batch symmetric', result: seq.result.result }],
    header: `C11(a) for NT-Xent at α ${NTXENT_ALPHA} (its own, beside C11/C12's 2e-3); ${describeDesign(design)}; decided at n=${seq.n} (look ${seq.look})${diverged ? `; WARNING: ${diverged} run(s) diverged` : ''}`,
    extra: { alphaPart: NTXENT_ALPHA, design: describeDesign(design), seedsUsed: seq.n, divergedRuns: diverged },
    cases: seq.result.runs.length,
    plots: {},
  };
}

export function makeNtXentEmergenceChecks(source: CacheSource = engineCache, configs: Readonly<Record<Scale, NtXentEmergenceConfig>> = NTXENT_CONFIGS): CustomCheck[] {
  return statisticalChecks({
    claim: 'C11',
    parts: ['ntxent-a'] as const,
    ids: { 'ntxent-a': NTXENT_GAIN_ID },
    titles: { 'ntxent-a': 'C11(a) for SimCLR-style training: symmetric NT-Xent with in-batch negatives raises the pooled gain G' },
    alpha: () => NTXENT_ALPHA,
    configs,
    variant: describeSetting,
    source,
    notRunAt: (_p, cfg: NtXentEmergenceConfig, _o: RunOptions) => (cfg.skip === null ? null : { statistic: { reason: cfg.skip }, message: `skipped at this scale: ${cfg.skip}` }),
    decide,
  });
}

export const ntXentEmergence = makeNtXentEmergenceChecks();
