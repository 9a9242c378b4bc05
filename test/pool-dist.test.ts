/**
 * The pool from the compiled package (dist/, built by `npm run build` / `prepare`): workers start
 * dist/src/pool/threadEntry.js directly (no tsx unless a task module is .ts), children start
 * childEntry.js and register tsx for users' .ts plugins. Skipped where dist/ has not been built.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deriveSeed } from '../src/numeric/random.js';

const DIST = resolve('dist/src/pool/workerPool.js');
const url = (p: string) => pathToFileURL(resolve(p)).href;

describe.runIf(existsSync(DIST) && existsSync(resolve('dist/properties/claims/C1/index.js')))('the compiled pool', () => {
  it('runs a compiled check in a worker with the in-process result, and a .ts task module through tsx', async () => {
    const { withPool } = (await import(url('dist/src/pool/workerPool.js'))) as typeof import('../src/pool/workerPool.js');
    const { checkTask } = (await import(url('dist/src/pool/checkTask.js'))) as typeof import('../src/pool/checkTask.js');
    const { entryIsCompiled } = (await import(url('dist/src/pool/entry.js'))) as typeof import('../src/pool/entry.js');
    expect(entryIsCompiled()).toBe(true);
    const { checks } = await import('../properties/claims/C1/index.js');
    const id = checks.find((c) => c.arithmetic === 'float64')!.id;
    const source = { module: url('dist/properties/claims/C1/index.js'), export: 'checks' };
    const [inWorker, tsTask] = await withPool({ jobs: 2, seed: 42 }, (p) =>
      p.runAll([checkTask(source, id, { baseSeed: 42, scale: 'ci', numRuns: 10 }), { key: 'ts', module: url('test/fixtures/pool/tasks.ts'), export: 'meanOfUniforms', args: { n: 10 } }]),
    );
    const { runCheck } = await import('../src/runner/run.js');
    const here = await runCheck(checks.find((c) => c.id === id)!, { seed: deriveSeed(42, id), baseSeed: 42, scale: 'ci', numRuns: 10 });
    expect(inWorker!.ok && { ...(inWorker!.value as object), ms: 0 }).toEqual({ ...here, ms: 0 });
    expect(tsTask!.ok).toBe(true);
  });

  it('isolates a .ts plugin in a child started from the compiled entry', async () => {
    const { runIsolated } = (await import(url('dist/src/pool/isolate.js'))) as typeof import('../src/pool/isolate.js');
    const args = { spec: './exit.ts', cwd: resolve('test/fixtures/plugins-faulty') };
    await expect(runIsolated({ key: 'exit', module: url('test/fixtures/pool/lossTask.ts'), export: 'evaluateLoss', args }, { subject: 'loss plugin ./exit.ts', timeoutMs: 15_000, memoryMb: 256 })).rejects.toThrow(
      /^loss plugin \.\/exit\.ts: isolated process of task exit exited with code 0/,
    );
  });

  // From the sources with dist/ up to date (npm test builds first), workers start from the compiled
  // entry and load the compiled twins of covcheck's .ts modules (src/pool/moduleUrl.ts): no tsx.
  it('maps a source module URL to its compiled twin in compiled code, and leaves fixtures and dist URLs alone', async () => {
    const { moduleUrl } = (await import(url('dist/src/pool/moduleUrl.js'))) as typeof import('../src/pool/moduleUrl.js');
    const { entryIsCompiled: runsCompiled } = (await import(url('dist/src/pool/entry.js'))) as typeof import('../src/pool/entry.js');
    expect(runsCompiled()).toBe(true);
    expect(moduleUrl(url('properties/registry.ts'))).toBe(url('dist/properties/registry.js'));
    expect(moduleUrl(url('properties/registry.js'))).toBe(url('dist/properties/registry.js')); // the sources' own spelling
    expect(moduleUrl(url('src/pool/checkTask.ts'))).toBe(url('dist/src/pool/checkTask.js'));
    expect(moduleUrl(url('test/fixtures/pool/tasks.ts'))).toBe(url('test/fixtures/pool/tasks.ts'));
    expect(moduleUrl(url('src/no/such/module.ts'))).toBe(url('src/no/such/module.ts'));
    expect(moduleUrl(url('dist/properties/registry.js'))).toBe(url('dist/properties/registry.js'));
    const { moduleUrl: fromSource } = await import('../src/pool/moduleUrl.js');
    expect(fromSource(url('properties/registry.ts'))).toBe(url('properties/registry.ts')); // the sources' own thread has tsx
    // npm test builds first, so dist/ is fresh there; a bare `vitest` after an edit gets the tsx entry.
    const { threadEntryUrl, childEntry } = await import('../src/pool/entry.js');
    const { distIsFresh } = createRequire(import.meta.url)('../bin/dist-freshness.cjs') as { distIsFresh: (root: string) => boolean };
    if (distIsFresh(resolve('.'))) {
      expect(threadEntryUrl()).toBe(url('dist/src/pool/threadEntry.js'));
      expect(childEntry()).toEqual({ url: url('dist/src/pool/childEntry.js'), argv: [] });
    } else {
      expect(threadEntryUrl()).toBe(url('src/pool/sourceEntry.mjs'));
    }
  });
});
