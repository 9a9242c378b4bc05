/**
 * The `large` scale of C11 and C12 (`verify --scale large`, docs/gpu.md): the claims' statistical
 * designs at the size of `--preset large` (depth 10, 1 024 leaves, hid 32, batch 1 024, one epoch
 * of ≈ 1 M triples per run), trained by the WebGPU engine. Offered where a WebGPU adapter is found
 * (a GPU; lavapipe works but takes hours); elsewhere every large check answers `skipped` with the
 * reason, never pass: on CPU the f32 engine would need about two core-hours per run.
 *
 * Not in the registry's `checks` (every scale of those must run everywhere): the registry hands
 * them out through `largeChecks` (properties/registry.ts), which verify calls for `--scale large`;
 * they replace the registry's C11/C12 checks and run with their `full` configuration (`checkScale`).
 */
import type { CheckResult, CustomCheck, RunOptions } from '../../src/runner/check.js';
import type { EngineName } from '../../src/engines/engine.js';
import { probeWebGpu } from '../../src/engines/webgpu/device.js';
import { loadEngineTrainFn } from '../../src/sweep/engineTrain.js';
import { RunCache } from '../../src/sweep/runCache.js';
import type { CacheSource } from '../../src/sweep/provider.js';
import { C11_CI, makeC11Checks, type C11Config } from './C11.js';
import { C12_CI, makeC12Checks, type C12Config } from './C12.js';
import { PRESETS } from '../../src/train/presets.js';

/** One epoch of the large preset: ⌈1 000 000 / 1 024⌉ steps. */
export const LARGE_STEPS = Math.ceil(1_000_000 / 1024);

const LARGE = PRESETS.large!;

/**
 * C11 at large scale: CI's design (looks, margins, planning values) on the large network, one epoch
 * of `--preset large` (its initialisation, sampler, τ and learning rate: presets.ts, docs/gpu.md).
 */
export const C11_LARGE: C11Config = {
  ...C11_CI,
  base: { ...C11_CI.base, preset: 'large', depth: LARGE.depth, hid: LARGE.hid, batch: LARGE.batch, steps: LARGE_STEPS, tau: LARGE.tau, lr: LARGE.lr, deltaLower: LARGE.deltaLower },
  losses: [{ label: `official_nce τ${LARGE.tau}`, loss: 'official_nce', tau: LARGE.tau, H: 1 }],
};

/** C12 at large scale: hid compared at 8 and 32; the trained hid effect still needs full scale's design. */
export const C12_LARGE: C12Config = { ...C12_CI, base: C11_LARGE.base, hids: [8, 32] };

/** What the large checks train and where (tests pass a tiny stand-in of the configurations). */
export interface LargeScaleOptions {
  /** The training engine (null or absent: webgpu). */
  readonly engine?: EngineName | null;
  readonly c11?: C11Config;
  readonly c12?: C12Config;
}

const caches = new Map<EngineName, Promise<RunCache | { readonly unavailable: string }>>();

/** Training runs on an engine, shared by the large checks of the process. */
export function largeScaleCache(engine: EngineName): CacheSource {
  return () => {
    let c = caches.get(engine);
    if (!c) caches.set(engine, (c = loadEngineTrainFn({ engine }).then((r) => ('train' in r ? new RunCache(r.train) : { unavailable: r.unavailable }))));
    return c;
  };
}

/** Whether the large scale is offered on an engine: the adapter's name, or why not (f32 and tfjs: always). */
export function largeScaleOffer(engine: EngineName = 'webgpu'): { readonly offered: true; readonly adapter: string } | { readonly offered: false; readonly reason: string } {
  if (engine !== 'webgpu') return { offered: true, adapter: `${engine} (CPU)` };
  const a = probeWebGpu();
  return typeof a === 'string' ? { offered: false, reason: a } : { offered: true, adapter: a.description || a.device };
}

/** A check that answers `skipped`, with the reason, where the engine has no adapter, and otherwise runs at `full`. */
function offeredOnly(check: CustomCheck, engine: EngineName): CustomCheck {
  const variant = `large: ${check.variant.replace(/^CI: /, '')}`;
  return {
    ...check,
    variant,
    async run(options: RunOptions): Promise<Omit<CheckResult, 'ms'>> {
      const offer = largeScaleOffer(engine);
      if (offer.offered) return check.run({ ...options, scale: 'full' });
      const message = `skipped: the large scale needs a WebGPU adapter (a GPU, or lavapipe: scripts/gpu/setup-lavapipe.sh); none here: ${offer.reason}`;
      return { check: check.id, claim: check.claim, verdict: 'skipped', expect: check.expect, arithmetic: check.arithmetic, variant, cases: 0, worst: { ratio: Number.NaN, error: Number.NaN, tolerance: Number.NaN }, seed: options.seed, statistic: { unavailable: offer.reason }, message };
    },
  };
}

/** C11's and C12's checks at large scale on `engine` (default webgpu); skipped with the reason where it has no adapter. */
export function largeScaleChecks(o: LargeScaleOptions = {}): CustomCheck[] {
  const engine = o.engine ?? 'webgpu';
  const c11 = o.c11 ?? C11_LARGE;
  const c12 = o.c12 ?? C12_LARGE;
  const source = largeScaleCache(engine);
  const checks = [...makeC11Checks(source, { ci: c11, full: c11 }), ...makeC12Checks(source, { ci: c12, full: c12 })];
  return checks.map((c) => offeredOnly(c, engine));
}
