/**
 * The `large` scale of C11 and C12 (docs/gpu.md): the claims' statistical designs at the size of
 * `--preset large` (depth 10, 1 024 leaves, hid 32, batch 1 024, one epoch of ≈ 1 M triples per run),
 * trained by the WebGPU engine. Offered only when a WebGPU adapter is present (a GPU; lavapipe
 * works but takes hours): on CPU the f32 engine would need about two core-hours per run.
 *
 * Not in the registry (every scale of the registry must run everywhere). Hook: `largeScaleChecks()`
 * gives C11's and C12's checks with these configs under both scale names; a `--scale large` of
 * verify runs them in place of the registry's C11/C12 checks with scale 'full' (see docs/gpu.md).
 * scripts/gpu/checks.ts runs them on a GPU machine.
 */
import type { CustomCheck } from '../../src/runner/check.js';
import { probeWebGpu } from '../../src/engines/webgpu/device.js';
import { loadEngineTrainFn } from '../../src/sweep/engineTrain.js';
import { RunCache } from '../../src/sweep/runCache.js';
import type { CacheSource } from '../../src/sweep/provider.js';
import { C11_CI, makeC11Checks, type C11Config } from './C11.js';
import { C12_CI, makeC12Checks, type C12Config } from './C12.js';

/** One epoch of the large preset: ⌈1 000 000 / 1 024⌉ steps. */
export const LARGE_STEPS = Math.ceil(1_000_000 / 1024);

/** C11 at large scale: CI's design (losses, looks, margins, planning values) on the large network. */
export const C11_LARGE: C11Config = {
  ...C11_CI,
  base: { ...C11_CI.base, depth: 10, hid: 32, batch: 1024, steps: LARGE_STEPS },
};

/** C12 at large scale: hid compared at 8 and 32; the trained hid effect still needs full scale's design. */
export const C12_LARGE: C12Config = { ...C12_CI, base: C11_LARGE.base, hids: [8, 32] };

let shared: Promise<RunCache | { readonly unavailable: string }> | null = null;

/** Training runs on the WebGPU engine, shared by the large checks of the process. */
export const webgpuCache: CacheSource = () => {
  shared ??= loadEngineTrainFn({ engine: 'webgpu' }).then((r) => ('train' in r ? new RunCache(r.train) : { unavailable: r.unavailable }));
  return shared;
};

/** Whether the large scale is offered here: the adapter's name, or why not. */
export function largeScaleOffer(): { readonly offered: true; readonly adapter: string } | { readonly offered: false; readonly reason: string } {
  const a = probeWebGpu();
  return typeof a === 'string' ? { offered: false, reason: a } : { offered: true, adapter: a.description || a.device };
}

/** C11's and C12's checks at large scale on the WebGPU engine ([] when no adapter is present). */
export function largeScaleChecks(): CustomCheck[] {
  if (!largeScaleOffer().offered) return [];
  return [...makeC11Checks(webgpuCache, { ci: C11_LARGE, full: C11_LARGE }), ...makeC12Checks(webgpuCache, { ci: C12_LARGE, full: C12_LARGE })];
}
