/**
 * C11 for NT-Xent (properties/claims/inBatch/emergence.ts) over a synthetic training function
 * (src/sweep/synthetic.ts): skipped at CI scale with its reason (never pass without computing),
 * pass where the synthetic gain is positive, fail where it is negative, not pass without an effect;
 * and the setting it trains is in-batch symmetric NT-Xent (the engine's options say so).
 */
import { describe, expect, it } from 'vitest';
import { makeNtXentEmergenceChecks, NTXENT_ALPHA, NTXENT_CONFIGS } from '../properties/claims/inBatch/emergence.js';
import { cacheOf } from '../src/sweep/provider.js';
import { syntheticTrainFn } from '../src/sweep/synthetic.js';
import { engineOptions } from '../src/sweep/engineTrain.js';
import { settingKey } from '../src/sweep/trainFn.js';
import { runCheck } from '../src/runner/run.js';

const fullEverywhere = { ci: NTXENT_CONFIGS.full, full: NTXENT_CONFIGS.full };
const run = (src: Parameters<typeof makeNtXentEmergenceChecks>[0], configs = fullEverywhere) => runCheck(makeNtXentEmergenceChecks(src, configs)[0]!, { seed: 1, scale: 'ci' });

describe('C11 for symmetric NT-Xent with in-batch negatives', () => {
  it('is skipped at CI scale with the reason, and computes nothing', async () => {
    let called = 0;
    const r = await run(async () => {
      called++;
      return { unavailable: 'should not be asked' };
    }, NTXENT_CONFIGS);
    expect(r.verdict).toBe('skipped');
    expect(r.message).toMatch(/2\.7 s CPU per seed/);
    expect(called).toBe(0);
  });

  it('passes with a positive gain, at its stated α', async () => {
    const r = await run(cacheOf(syntheticTrainFn()));
    expect(r.verdict, r.message).toBe('pass');
    expect(r.statistic?.alphaPart).toBe(NTXENT_ALPHA);
    expect(r.message).toMatch(/C11\(a\) for NT-Xent at α 0\.00025/);
  });

  it('fails with a negative gain; never passes without an effect', async () => {
    expect((await run(cacheOf(syntheticTrainFn({ gain: -0.1, gainSd: 0.01 })))).verdict).toBe('fail');
    expect((await run(cacheOf(syntheticTrainFn({ gain: 0, gainSd: 0.02 })))).verdict).not.toBe('pass');
  });

  it('trains ntxent with in-batch symmetric negatives (engine options), under its own cache key', () => {
    const s = NTXENT_CONFIGS.full.setting;
    const o = engineOptions(s, 1);
    expect(o).toMatchObject({ loss: 'ntxent', inBatch: true, symmetric: true, tau: 0.1 });
    expect(settingKey(s)).toMatch(/\|in-batch-sym$/);
    expect(settingKey({ ...s, inBatch: undefined })).not.toMatch(/in-batch/);
  });
});
