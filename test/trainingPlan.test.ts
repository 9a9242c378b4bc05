/**
 * The training plan of the statistical training claims (issue 10, verify --shard): the runs a
 * C11/C12 check plans are a superset of every run its sequential design asks for, whether it
 * decides at the first look or the last, and the check decided from pooled planned runs gives the
 * same result as the check deciding on the train function itself (synthetic runs: milliseconds).
 */
import { describe, expect, it } from 'vitest';
import { makeC11Checks } from '../properties/claims/C11.js';
import { makeC12Checks } from '../properties/claims/C12.js';
import { planClaimRuns, pooledTrainFn, runTaskKey } from '../src/pool/claimRuns.js';
import type { StoredOutcome } from '../src/pool/shardFile.js';
import { taskSeed } from '../src/pool/taskSeed.js';
import type { CustomCheck, RunOptions } from '../src/runner/check.js';
import { cacheOf } from '../src/sweep/provider.js';
import { syntheticTrainFn, type SyntheticModel } from '../src/sweep/synthetic.js';
import type { TrainFn, TrainRun } from '../src/sweep/trainFn.js';

const BASE = 42;
const optionsOf = (c: { id: string }): RunOptions => ({ scale: 'ci', seed: taskSeed(BASE, c.id), baseSeed: BASE });

async function compare(make: (source: ReturnType<typeof cacheOf>) => CustomCheck[], model: Partial<SyntheticModel>) {
  const asked = new Set<string>();
  const inner = syntheticTrainFn(model);
  const recording: TrainFn = (s, seed) => (asked.add(runTaskKey({ setting: s, seed })), inner(s, seed));
  const direct = make(cacheOf(recording));
  const want = [];
  for (const c of direct) want.push(await c.run(optionsOf(c)));
  const plan = await planClaimRuns(direct, optionsOf);
  const planned = new Set(plan.map(runTaskKey));
  expect(planned.size).toBe(plan.length);
  for (const k of asked) expect(planned.has(k), k).toBe(true);
  const train = syntheticTrainFn(model);
  const stored = new Map<string, StoredOutcome<TrainRun>>();
  for (const r of plan) stored.set(runTaskKey(r), { key: runTaskKey(r), ok: true, value: await train(r.setting, r.seed), ms: 0 });
  const pooled = make(cacheOf(pooledTrainFn(stored)));
  const got = [];
  for (const c of pooled) got.push(await c.run(optionsOf(c)));
  expect(JSON.stringify(got)).toBe(JSON.stringify(want));
  return { asked: asked.size, planned: planned.size, verdicts: want.map((r) => r.verdict) };
}

describe('training plan of C11 and C12 (verify --shard)', () => {
  it('C11 at CI scale: plans root × 24 seeds and control × 20; a clear gain decides at the first look', async () => {
    const r = await compare((s) => makeC11Checks(s), {});
    expect(r.planned).toBe(24 + 20);
    expect(r.asked).toBeLessThanOrEqual(r.planned);
  }, 120_000);

  it('C11 with a weak gain (later looks): pooled decisions equal direct ones', async () => {
    const r = await compare((s) => makeC11Checks(s), { gain: 0.01, gainSd: 0.04 });
    expect(r.asked).toBeLessThanOrEqual(r.planned);
  }, 120_000);

  it('C12 at CI scale: pooled decisions equal direct ones', async () => {
    const r = await compare((s) => makeC12Checks(s), {});
    expect(r.asked).toBeLessThanOrEqual(r.planned);
    expect(r.verdicts).toContain('skipped');
  }, 120_000);

  it('a run no shard planned is an error naming it', async () => {
    const fn = pooledTrainFn(new Map());
    await expect(fn(makeSetting(), 3)).rejects.toThrow(/in no shard/);
  });
});

function makeSetting() {
  return { depth: 3, children: 2, hid: 5, deltaLower: 0.8, deltaUpper: 1, loss: 'nce' as const, tau: 0.1, H: 1, augmentation: 'root', steps: 0, batch: 8, lr: 0.1, evalSamples: 100, preset: 'readme' as const };
}
