/**
 * The GPU machine's run (scripts/gpu/main.ts, docs/gpu.md) with `--quick` from the sources, where Dawn
 * finds an adapter (lavapipe: scripts/gpu/setup-lavapipe.sh), else SKIPPED with the reason: every
 * phase answers (adapter, accuracy within its derived tolerance, throughput with the large preset's
 * batch stream on the main thread and on the sampler threads), results.json says ok, exit 0.
 * The packed path (scripts/gpu/pack.sh, run.sh in an empty folder without Node) is tested by hand as
 * docs/gpu.md describes (it downloads Node and takes a minute).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adapterName, probeWebGpu } from '../src/engines/webgpu/device.js';

const root = resolve(import.meta.dirname, '..');
const gpu = probeWebGpu();
const missing = typeof gpu === 'string' ? gpu : null;
const on = missing === null ? ` on ${adapterName(gpu as Exclude<typeof gpu, string>)}` : ` — SKIPPED, no WebGPU adapter: ${missing.slice(0, 160)}`;

describe('scripts/gpu/main.ts --quick', () => {
  it.skipIf(missing !== null)(`every phase answers and results.json says ok${on}`, () => {
    const out = mkdtempSync(join(tmpdir(), 'covcheck-gpu-run-'));
    try {
      const r = spawnSync(process.execPath, [join(root, 'bin/run-ts.js'), 'scripts/gpu/main.ts', '--quick', '--out', out, '--sampler-threads', '2'], { cwd: root, encoding: 'utf8' });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      const res = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { ok: boolean; samplerThreads: number; phases: Record<string, { result?: { samplerStream?: Record<string, number> }; error?: string }> };
      expect(res.ok).toBe(true);
      expect(res.samplerThreads).toBe(2);
      for (const [name, p] of Object.entries(res.phases)) expect(p.error, name).toBeUndefined();
      const s = res.phases['throughput official']!.result!.samplerStream!;
      for (const k of ['mainThreadOnly', 'perCpuSecond', 'threads2', 'epochSecondsAtPerCoreRate']) expect(s[k], k).toBeGreaterThan(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);

  it('a bad --sampler-threads is exit 2 with the usage', () => {
    const r = spawnSync(process.execPath, [join(root, 'bin/run-ts.js'), 'scripts/gpu/main.ts', '--quick', '--sampler-threads', '-1', '--out', join(tmpdir(), 'covcheck-never')], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/usage: .*--sampler-threads/);
  }, 60_000);
});
