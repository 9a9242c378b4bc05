/**
 * Shards (src/pool/shard.ts, shardFile.ts, merge.ts): a deterministic split that covers every task
 * once; shard files that keep every value exactly; a merge of shards 1/3, 2/3, 3/3 whose report is
 * byte-identical to the unsharded run's; and each bad set of shard files refused with an InputError
 * naming the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseShard, shardAssignment, shardOf } from '../src/pool/shard.js';
import { fromExactJson, toExactJson } from '../src/pool/exactJson.js';
import { readShardFile, writeShardFile, type ShardRun } from '../src/pool/shardFile.js';
import { findShardFiles, mergeShards, shardFileName } from '../src/pool/merge.js';
import { runShard } from '../src/pool/runShard.js';
import { withPool } from '../src/pool/workerPool.js';
import { InputError } from '../src/errors.js';
import { experimentReport, experimentTasks } from './fixtures/pool/experiment.js';

describe('shardOf', () => {
  it('splits round-robin over the canonical order without costs', () => {
    const items = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    expect(shardOf(items, { index: 1, count: 3 })).toEqual(['a', 'd', 'g']);
    expect(shardOf(items, { index: 2, count: 3 })).toEqual(['b', 'e']);
    expect(shardOf(items, { index: 3, count: 3 })).toEqual(['c', 'f']);
  });

  it('balances by cost, longest first, and keeps canonical order within a shard', () => {
    // costs 7 5 4 3 3 2 → LPT on 2 shards: {7, 3, 2} = 12 and {5, 4, 3} = 12.
    expect(shardAssignment(6, 2, [7, 5, 4, 3, 3, 2])).toEqual([1, 2, 2, 1, 2, 1]);
    expect(shardOf(['a', 'b', 'c', 'd', 'e', 'f'], { index: 2, count: 2 }, (x) => ({ a: 7, b: 5, c: 4, d: 3, e: 3, f: 2 })[x]!)).toEqual(['b', 'c', 'e']);
    expect(() => shardAssignment(2, 2, [1, Number.NaN])).toThrow(/cost of item 1/);
  });

  it('covers every item exactly once, for any list, count and costs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 9 }), fc.option(fc.array(fc.nat(100), { minLength: 40, maxLength: 40 })), (len, count, costs) => {
        const items = Array.from({ length: len }, (_, i) => i);
        const cost = costs === null ? undefined : (i: number) => costs[i]!;
        const parts = Array.from({ length: count }, (_, i) => shardOf(items, { index: i + 1, count }, cost));
        expect(parts.flat().sort((a, b) => a - b)).toEqual(items);
        for (const p of parts) expect(p).toEqual([...p].sort((a, b) => a - b));
      }),
      { numRuns: 200 },
    );
  });

  it('parses --shard i/n and names the flag otherwise', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/3', '4/3', '1/0', '1', '1/2/3', 'a/b', '-1/2', '1/2000']) expect(() => parseShard(bad)).toThrow(InputError);
    expect(() => parseShard('4/3')).toThrow(/^--shard: expected i\/n with 1 <= i <= n <= 1024 \(e\.g\. 2\/4\), got "4\/3"$/);
  });
});

describe('exact JSON', () => {
  it('gives back every double (NaN, ±Infinity, −0 included), bigints and undefined in arrays', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), fc.constantFrom(-0, Number.NaN, Infinity, -Infinity))), fc.string(), (xs, s) => {
        const v = { xs, nested: { s, xs: [xs] } };
        const back = fromExactJson(toExactJson(v)) as typeof v;
        expect(back.xs.length).toBe(xs.length);
        xs.forEach((x, i) => expect(Object.is(back.xs[i], x)).toBe(true));
        expect(back.nested.s).toBe(s);
      }),
      { numRuns: 200 },
    );
    expect(fromExactJson(toExactJson({ b: 12345678901234567890n, u: [1, undefined, 2], gone: undefined }))).toEqual({ b: 12345678901234567890n, u: [1, undefined, 2] });
    expect(() => toExactJson({ x: { $number: 'NaN' } })).toThrow(/only key is \$number/);
  });
});

describe('a sharded run merged', () => {
  let dir: string;
  const run: ShardRun = { covcheck: '0.1.0', command: 'synthetic', seed: 42, options: { scale: 'ci', looks: [4, 8, 12] }, tasks: experimentTasks().map((t) => t.key) };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'covcheck-shards-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function writeShards(sub: string, count: number, options: { seed?: number; cost?: boolean } = {}): Promise<string> {
    const out = join(dir, sub);
    await withPool({ jobs: 2, seed: options.seed ?? run.seed }, async (pool) => {
      for (let i = 1; i <= count; i++) {
        const shard = { index: i, count };
        const file = await runShard(pool, { ...run, seed: options.seed ?? run.seed }, experimentTasks(), shard, options.cost ? (s) => s.cost ?? 1 : undefined);
        await writeShardFile(join(out, shardFileName(shard)), file);
      }
    });
    return out;
  }

  it('gives the unsharded report byte for byte (jobs 1 and 2 alike), balanced by cost or not', async () => {
    const unsharded = await experimentReport(await withPool({ jobs: 2, seed: 42 }, (p) => p.runAll(experimentTasks())));
    expect(await experimentReport(await withPool({ jobs: 1, seed: 42 }, (p) => p.runAll(experimentTasks())))).toBe(unsharded);
    expect(unsharded).toMatch(/"verdict": "pass"/); // the strong setting decides …
    expect(unsharded).toMatch(/"verdict": "(inconclusive|fail)"/); // … the null one does not pass
    for (const [sub, cost] of [['rr', false], ['lpt', true]] as const) {
      const files = await findShardFiles([await writeShards(sub, 3, { cost })]);
      expect(files.map((f) => f.slice(f.lastIndexOf('/') + 1))).toEqual(['shard-1-of-3.covcheck-shard.json', 'shard-2-of-3.covcheck-shard.json', 'shard-3-of-3.covcheck-shard.json']);
      const merged = await mergeShards(files, { covcheck: '0.1.0' });
      expect(merged.outcomes.map((o) => o.key)).toEqual(run.tasks);
      expect(await experimentReport(merged.outcomes)).toBe(unsharded);
    }
    // A shard file is JSON a person can read; written atomically (no temporary left behind).
    expect(readdirSync(join(dir, 'rr')).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect((await readShardFile(join(dir, 'rr', 'shard-2-of-3.covcheck-shard.json'))).shard).toEqual({ index: 2, count: 3 });
  });

  describe('refuses, naming the file', () => {
    const good = (i: number) => join(dir, 'rr', `shard-${i}-of-3.covcheck-shard.json`);
    const edited = (name: string, i: number, edit: (j: Record<string, any>) => void): string => {
      const j = fromExactJson(readFileSync(good(i), 'utf8')) as Record<string, any>;
      edit(j);
      const path = join(dir, 'bad', name);
      writeFileSync(path, toExactJson(j));
      return path;
    };
    beforeAll(() => mkdirSync(join(dir, 'bad'), { recursive: true }));
    const expectRefused = async (files: string[], field: string, message: RegExp) => {
      const e = await mergeShards(files, { covcheck: '0.1.0' }).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).field).toBe(field);
      expect((e as InputError).message).toMatch(message);
    };

    it('a missing shard', async () => {
      await expectRefused([good(1), good(3)], 'merge', /incomplete run: shard 2\/3 missing \(given: 1\/3 .*shard-1-of-3.*, 3\/3 .*shard-3-of-3/);
      await expectRefused([], 'merge', /no shard files given/);
    });

    it('a shard given twice', async () => {
      const copy = join(dir, 'bad', 'copy-of-1.covcheck-shard.json');
      copyFileSync(good(1), copy);
      await expectRefused([good(1), good(2), good(3), copy], copy, /duplicate shard 1\/3: .*shard-1-of-3\.covcheck-shard\.json is the same shard/);
    });

    it('a foreign shard: other seed, options, version, task list or shard count', async () => {
      const seed = edited('seed.json', 2, (j) => (j.run.seed = 7));
      await expectRefused([good(1), seed, good(3)], seed, /foreign shard: its seed is 7, the other shards' \(.*shard-1-of-3.*\) is 42/);
      const opts = edited('opts.json', 2, (j) => (j.run.options.scale = 'full'));
      await expectRefused([good(1), opts, good(3)], opts, /foreign shard: its options is \{"looks":\[4,8,12\],"scale":"full"\}/);
      const version = edited('version.json', 3, (j) => (j.run.covcheck = '0.0.9'));
      await expectRefused([good(1), good(2), version], version, /foreign shard: written by covcheck 0\.0\.9, this is covcheck 0\.1\.0/);
      const tasks = edited('tasks.json', 3, (j) => (j.run.tasks[5] = 'other#5'));
      await expectRefused([good(1), good(2), tasks], tasks, /foreign shard: its task #6 is "other#5", the other shards' .* is "strong#5"/);
      const count = edited('count.json', 2, (j) => (j.shard = { index: 2, count: 4 }));
      await expectRefused([good(1), count, good(3)], count, /foreign shard: its shard count is 4/);
      // Options are compared as data: the order their keys were written in decides nothing.
      const reordered = edited('reordered.json', 2, (j) => (j.run.options = { scale: 'ci', looks: [4, 8, 12] }));
      expect((await mergeShards([good(1), reordered, good(3)])).outcomes).toHaveLength(24);
    });

    it('a task held twice, missing, or not of the run', async () => {
      const g1 = fromExactJson(readFileSync(good(1), 'utf8')) as { results: unknown[] };
      const twice = edited('twice.json', 2, (j) => j.results.push(g1.results[0]));
      await expectRefused([good(1), twice, good(3)], twice, /duplicate task "strong#0": .*shard-1-of-3.* holds it too/);
      const cut = edited('cut.json', 3, (j) => j.results.pop());
      await expectRefused([good(1), good(2), cut], 'merge', /task "none#11" is in no shard file/);
      const alien = edited('alien.json', 3, (j) => (j.results[0].key = 'alien#1'));
      await expectRefused([good(1), good(2), alien], alien, /holds task "alien#1", which is not part of the run/);
    });

    it('a damaged or foreign file', async () => {
      const truncated = join(dir, 'bad', 'truncated.json');
      writeFileSync(truncated, readFileSync(good(2), 'utf8').slice(0, 200));
      await expectRefused([good(1), truncated, good(3)], truncated, /is not valid JSON .*damaged or truncated/);
      const other = join(dir, 'bad', 'other.json');
      writeFileSync(other, JSON.stringify({ version: 1, tool: 'covcheck sweep', cells: {} }));
      await expectRefused([other], other, /is not a covcheck shard file \(format covcheck-shard 2\): format is undefined/);
      await expectRefused([join(dir, 'nope.json')], join(dir, 'nope.json'), /cannot read the shard file \(ENOENT\)/);
      await expect(findShardFiles([join(dir, 'nope')])).rejects.toThrow(/no such file or folder/);
    });
  });
});
