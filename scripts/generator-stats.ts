/**
 * Generator statistics (issue 12): samples the shared generators and the float checks' own
 * arbitraries at CI scale and prints what they reach. Run: node bin/run-ts.js scripts/generator-stats.ts [seed]
 * (the same numbers are asserted by test/generators.test.ts).
 */
import * as fc from 'fast-check';
import { arbValue, arbNetwork } from '../properties/generators/network.js';
import { arbPolarity, arbRootPrior } from '../properties/generators/tree.js';
import { CHECKS } from '../properties/registry.js';
import type { PropertyCheck } from '../src/runner/check.js';
import { deriveSeed } from '../src/numeric/random.js';
import type { Model } from '../properties/generators/model.js';
import { sigmoidArgument, type EngineCase } from '../properties/claims/C2/engines/cases.js';
import { expectedGradientNonzero } from '../test/support/expectedGradient.js';
import { nonHomogeneousActs, nonHomogeneousBlocks } from '../test/support/activationSplit.js';
import type { EulerCase } from '../properties/claims/C1/generators.js';

// The seed is the last argument (bin/run-ts.js passes the script's path as argv[2]: reading argv[2]
// gave Number('scripts/generator-stats.ts') = NaN, so every number printed before was at seed NaN).
const last = process.argv.at(-1) ?? '';
const seed = /^-?\d+$/.test(last) ? Number(last) : 42;
console.log(`seed ${seed}`);
const SIGMA_SATURATES = 17.3; // float32 σ(u) rounds to 1: e^{−u} < 2^{−25}
const pct = (k: number, n: number) => `${((100 * k) / n).toFixed(1)}%`;

const w = fc.sample(arbValue('float'), { seed, numRuns: 10000 });
const nz = w.filter((x) => x !== 0);
const decades = new Map<number, number>();
for (const x of nz) decades.set(Math.floor(Math.log10(Math.abs(x))), (decades.get(Math.floor(Math.log10(Math.abs(x)))) ?? 0) + 1);
console.log(`float weights: ${pct(nz.length, w.length)} nonzero; decades of |w| (nonzero): ${[...decades].sort((a, b) => a[0] - b[0]).map(([d, k]) => `1e${d}:${pct(k, nz.length)}`).join(' ')}`);
const nets = fc.sample(arbNetwork({ values: 'float' }), { seed, numRuns: 500 });
console.log(`float networks with all-zero weights: ${pct(nets.filter((n) => n.params.W.every((b) => b.every((x) => x === 0))).length, nets.length)}`);
const p0 = fc.sample(arbRootPrior('any'), { seed, numRuns: 5000 });
console.log(`root prior 'any': ${pct(p0.filter((p) => p > 0.01 && p < 0.99).length, p0.length)} in (0.01, 0.99), ${pct(p0.filter((p) => p < 1e-6 || p > 1 - 1e-6).length, p0.length)} within 1e-6 of an edge`);
const rho = fc.sample(arbPolarity({ kind: 'any' }), { seed, numRuns: 5000 });
console.log(`polarity 'any': ${pct(rho.filter((r) => Math.abs(r) > 0.01 && Math.abs(r) < 0.99).length, rho.length)} with 0.01 < |ρ| < 0.99`);

try {
  const { arbTau } = await import('../properties/generators/reals.js');
  const taus = fc.sample(arbTau(), { seed, numRuns: 5000 });
  const dec = [-2, -1, 0, 1].map((d) => pct(taus.filter((t) => t >= 10 ** d && t < 10 ** (d + 1)).length, taus.length));
  console.log(`τ (arbTau): decades [1e-2,1e-1) [1e-1,1) [1,10) [10,100]: ${dec.join(' ')}; within 1% of 1: ${pct(taus.filter((t) => Math.abs(t - 1) < 0.01).length, taus.length)}`);
} catch {
  const taus = fc.sample(fc.double({ min: -2, max: 2, noNaN: true }).map((e) => 10 ** e), { seed, numRuns: 5000 });
  console.log(`τ (old C6 logTau): within 1% of 1: ${pct(taus.filter((t) => Math.abs(t - 1) < 0.01).length, taus.length)}`);
}

// C3 float cases: how often E[∇L_simp] is nonzero (the theorem has something to say).
for (const id of ['C3/float64/op-form', 'C3/float64/cross-cov-form']) {
  const check = CHECKS.find((c) => c.id === id) as PropertyCheck<Model>;
  const cases = fc.sample(check.arbitrary('ci'), { seed: deriveSeed(seed, id), numRuns: check.runs.ci });
  console.log(`${id}: E[∇L_simp] nonzero in ${cases.filter(expectedGradientNonzero).length}/${cases.length}`);
}
// C2 float32 engine cases: how often σ of official InfoNCE is saturated in float32 (u ≥ 17.3).
for (const id of ['C2/float32/tfjs-autograd', 'C2/float32/tfjs-level-autograd', 'C2/float32/f32-kernels']) {
  const check = CHECKS.find((c) => c.id === id) as PropertyCheck<EngineCase>;
  const cases = fc.sample(check.arbitrary('ci'), { seed: deriveSeed(seed, id), numRuns: check.runs.ci });
  console.log(`${id}: σ saturated in float32 (u = (n − p)/τ ≥ 17.3) in ${cases.filter((c) => (sigmoidArgument(c) ?? 0) >= SIGMA_SATURATES).length}/${cases.length}`);
}

// Every float property check's own arbitrary at CI scale: how often its error is exactly 0.
const skip = /tfjs|wasm|float32/;
for (const c of CHECKS) {
  if (c.type !== 'property' || (c.arithmetic !== 'float64' && c.arithmetic !== 'float32') || skip.test(c.id)) continue;
  const check = c as PropertyCheck<unknown>;
  const cases = fc.sample(check.arbitrary('ci'), { seed: deriveSeed(seed, c.id), numRuns: check.runs.ci });
  let zero = 0;
  let thrown = 0;
  for (const v of cases) {
    try {
      if (check.measure(v).error === 0) zero++;
    } catch {
      thrown++;
    }
  }
  console.log(`${c.id}: error exactly 0 in ${zero}/${cases.length}${thrown ? `, threw ${thrown}` : ''}`);
}

// C1 with per-block activations: tanh strictly below the cut (holds) or at and above it (fails).
for (const id of ['C1/float64/tanh-below-cut', 'C1/float64/tanh-at-or-above-cut']) {
  const check = CHECKS.find((c) => c.id === id) as PropertyCheck<EulerCase>;
  const cases = fc.sample(check.arbitrary('ci'), { seed: deriveSeed(seed, id), numRuns: check.runs.ci });
  const ms = cases.map((v) => check.measure(v));
  const placed = cases.filter((v) => (id.endsWith('below-cut') ? nonHomogeneousBlocks(v).atOrAbove.length === 0 && nonHomogeneousBlocks(v).below.length > 0 : nonHomogeneousBlocks(v).below.length === 0)).length;
  console.log(
    `${id}: error nonzero in ${ms.filter((m) => m.error !== 0).length}/${cases.length}, tanh where the variant says in ${placed}/${cases.length}, ` +
      `a tanh unit with g ≠ 0 in ${cases.filter(nonHomogeneousActs).length}/${cases.length}, identity violated in ${ms.filter((m) => !m.ok).length}/${cases.length}`,
  );
}
