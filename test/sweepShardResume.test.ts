/**
 * `sweep --shard i/n` resumes (src/pool/sweepShard.ts trainCells with a ShardResume): a shard cut
 * off after some cells trains only the cells its state file lacks when run again, with the same
 * outcomes as an uninterrupted shard; `fresh` trains everything again.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shardStateFileName, trainCells } from '../src/pool/sweepShard.js';
import { cellsOf, type SweepTraining } from '../src/sweep/grid.js';
import type { TrainFn } from '../src/sweep/trainFn.js';

const dir = mkdtempSync(join(tmpdir(), 'covcheck-shard-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const training = { children: 2, deltaUpper: 1, tau: 0.1, H: 1, augmentation: 'root', steps: 4, batch: 8, lr: 0.1, evalSamples: 100, preset: 'readme' } as SweepTraining;
const cells = cellsOf({ depths: [3], hids: [5], deltaLowers: [0.7, 0.9], losses: ['official_nce'], seeds: [1, 2, 3] });

/** A fake engine: the run depends on the setting and seed only; counts its calls; fails after `limit` calls. */
function fakeTrain(limit = Number.POSITIVE_INFINITY): { train: TrainFn; calls: () => number } {
  let n = 0;
  const train: TrainFn = async (s, seed) => {
    if (++n > limit) throw new Error('cut off');
    const v = Math.min(1, (seed * 0.1 + s.deltaLower) / 2);
    return { seed, init: [v / 2, v / 3], final: [v, v / 2], steps: s.steps, diverged: false };
  };
  return { train, calls: () => n };
}

const values = (outs: Awaited<ReturnType<typeof trainCells>>) => outs.map((o) => (o.ok ? { key: o.key, run: o.value } : { key: o.key, failed: true }));

describe('sweep --shard resumes from its state file', () => {
  it('trains only the cells missing after a cut-off, with the outcomes of an uninterrupted shard', async () => {
    const path = join(dir, 'shards', 'tiny', shardStateFileName({ index: 1, count: 1 }));
    const whole = values(await trainCells(cells, training, fakeTrain().train, false));
    const cut = fakeTrain(4);
    const first = await trainCells(cells, training, cut.train, false, undefined, { path, fresh: false });
    expect(first.filter((o) => o.ok)).toHaveLength(4);
    const again = fakeTrain();
    const second = await trainCells(cells, training, again.train, true, undefined, { path, fresh: false });
    expect(again.calls()).toBe(cells.length - 4);
    expect(values(second)).toEqual(whole);
    const fresh = fakeTrain();
    expect(values(await trainCells(cells, training, fresh.train, true, undefined, { path, fresh: true }))).toEqual(whole);
    expect(fresh.calls()).toBe(cells.length);
  });
});
