/**
 * User code isolated (src/pool/isolate.ts, issue 8 §2): the plugin fault matrix. Each faulty loss
 * plugin (test/fixtures/plugins-faulty) is loaded and evaluated in a child process with a time and a
 * memory limit; each fault must end as an IsolationError (an InputError: exit 2 at the CLI) naming
 * the plugin, within the limit, while this process goes on. The measured time to detect each fault
 * is printed (from the TypeScript sources: each child starts tsx first, about 0.3 s alone).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { runIsolated, isolatedOutcome } from '../src/pool/isolate.js';
import { IsolationError } from '../src/pool/failure.js';
import { InputError } from '../src/errors.js';
import type { TaskSpec } from '../src/pool/task.js';
import type { CheckResult } from '../src/runner/check.js';
import { CHECK_TASK_MODULE, runChecksByIds } from '../src/pool/checkTask.js';

const LOSS_TASK = pathToFileURL(resolve('test/fixtures/pool/lossTask.ts')).href;
const DIR = resolve('test/fixtures/plugins-faulty');
const MEMORY_MB = 256;
const TIME_MS = 15_000; // generous: a busy 2-core machine starts a child slowly; the loop case has its own
const LOOP_MS = 1_500; // the spinning plugin burns a core for all of it

const spec = (plugin: string): TaskSpec => ({ key: `evaluate ${plugin}`, module: LOSS_TASK, export: 'evaluateLoss', args: { spec: plugin, cwd: DIR } });
const measured: string[] = [];

async function fault(plugin: string, timeoutMs = TIME_MS, extra: { watchResident?: boolean } = {}): Promise<{ error: IsolationError; ms: number }> {
  const t0 = performance.now();
  const error = await runIsolated(spec(plugin), { subject: `loss plugin ${plugin}`, timeoutMs, memoryMb: MEMORY_MB, ...extra }).then(
    () => null,
    (e: unknown) => e,
  );
  const ms = Math.round(performance.now() - t0);
  expect(error).toBeInstanceOf(IsolationError);
  expect(error).toBeInstanceOf(InputError); // the CLI's exit 2, no partial output
  const e = error as IsolationError;
  measured.push(`${plugin.padEnd(34)} ${e.kind.padEnd(14)} ${String(ms).padStart(6)} ms  ${e.message.slice(0, 110)}`);
  return { error: e, ms };
}

describe('a loss plugin run isolated', () => {
  afterAll(() => console.log(`plugin fault matrix (limits ${TIME_MS} ms / ${LOOP_MS} ms for the loop, ${MEMORY_MB} MB):\n${measured.join('\n')}`));

  it('that behaves gives its value (the control)', async () => {
    const t0 = performance.now();
    const v = await runIsolated<{ name: string; value: number }>(spec('nce:tau=0.5'), { subject: 'loss nce', timeoutMs: TIME_MS, memoryMb: MEMORY_MB });
    measured.push(`${'nce:tau=0.5 (control)'.padEnd(34)} ${'ok'.padEnd(14)} ${String(Math.round(performance.now() - t0)).padStart(6)} ms  value ${v.value}`);
    expect(v.name).toBe('nce');
    expect(Number.isFinite(v.value)).toBe(true);
  });

  it('that calls process.exit(0) is an exit, not a silent green gate', async () => {
    const { error } = await fault('./exit.ts');
    expect(error.kind).toBe('exit');
    expect(error.field).toBe('loss plugin ./exit.ts');
    expect(error.message).toMatch(/^loss plugin \.\/exit\.ts: isolated process of task evaluate \.\/exit\.ts exited with code 0 before returning a result/);
  });

  it('that loops forever is stopped at the time limit', async () => {
    const { error, ms } = await fault('./loop.ts', LOOP_MS);
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe(`loss plugin ./loop.ts: task evaluate ./loop.ts ran past its time limit of ${LOOP_MS} ms and was terminated`);
    expect(ms).toBeGreaterThanOrEqual(LOOP_MS - 50);
    expect(ms).toBeLessThan(LOOP_MS + 1000);
  });

  it('that allocates without bound (the shape that aborts a whole process under a worker thread) runs out of memory in its child', async () => {
    const { error } = await fault('./bomb.ts');
    expect(error.kind).toBe('out-of-memory');
    expect(error.message).toMatch(new RegExp(`ran out of memory \\(limit ${MEMORY_MB} MB`));
  });

  it('is stopped by the heap limit alone (no resident watch, as off Linux)', async () => {
    const { error } = await fault('./bomb.ts', TIME_MS, { watchResident: false });
    expect(error.kind).toBe('out-of-memory');
    expect(error.message).toMatch(new RegExp(`ran out of memory \\(limit ${MEMORY_MB} MB heap\\)`));
  });

  it.runIf(process.platform === 'linux')('that allocates buffers outside the heap is stopped by the resident-memory watch', async () => {
    const { error } = await fault('./bufferBomb.ts');
    expect(error.kind).toBe('out-of-memory');
    expect(error.message).toMatch(new RegExp(`ran out of memory \\(limit ${MEMORY_MB} MB resident; reached \\d+ MB\\)`));
  });

  it('that throws, returns NaN or returns the wrong shape keeps its PluginError text, naming the plugin and the case', async () => {
    const cases: [string, RegExp][] = [
      ['./throw.ts', /^loss plugin "faulty_throw" \(\.\/throw\.ts\): threw on the case .*this loss is not implemented/],
      ['./nan.ts', /^loss plugin "faulty_nan" \(\.\/nan\.ts\): .*NaN/],
      ['./shape.ts', /^loss plugin "faulty_shape" \(\.\/shape\.ts\): has the wrong shape .*expected one value/],
    ];
    for (const [plugin, message] of cases) {
      const { error } = await fault(plugin);
      expect(error.kind).toBe('threw');
      expect(error.message).toMatch(message);
      expect(error.field).toMatch(/^loss plugin "faulty_/);
    }
  });

  it('runs the loss checks of a plugin in one child, with the results of an in-process run', async () => {
    const source = { module: pathToFileURL(resolve('test/fixtures/pool/lossChecks.ts')).href, export: 'lossChecksFor', args: { spec: 'builtin:nce:tau=0.5', cwd: DIR } };
    const { lossChecksFor } = await import('./fixtures/pool/lossChecks.js');
    const ids = (await lossChecksFor(source.args)).slice(0, 3).map((c) => c.id);
    const args = { source, ids, options: { baseSeed: 42, scale: 'ci' as const, numRuns: 5 } };
    const t0 = performance.now();
    const there = await runIsolated<CheckResult[]>({ key: 'loss checks', module: CHECK_TASK_MODULE, export: 'runChecksByIds', args }, { subject: 'loss builtin:nce', timeoutMs: 60_000, memoryMb: 1024 });
    measured.push(`${'3 loss checks of builtin:nce'.padEnd(34)} ${'ok'.padEnd(14)} ${String(Math.round(performance.now() - t0)).padStart(6)} ms  ${there.map((r) => r.verdict).join(', ')}`);
    const here = await runChecksByIds(args, { key: 'loss checks', seed: 0, progress: () => {} });
    const noMs = (rs: CheckResult[]) => rs.map((r) => ({ ...r, ms: 0 }));
    expect(there.map((r) => r.check)).toEqual(ids);
    expect(noMs(there)).toEqual(noMs(here));
  });

  it('reports a failure as an outcome too, with the time it took', async () => {
    const o = await isolatedOutcome(spec('./exit.ts'), { subject: 'x', timeoutMs: TIME_MS, memoryMb: MEMORY_MB });
    expect(o.ok).toBe(false);
    expect(o.ms).toBeGreaterThan(0);
  });
});
