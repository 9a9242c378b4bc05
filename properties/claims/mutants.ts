/**
 * Checks parameterised by a loss and a pipeline, and the mutation self-check.
 *
 * `lossChecks(family)` is what `covcheck compare`, `verify --loss FILE` and `hunt --loss FILE` run
 * for a loss: the loss-dependent claims C2 (batch gradient against finite differences of the loss
 * value, plain and with output normalisation), C6 (balance, weights, small τ, large-τ limits) and
 * C7 (θ = 0 with identity augmentation, the 1/τ trend).
 *
 * `catchMutants()` runs those checks, plus C3 by enumeration under the pipeline's tuple law, against
 * every mutant of src/mutants/catalogue.ts and reports which checks caught it; the registry holds
 * one custom check per mutant (`<claim>/mutant/<id>`, expect 'fail': caught = expected-fail).
 */
import * as fc from 'fast-check';
import { EXACT, F64 } from '../../src/numeric/arith.js';
import type { Check, CheckResult, ClaimId, CustomCheck, Measurement, PropertyCheck, RunOptions } from '../../src/runner/check.js';
import { runCheck } from '../../src/runner/run.js';
import { deriveSeed, Rng } from '../../src/numeric/random.js';
import type { Activation } from '../../src/network/activation.js';
import type { Params as NetParams } from '../../src/network/architecture.js';
import { initParams, toArith } from '../../src/network/init.js';
import { forward } from '../../src/network/forward.js';
import type { Batch } from '../../src/network/batchGradient.js';
import { parseLoss, simpleLoss } from '../../src/losses/index.js';
import { familyOf, type LossFamily, type Params } from '../../src/losses/plugin/index.js';
import { leafDistribution } from '../../src/hltm/exactDistribution.js';
import { conditionalMeans } from '../../src/theory/conditionalMeans.js';
import { operatorTimes } from '../../src/theory/covarianceOperator.js';
import { expectedLossGradient, pairwiseModel } from '../../src/theory/pairwiseOperator.js';
import { CORRECT, MUTANTS, type Mutant, type Pipeline } from '../../src/mutants/catalogue.js';
import { arbNetwork, describeNetwork, type GeneratedNetwork } from '../generators/network.js';
import { arbModel, describeModel, type Model } from '../generators/model.js';
import { balanceCheck, limitsCheckFor, pipelineLoss, smallTauCheck, weightsCheck, type LossUnderTest } from './C6.js';
import { identityCheck, tauTrendCheckFor } from './C7.js';

const idSuffix = (u: LossUnderTest) => `[${u.family.label}${u.pipeline && u.pipeline.id !== 'correct' ? ` | mutant ${u.pipeline.id}` : ''}]`;

// ---------------------------------------------------------------------------------------------
// C2: the batch gradient against central differences of the batch loss value.

interface FdCase {
  readonly net: GeneratedNetwork;
  readonly batch: Batch<number>;
  readonly direction: number[];
  readonly params: Params;
}

const SMOOTH: Activation[] = [{ kind: 'tanh' }, { kind: 'softplus' }];

/**
 * Smooth tree networks (tanh, softplus) with biases, generic weights and inputs: the architecture
 * comes from the network generator, the numbers from a seeded Gaussian draw (weights N(0, 1.5²/fan-in),
 * biases U(−½, ½), inputs U(0, 1)), so that outputs, distances and gradients are not degenerate.
 */
function arbFd(u: LossUnderTest, normalize: boolean): fc.Arbitrary<FdCase> {
  const lo = Math.max(1, u.family.negatives[0]);
  const hi = Math.max(lo, Math.min(3, u.family.negatives[1]));
  return fc
    .record({
      net: arbNetwork({ kind: 'tree', tree: { maxDepth: 2, maxChildren: 2, maxLeaves: 4 }, maxHid: 2, maxOut: 2, activation: SMOOTH, normalize, eps: 0.25, bias: true }),
      H: fc.integer({ min: lo, max: hi }),
      B: fc.integer({ min: 1, max: 2 }),
      seed: fc.integer(),
      params: u.params ?? fc.constant(u.family.params),
    })
    .map(({ net, H, B, seed, params }) => {
      const rng = new Rng(seed);
      const { spec } = net;
      const p = initParams(spec, rng, { scheme: 'gaussian', scale: 1.5 });
      const b = spec.arch.blocks.map((blk) => Array.from({ length: blk.out }, () => rng.range(-0.5, 0.5)));
      const input = () => Array.from({ length: spec.arch.nInputs }, () => rng.range(0, 1));
      const batch: Batch<number> = {
        x: Array.from({ length: B }, input),
        pos: Array.from({ length: B }, input),
        neg: Array.from({ length: B }, () => Array.from({ length: H }, input)),
      };
      const n = spec.arch.blocks.reduce((s, blk) => s + blk.out * blk.in, 0);
      const direction = Array.from({ length: n }, () => rng.range(-1, 1));
      return { net: { ...net, params: { W: p.W, b } }, batch, direction, params };
    });
}

function measureFd(u: LossUnderTest, c: FdCase): Measurement {
  const loss = pipelineLoss(u, c.params);
  if (!loss) return { ok: true, error: 0, tolerance: 0, note: 'the pipeline has no version of this loss' };
  const engine = (u.pipeline ?? CORRECT).engine;
  const { spec, params } = c.net;
  const r = engine(F64, spec, params, c.batch, loss);
  const g = r.grads.W.flat();
  let gv = 0;
  let scale = 0;
  g.forEach((x, i) => {
    gv += x * c.direction[i]!;
    scale += Math.abs(x * c.direction[i]!);
  });
  const at = (t: number): number => {
    let k = 0;
    const W = params.W.map((w) => w.map((v) => v + t * c.direction[k++]!));
    const p: NetParams<number> = { W, b: params.b };
    return engine(F64, spec, p, c.batch, loss).value;
  };
  const h = 2 ** -8;
  if (spec.normalize && nearNormKink(c, h)) {
    return { ok: true, error: 0, tolerance: 0, note: 'an output is within 1/64 of 0 on the difference stencil, where ‖f‖ is not differentiable: skipped' };
  }
  const D = (s: number) => (at(s) - at(-s)) / (2 * s);
  const d1 = D(h);
  const d2 = D(h / 2);
  const d4 = D(h / 4);
  if (Math.abs(d1 - d2) > 1e-2 * (1 + Math.abs(d2)) || Math.abs(d2 - d4) > 1e-2 * (1 + Math.abs(d4))) {
    return { ok: true, error: 0, tolerance: 0, note: 'the loss is not smooth along this direction here (a max or a hinge): skipped' };
  }
  const fd = richardson(d1, d2, d4, r.value);
  const err = Math.abs(fd.estimate - gv);
  const tol = fd.truncation + fd.rounding + 1e-8 * scale;
  return {
    ok: err <= tol,
    error: err,
    tolerance: tol,
    derivation: `central differences along a random direction v with Richardson extrapolation, h = 2^-8, 2^-9, 2^-10: ${fd.derivation} + 1e-8·Σ|g_i v_i|`,
    note: `⟨∇L, v⟩ = ${gv} from the gradient, ${fd.estimate} from differences of L`,
  };
}

/** Whether some sample's raw output comes within 1/64 of 0 at w + t·v, |t| ≤ h (the norm's kink). */
function nearNormKink(c: FdCase, h: number): boolean {
  const { spec, params } = c.net;
  const xs = [...c.batch.x, ...c.batch.pos, ...c.batch.neg.flat()];
  for (const t of [-h, -h / 2, 0, h / 2, h]) {
    let k = 0;
    const p: NetParams<number> = { W: params.W.map((w) => w.map((v) => v + t * c.direction[k++]!)), b: params.b };
    for (const x of xs) {
      const raw = forward(F64, spec, p, x).raw;
      if (Math.hypot(...raw) < 1 / 64) return true;
    }
  }
  return false;
}

/**
 * Richardson extrapolation of central differences D(h), D(h/2), D(h/4) (error c₂h² + c₄h⁴ + …):
 * R₁ = (4D(h/2) − D(h))/3, R₂ = (4D(h/4) − D(h/2))/3 are O(h⁴); the estimate is R₂ and its
 * truncation error is bounded by |R₁ − R₂| (R₂'s error is ≈ |R₁ − R₂|/16; a factor 4 of margin
 * covers the next order). Rounding: each value L carries ≈ 64·ε·(1+|L|), divided by the step h/4.
 */
export function richardson(d1: number, d2: number, d4: number, L: number, h = 2 ** -8): { estimate: number; truncation: number; rounding: number; derivation: string } {
  const r1 = (4 * d2 - d1) / 3;
  const r2 = (4 * d4 - d2) / 3;
  const truncation = Math.abs(r1 - r2) / 4;
  const rounding = (2 * 64 * Number.EPSILON * (1 + Math.abs(L))) / (h / 4);
  return {
    estimate: r2,
    truncation,
    rounding,
    derivation: `tol = |R₁ − R₂|/4 (truncation) + 128·ε·(1+|L|)/(h/4) (rounding)`,
  };
}

/** C2: the engine's gradient is the derivative of its loss value (tanh/softplus tree nets, bias). */
export function fdCheck(u: LossUnderTest, o: { normalize: boolean; id?: string; runs?: number }): PropertyCheck<FdCase> {
  const tag = o.normalize ? 'finite-differences-normalized' : 'finite-differences';
  return {
    type: 'property',
    id: o.id ?? `C2/float64/${tag}${idSuffix(u)}`,
    claim: 'C2',
    title: 'Chain rule through distances: gradients are connection differences',
    variant: `${u.family.label}: batch gradient = derivative of the batch loss${o.normalize ? ', output normalisation (ε = 1/4)' : ''}`,
    expect: 'hold',
    arithmetic: 'float64',
    runs: { ci: o.runs ?? 25, full: (o.runs ?? 25) * 10 },
    arbitrary: () => arbFd(u, o.normalize),
    measure: (c) => measureFd(u, c),
    describe: (c) => ({ network: describeNetwork(c.net), batch: c.batch, direction: c.direction, params: c.params }),
  };
}

// ---------------------------------------------------------------------------------------------
// C3 under a pipeline: E[∇L_simp] by joint enumeration (the pipeline's tuple law and loss) = −2·OP·w.

interface C3Case {
  readonly model: Model;
}

const HOMOGENEOUS: Activation[] = [{ kind: 'relu' }, { kind: 'leaky_relu', slope: 0.25 }, { kind: 'linear' }];
const C3_H = 2;

function measureC3(p: Pipeline, c: C3Case): Measurement {
  const A = EXACT;
  const loss = p.wrapLoss(simpleLoss);
  if (!loss) return { ok: true, error: 0, tolerance: 0, note: 'the pipeline has no version of L_simp' };
  const { spec } = c.model.net;
  const params = toArith(A, c.model.net.params);
  const dist = leafDistribution(A, c.model.tree, c.model.aug);
  const cm = conditionalMeans(A, spec, params, dist);
  for (const layer of spec.arch.layers) {
    const M = pairwiseModel(A, spec, params, dist, layer.blocks);
    const e = expectedLossGradient(M, loss, C3_H, p.law);
    const op = operatorTimes(A, spec, cm, layer.blocks, params.W);
    const want = layer.blocks.flatMap((nu) => op.get(nu)!.map((v) => A.mul(A.from(-2), v)));
    const bad = e.grad.findIndex((v, r) => !A.eq(v, want[r]!));
    if (bad >= 0) {
      return {
        ok: false,
        error: Math.abs(A.toNumber(A.sub(e.grad[bad]!, want[bad]!))),
        tolerance: 0,
        derivation: 'rational arithmetic: exact equality',
        note: `layer ${layer.name}: E[∇L_simp][${bad}] = ${A.toNumber(e.grad[bad]!)} by enumeration of the tuple law, −2·OP·w gives ${A.toNumber(want[bad]!)}`,
      };
    }
  }
  return { ok: true, error: 0, tolerance: 0, derivation: 'rational arithmetic: exact equality' };
}

/** C3 by joint enumeration of tuples (H = 2) under a pipeline's law and its version of L_simp. */
export function c3PipelineCheck(p: Pipeline, o: { runs?: number } = {}): PropertyCheck<C3Case> {
  return {
    type: 'property',
    id: `C3/rational/tuple-enumeration${p.id === 'correct' ? '' : `[mutant ${p.id}]`}`,
    claim: 'C3',
    title: 'The covariance-operator theorem',
    variant: `E[∇L_simp] over the joint law of (x, x_+, x_1−, x_2−) = −2·OP·w${p.id === 'correct' ? '' : ` (pipeline: ${p.id})`}`,
    expect: 'hold',
    arithmetic: 'rational',
    runs: { ci: o.runs ?? 15, full: (o.runs ?? 15) * 10 },
    arbitrary: () =>
      fc.record({
        model: arbModel({ kind: 'tree', activation: HOMOGENEOUS, maxHid: 2, maxOut: 2, tree: { maxLeaves: 3, maxDepth: 2, maxChildren: 2 }, augmentation: { bases: ['root', 'level'], maxLevel: 1, flips: [0, 0.25] } }),
      }),
    measure: (c) => measureC3(p, c),
    describe: (c) => describeModel(c.model),
  };
}

// ---------------------------------------------------------------------------------------------
// The loss-dependent checks of one loss.

/** The checks `compare` and `verify --loss` run for a loss (families of built-ins or plugins). */
export function lossChecks(family: LossFamily, pipeline: Pipeline = CORRECT, o: { runs?: number; trends?: boolean } = {}): Check[] {
  const u: LossUnderTest = { family, pipeline };
  const out: Check[] = [
    fdCheck(u, { normalize: false, ...(o.runs ? { runs: o.runs } : {}) }),
    fdCheck(u, { normalize: true, ...(o.runs ? { runs: o.runs } : {}) }),
    balanceCheck(u, o.runs ? { runs: o.runs } : {}),
    weightsCheck(u, o.runs ? { runs: o.runs } : {}),
  ];
  if (family.params.tau !== undefined) out.push(smallTauCheck(u, o.runs ? { runs: o.runs } : {}));
  if (family.perTuple) out.push(identityCheck(u, o.runs ? { runs: Math.max(5, Math.round(o.runs / 2)) } : {}));
  if (o.trends !== false) {
    const lim = limitsCheckFor(u);
    if (lim) out.push(lim);
    const trend = tauTrendCheckFor(u);
    if (trend) out.push(trend);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The mutation self-check.

/** The losses the mutants are tried on. */
export const MUTANT_LOSSES: readonly LossFamily[] = [
  familyOf(parseLoss({ name: 'nce', tau: 0.5 })),
  familyOf(parseLoss({ name: 'tri', tau: 0.5, r0: 0.5 })),
  familyOf(simpleLoss),
];

/** The checks a pipeline is tried with (cheap property checks; trends only when asked). */
export function pipelineChecks(p: Pipeline, o: { runs?: number; trends?: boolean } = {}): Check[] {
  const runs = o.runs ?? 25;
  return [c3PipelineCheck(p, { runs: Math.max(8, Math.round(runs / 2)) }), ...MUTANT_LOSSES.flatMap((f) => lossChecks(f, p, { runs, trends: o.trends ?? false }))];
}

export interface MutantOutcome {
  readonly mutant: string;
  readonly title: string;
  readonly caught: boolean;
  /** Check ids that failed (caught it), with their claim and message. */
  readonly caughtBy: readonly { readonly check: string; readonly claim: ClaimId; readonly message: string }[];
  readonly claims: readonly ClaimId[];
  readonly checksRun: number;
  readonly ms: number;
}

/** Runs every check of `pipelineChecks` against one pipeline; returns the failing ones. */
export async function runPipeline(p: Pipeline, o: { seed: number; runs?: number; trends?: boolean; stopAtFirst?: boolean }): Promise<{ failed: CheckResult[]; results: CheckResult[] }> {
  const results: CheckResult[] = [];
  const failed: CheckResult[] = [];
  for (const check of pipelineChecks(p, o)) {
    let r: CheckResult;
    try {
      r = await runCheck(check, { seed: deriveSeed(o.seed, check.id), scale: 'ci' });
    } catch (e) {
      r = { check: check.id, claim: check.claim, verdict: 'fail', expect: 'hold', arithmetic: check.arithmetic, variant: check.variant, cases: 0, worst: { ratio: NaN, error: NaN, tolerance: NaN }, seed: o.seed, message: `threw: ${String(e)}`, ms: 0 };
    }
    results.push(r);
    if (r.verdict === 'fail') {
      failed.push(r);
      if (o.stopAtFirst) break;
    }
  }
  return { failed, results };
}

/** For every mutant (default: all), the checks that caught it. Trend checks run only if nothing else did. */
export async function catchMutants(o: { seed?: number; runs?: number; mutants?: readonly Mutant[] } = {}): Promise<MutantOutcome[]> {
  const out: MutantOutcome[] = [];
  for (const m of o.mutants ?? MUTANTS) out.push(await catchOne(m, o.seed ?? 42, o.runs));
  return out;
}

async function catchOne(m: Mutant, seed: number, runs: number | undefined): Promise<MutantOutcome> {
  const t0 = performance.now();
  let { failed, results } = await runPipeline(m, { seed, ...(runs ? { runs } : {}), trends: false });
  let checksRun = results.length;
  if (failed.length === 0) {
    const trends = MUTANT_LOSSES.flatMap((f) => [limitsCheckFor({ family: f, pipeline: m }), tauTrendCheckFor({ family: f, pipeline: m })]).filter((c): c is CustomCheck => c !== null);
    for (const c of trends) {
      const r = await runCheck(c, { seed: deriveSeed(seed, c.id), scale: 'ci' });
      checksRun++;
      if (r.verdict === 'fail') failed = [...failed, r];
    }
  }
  const caughtBy = failed.map((r) => ({ check: r.check, claim: r.claim, message: r.message }));
  return {
    mutant: m.id,
    title: m.title,
    caught: caughtBy.length > 0,
    caughtBy,
    claims: [...new Set(caughtBy.map((c) => c.claim))].sort(),
    checksRun,
    ms: Math.round(performance.now() - t0),
  };
}

/** One registry check per mutant: expected-fail when some claim check catches it, fail otherwise. */
export function mutantCheck(m: Mutant): CustomCheck {
  const claim = m.expectedCatchers[0] ?? 'C2';
  return {
    type: 'custom',
    id: `${claim}/mutant/${m.id}`,
    claim,
    title: `Mutation self-check: ${m.title}`,
    variant: `mutant: ${m.description}`,
    expect: 'fail',
    arithmetic: 'float64',
    async run(options: RunOptions): Promise<Omit<CheckResult, 'ms'>> {
      const r = await catchOne(m, options.seed, options.numRuns);
      const names = r.caughtBy.map((c) => c.check);
      return {
        check: `${claim}/mutant/${m.id}`,
        claim,
        verdict: r.caught ? 'expected-fail' : 'fail',
        expect: 'fail',
        arithmetic: 'float64',
        variant: `mutant: ${m.description}`,
        cases: r.checksRun,
        worst: { ratio: Number.NaN, error: Number.NaN, tolerance: Number.NaN },
        seed: options.seed,
        statistic: { caughtBy: names.join(', ') || 'nothing', claims: r.claims.join(', ') || 'none', checksRun: r.checksRun },
        message: r.caught
          ? `caught by ${r.claims.join(', ')}: ${r.caughtBy.map((c) => `${c.check} (${c.message.length > 160 ? c.message.slice(0, 160) + '…' : c.message})`).join('; ')}`
          : `no claim check caught the mutant '${m.id}' (${r.checksRun} checks run): the suite cannot see this bug`,
      };
    },
  };
}

export const checks: readonly Check[] = MUTANTS.map(mutantCheck);

/** A Markdown table of mutant outcomes (mutant, caught by which claims and checks). */
export function mutantsMarkdown(outcomes: readonly MutantOutcome[]): string {
  const rows = outcomes.map((o) => `| ${o.mutant} | ${o.caught ? 'caught' : '**missed**'} | ${o.claims.join(', ') || '—'} | ${o.caughtBy.map((c) => c.check).join('<br>') || '—'} |`);
  return ['| Mutant | Outcome | Claims | Checks that failed |', '|---|---|---|---|', ...rows].join('\n') + '\n';
}
