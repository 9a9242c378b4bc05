/**
 * `verify --scale large` (properties/claims/largeScale.ts, docs/gpu.md): C11 and C12 at the size of
 * `--preset large`, offered where a WebGPU adapter is found, `skipped` with the reason elsewhere.
 *
 * - Without an adapter (forced in a child process: COVCHECK_WEBGPU_MODULE names no file), every
 *   large check is `skipped` and says why; `--engine webgpu` named explicitly is exit 2 with the
 *   install instructions. Runs everywhere.
 * - The wiring on a tiny stand-in of the large configurations (depth 3, hid 6, a few steps: the
 *   real sizes take an hour per seed on CPU): on the f32 engine everywhere, on the WebGPU engine
 *   where an adapter is found (lavapipe: scripts/gpu/setup-lavapipe.sh), else SKIPPED with the reason.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRegistry } from '../properties/cli.js';
import { largeScaleChecks } from '../properties/claims/largeScale.js';
import { C11_CI, type C11Config } from '../properties/claims/C11.js';
import { C12_CI } from '../properties/claims/C12.js';
import { adapterName, probeWebGpu } from '../src/engines/webgpu/device.js';
import type { EngineName } from '../src/engines/engine.js';
import { runCli } from './support/runCli.js';

const root = resolve(import.meta.dirname, '..');
const gpu = probeWebGpu();
const missing = typeof gpu === 'string' ? gpu : null;

/** The large configurations shrunk to seconds: the same design, a depth-3 tree, 12 steps of 16. */
const TINY: C11Config = { ...C11_CI, base: { ...C11_CI.base, depth: 3, hid: 6, batch: 16, steps: 12, evalSamples: 400 } };
const TINY_C12 = { ...C12_CI, base: TINY.base, hids: [3, 6] };

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(root, 'bin/covcheck.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true', ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const NO_DAWN = { COVCHECK_WEBGPU_MODULE: '/nonexistent/webgpu/index.js' };

describe('verify --scale large without a WebGPU adapter', () => {
  it('every large check (C11 and C12 parts) is skipped, with the reason, and the run passes', () => {
    const r = cli(['verify', '--scale', 'large', '--json', '--no-report', '--no-progress'], NO_DAWN);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { scale: string; checks: { check: string; claim: string; verdict: string; message: string }[] };
    expect(report.scale).toBe('large');
    expect(new Set(report.checks.map((c) => c.claim))).toEqual(new Set(['C11', 'C12']));
    expect(report.checks.length).toBeGreaterThanOrEqual(9);
    for (const c of report.checks) {
      expect(c.verdict).toBe('skipped');
      expect(c.message).toMatch(/large scale needs a WebGPU adapter.*not installed.*setup-lavapipe\.sh/);
    }
  });

  it('--engine webgpu named explicitly: exit 2 naming --engine, with the install instructions, nothing on stdout', () => {
    const r = cli(['verify', '--scale', 'large', '--engine', 'webgpu', '--no-report'], NO_DAWN);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--engine: .*webgpu.*not installed.*setup-lavapipe\.sh/);
    expect(r.out).toBe('');
  });
});

describe('verify --scale large: bad flags', () => {
  it.each([
    [['--engine', 'webgpu'], '--engine'],
    [['--scale', 'large', '--engine', 'cuda'], '--engine'],
    [['--scale', 'large', '--shard', '1/2'], '--shard'],
    [['--scale', 'huge'], '--scale'],
  ])('verify %j: exit 2 naming %s', async (args, flag) => {
    const r = await runCli(['verify', ...args, '--no-report', '--no-progress']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(flag);
    expect(r.out).toBe('');
  }, 300_000); // --scale huge loads the claim registry first (slow on a loaded machine)
});

/** verify --scale large through the real CLI, the registry's large checks shrunk to TINY. */
async function tinyLarge(engine: EngineName) {
  const registry = async () => {
    const real = await loadRegistry();
    return { ...real, largeChecks: async (e: EngineName | null) => largeScaleChecks({ engine: e, c11: TINY, c12: TINY_C12 }) };
  };
  const r = await runCli(['verify', '--scale', 'large', '--engine', engine, '--check', 'a-gain-positive', '--runs', '2', '--json', '--no-report', '--no-progress'], { registry, claims: undefined, checks: undefined });
  const report = JSON.parse(r.out) as { scale: string; checks: { check: string; verdict: string; variant: string; message: string; statistic?: Record<string, unknown> }[] };
  return { code: r.code, report };
}

describe('verify --scale large on a tiny stand-in of the large sizes', () => {
  it('f32 engine (any machine): C11 (a) trains and decides at the large scale', async () => {
    const { code, report } = await tinyLarge('f32');
    expect(report.scale).toBe('large');
    expect(report.checks.map((c) => c.check)).toEqual(['C11/statistical/a-gain-positive']);
    const c = report.checks[0]!;
    expect(c.verdict).not.toBe('skipped');
    expect(c.verdict).not.toBe('fail'); // 2 seeds: pass or inconclusive, never an error
    expect(c.variant).toMatch(/depth 3/);
    expect(code).toBe(0);
  });

  const on = missing === null ? ` on ${adapterName(gpu as Exclude<typeof gpu, string>)}` : ` — SKIPPED, no WebGPU adapter: ${missing.slice(0, 160)}`;
  it.skipIf(missing !== null)(`webgpu engine${on}: the same design trains on the adapter and reaches f32's verdict`, async () => {
    const f32 = await tinyLarge('f32');
    const webgpu = await tinyLarge('webgpu');
    expect(webgpu.code).toBe(0);
    const c = webgpu.report.checks[0]!;
    expect(c.verdict).not.toBe('skipped');
    expect(c.verdict).toBe(f32.report.checks[0]!.verdict);
  });
});
