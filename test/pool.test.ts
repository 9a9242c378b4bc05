/**
 * The worker pool (src/pool/workerPool.ts): results independent of --jobs and of scheduling, seeds
 * from task keys, canonical order, each failure of a worker thread named with its cause, progress
 * aggregated across workers, and the same CheckResult for a real check in a worker as in-process.
 */
import { describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { WorkerPool, withPool } from '../src/pool/workerPool.js';
import { taskSeed } from '../src/pool/taskSeed.js';
import { deriveSeed } from '../src/numeric/random.js';
import { parseJobs, defaultJobs } from '../src/pool/jobs.js';
import { ProgressAggregator } from '../src/pool/progress.js';
import { threadFailure, valueOf, TaskError, failureLines } from '../src/pool/failure.js';
import { checkTask } from '../src/pool/checkTask.js';
import { runCheck } from '../src/runner/run.js';
import type { CheckResult } from '../src/runner/check.js';
import type { TaskSpec } from '../src/pool/task.js';
import { InputError } from '../src/errors.js';

const TASKS = pathToFileURL(resolve('test/fixtures/pool/tasks.ts')).href;
const task = (key: string, exportName: string, args: unknown = {}, cost?: number): TaskSpec => ({ key, module: TASKS, export: exportName, args, ...(cost !== undefined ? { cost } : {}) });

describe('the worker pool', () => {
  it('gives the same values in the same (given) order at jobs 1 and jobs 2, seeds from keys', async () => {
    const specs = ['k3', 'k1', 'k2', 'k0'].map((k, i) => task(k, 'meanOfUniforms', { n: 20_000 + i }, i));
    const one = await withPool({ jobs: 1, seed: 42 }, (p) => p.runAll(specs));
    const two = await withPool({ jobs: 2, seed: 42 }, (p) => p.runAll(specs));
    expect(one.map((o) => o.key)).toEqual(['k3', 'k1', 'k2', 'k0']);
    expect(two.map((o) => (o.ok ? o.value : o.failure))).toEqual(one.map((o) => (o.ok ? o.value : o.failure)));
    for (const o of one) expect(o.ok && (o.value as { seed: number }).seed).toBe(taskSeed(42, o.key));
    // verify's per-check seed is this same derivation (one definition).
    expect(taskSeed(42, 'C1/rational/tree-layer')).toBe(deriveSeed(42, 'C1/rational/tree-layer'));
  });

  it('carries NaN, ±Infinity and -0 across the thread boundary as in-process', async () => {
    const [here] = await withPool({ jobs: 1 }, (p) => p.runAll([task('s', 'special')]));
    const [there] = await withPool({ jobs: 2 }, (p) => p.runAll([task('s', 'special')]));
    expect(here!.ok && there!.ok).toBe(true);
    const v = there!.ok ? (there!.value as Record<string, number>) : {};
    expect(Number.isNaN(v.nan)).toBe(true);
    expect(v.inf).toBe(Number.NEGATIVE_INFINITY);
    expect(Object.is(v.negZero, -0)).toBe(true);
    expect(there!.ok && there!.value).toEqual(here!.ok && here!.value);
  });

  // The time limit is generous (6 s) so that the heap bomb reaches its memory limit first even on a
  // loaded machine; no task here waits for it (the time limit has its own pool, next).
  it('fails only the task whose worker throws, exits or runs out of heap, naming it and the cause', async () => {
    const outcomes = await withPool({ jobs: 2, memoryMb: 64, timeoutMs: 6000 }, (p) =>
      p.runAll([
        task('ok-before', 'meanOfUniforms', { n: 1000 }),
        task('throws', 'throwsInput', { field: '--lr' }),
        task('exits', 'exits', { code: 0 }),
        task('bomb', 'heapBomb'),
        task('ok-after', 'meanOfUniforms', { n: 1000 }),
      ]),
    );
    const by = Object.fromEntries(outcomes.map((o) => [o.key, o]));
    expect(by['ok-before']!.ok && by['ok-after']!.ok).toBe(true);
    const fail = (k: string) => (by[k]!.ok ? null : by[k]!.failure);
    expect(fail('throws')).toMatchObject({ kind: 'threw', message: 'task throws threw: --lr: bad value in the task', error: { name: 'InputError', field: '--lr' } });
    // process.exit inside a worker thread ends that thread only: this process and the other tasks go on.
    expect(fail('exits')).toMatchObject({ kind: 'exit', message: expect.stringMatching(/^worker for task exits exited with code 0 before returning/) });
    expect(fail('bomb')).toMatchObject({ kind: 'out-of-memory', message: 'worker for task bomb ran out of memory (limit 64 MB heap)' });
    expect(failureLines(outcomes)).toHaveLength(3);
    expect(() => valueOf(by.exits!)).toThrow(TaskError);
  });

  // A task that never returns, in both shapes: a JavaScript loop that never yields (V8 must interrupt
  // it) and a thread blocked in Atomics.wait. 1 s: the limit counts from the task's start.
  it('terminates a task that runs past its time limit, spinning or blocked, and goes on with the next', async () => {
    const outcomes = await withPool({ jobs: 2, timeoutMs: 1000 }, (p) => p.runAll([task('spins', 'loops'), task('blocks', 'blocks'), task('ok-after', 'meanOfUniforms', { n: 10 })]));
    const by = Object.fromEntries(outcomes.map((o) => [o.key, o]));
    for (const k of ['spins', 'blocks']) {
      expect(by[k]!.ok ? null : by[k]!.failure).toMatchObject({ kind: 'timeout', message: `task ${k} ran past its time limit of 1000 ms and was terminated` });
      expect(by[k]!.ms).toBeLessThan(1000 + 5000); // plus a worker start at most
    }
    expect(by['ok-after']!.ok).toBe(true); // the pool replaced a terminated worker
    expect(failureLines(outcomes)).toHaveLength(2);
  });

  it('counts the time limit from a task\'s start, not from its wait in the queue', async () => {
    const outcomes = await withPool({ jobs: 2, timeoutMs: 1200 }, (p) => p.runAll(['a', 'b', 'c', 'd'].map((k) => task(k, 'busy', { ms: 500 }))));
    expect(outcomes.every((o) => o.ok)).toBe(true); // 4 × 500 ms on 2 workers: 1 s of queueing, each task 0.5 s
  });

  it('aggregates the progress of tasks in several workers into one value per run', async () => {
    const seen: { done: number; total: number }[] = [];
    await withPool({ jobs: 2, onProgress: (done, total) => seen.push({ done, total }) }, (p) => p.runAll(['a', 'b', 'c'].map((k) => task(k, 'busy', { ms: 400 }))));
    expect(seen.at(-1)).toEqual({ done: 3, total: 3 });
    expect(seen.some((s) => s.done % 1 !== 0)).toBe(true); // fractions from inside the workers
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.done).toBeGreaterThanOrEqual(seen[i - 1]!.done);
    const agg = new ProgressAggregator();
    agg.add('x');
    agg.update('x', 0.5);
    agg.update('x', 0.25); // never back
    expect(agg.value).toBe(0.5);
    agg.finish('x');
    agg.update('x', 0.1); // a late message after the end
    expect([agg.value, agg.total]).toEqual([1, 1]);
  });

  it('runs a real check in a worker with the same result as in-process (seed from its id)', async () => {
    const { checks: CHECKS } = await import('../properties/claims/C1/index.js');
    const id = CHECKS.find((c) => c.id.startsWith('C1/') && c.arithmetic === 'float64')!.id;
    const source = { module: pathToFileURL(resolve('properties/claims/C1/index.ts')).href, export: 'checks' };
    const [o] = await withPool({ jobs: 2, seed: 42 }, (p) => p.runAll([checkTask(source, id, { baseSeed: 42, scale: 'ci', numRuns: 20 })]));
    expect(o!.ok).toBe(true);
    const inWorker = o!.ok ? (o!.value as CheckResult) : null;
    const here = await runCheck(CHECKS.find((c) => c.id === id)!, { seed: deriveSeed(42, id), baseSeed: 42, scale: 'ci', numRuns: 20 });
    const strip = (r: CheckResult | null) => r && { ...r, ms: 0 };
    expect(strip(inWorker)).toEqual(strip(here));
  });

  it('gives report.json bytes identical to in-process for checks run in workers (counterexamples included)', async () => {
    const { checks, record } = await import('../properties/claims/C1/index.js');
    const { buildVerifyReport } = await import('../src/report/verify.js');
    const { reportJson } = await import('../src/report/json.js');
    // One check of each kind: rational, float64, and the expected-fail variants with their counterexamples.
    const picked = [...new Map(checks.map((c) => [`${c.arithmetic}/${c.expect}`, c])).values()];
    expect(picked.some((c) => c.expect === 'fail')).toBe(true);
    const source = { module: pathToFileURL(resolve('properties/claims/C1/index.ts')).href, export: 'checks' };
    const options = { baseSeed: 7, scale: 'ci' as const, numRuns: 12 };
    const info = { version: 'x', node: 'x', backend: 'x', seed: 7, scale: 'ci' as const, runs: 12, filters: { claims: null, check: null }, claims: [record] };
    const report = (results: CheckResult[]) => reportJson(buildVerifyReport(info, results.map((result, i) => ({ check: picked[i], result }))));
    const here: CheckResult[] = [];
    for (const c of picked) here.push(await runCheck(c, { ...options, seed: taskSeed(7, c.id) }));
    const there = await withPool({ jobs: 2, seed: 7 }, (p) => p.runAll<CheckResult>(picked.map((c) => checkTask(source, c.id, options))));
    expect(there.every((o) => o.ok)).toBe(true);
    expect(report(there.map((o) => (o.ok ? o.value : (null as never))))).toBe(report(here));
    expect(report(here)).toMatch(/"counterexample"/);
    // A counterexample holding a class with toJSON (Rational): the report must not see the clone's bare fields.
    const { checks: rationalChecks } = await import('./fixtures/pool/checks.js');
    const rc = rationalChecks[0]!;
    const rsource = { module: pathToFileURL(resolve('test/fixtures/pool/checks.ts')).href, export: 'checks' };
    const [ro] = await withPool({ jobs: 2, seed: 7 }, (p) => p.runAll<CheckResult>([checkTask(rsource, rc.id, options)]));
    const rhere = await runCheck(rc, { ...options, seed: taskSeed(7, rc.id) });
    const one = (r: CheckResult) => reportJson(buildVerifyReport(info, [{ check: rc, result: r }]));
    expect(ro!.ok && one(ro!.value)).toBe(one(rhere));
    expect(one(rhere)).toMatch(/"third": "\d\/3"/);
  });

  it('pins the piscina message it reads for a worker that exits', () => {
    const f = threadFailure('k', new Error('worker exited with code: 3'), { memoryMb: 1, timeoutMs: null, timedOut: false });
    expect(f).toEqual({ kind: 'exit', message: 'worker for task k exited with code 3 before returning a result (process.exit or a crash in the task?)' });
    expect(threadFailure('k', new Error('other'), { memoryMb: 1, timeoutMs: null, timedOut: false }).kind).toBe('crash');
  });

  it('parses --jobs', () => {
    expect(parseJobs(undefined)).toBe(defaultJobs());
    expect(parseJobs('3')).toBe(3);
    for (const bad of ['0', '-1', '1.5', 'x', '', '999']) expect(() => parseJobs(bad)).toThrow(InputError);
    expect(() => parseJobs('0')).toThrow(/^--jobs: expected a whole number of workers from 1 to 256, got "0"$/);
    expect(() => new WorkerPool({ jobs: 0 })).toThrow(RangeError);
  });
});
