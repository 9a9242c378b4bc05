/**
 * What `covcheck hunt` can hunt: one measured predicate per claim and variant, on cases in the case
 * format (so a counterexample is a case any implementation can evaluate). Each measures in float64
 * with the suite's derived tolerances and returns the worst violation over the case's parts (layers,
 * inputs, tuples); hunting maximises error/tolerance.
 *
 *   C1  f_L(x) = Σ_{ν∈cut} K_νᵀ w_ν for every cut and every input of the batch
 *   C2  the batch gradient (backward pass) = Σ_samples K_ν·∂L/∂f (connection form), and
 *       = the derivative of the batch loss along the gradient (finite differences; checks β)
 *   C3  −E[∇L_simp] = 2·OP·w by exact enumeration (mode "expect", root augmentation)
 *   C6  β_+ + Σ_k β_k = 0 on the case's distances
 */
import { F64 } from '../numeric/arith.js';
import { tolerance } from '../numeric/tolerance.js';
import type { ClaimId, Measurement } from '../runner/check.js';
import { fmt } from '../runner/run.js';
import type { ParsedCase } from '../case/parseCase.js';
import type { Loss } from '../losses/loss.js';
import { batchLoss, connectionGradient } from '../network/batchGradient.js';
import { connections, connectionTransposeTimes } from '../network/connection.js';
import { forward } from '../network/forward.js';
import { connectionBound, magnitude } from '../network/magnitude.js';
import type { Params } from '../network/architecture.js';
import { leafDistribution } from '../hltm/exactDistribution.js';
import { expectedSimpleGradientFrom } from '../theory/expectedGradient.js';
import type { CaseDomain } from './caseJson.js';

export interface HuntTarget {
  /** "C1/tanh". */
  readonly id: string;
  readonly claim: ClaimId;
  /** The variant's name as given to --variant. */
  readonly variant: string;
  readonly description: string;
  /** 'hold': a violation is a failure; 'fail': an excluded variant (a violation is expected). */
  readonly expect: 'hold' | 'fail';
  /** Whether --loss changes what is measured. */
  readonly usesLoss: boolean;
  /** The cases drawn. */
  domain(scale: 'ci' | 'full'): CaseDomain;
  /** The worst violation on a parsed case (loss: the case's, or --loss). */
  measure(c: ParsedCase, loss: Loss): Measurement;
}

const OK: Measurement = { ok: true, error: 0, tolerance: 0 };

/** Keeps the measurement with the larger error/tolerance. */
function worse(a: Measurement, b: Measurement): Measurement {
  return ratioOf(b) > ratioOf(a) ? b : a;
}

export function ratioOf(m: Measurement): number {
  if (Number.isNaN(m.error)) return Number.POSITIVE_INFINITY;
  if (m.tolerance > 0) return m.error / m.tolerance;
  return m.error > 0 ? Number.POSITIVE_INFINITY : 0;
}

function maxAbs(a: readonly number[], b: readonly number[]): number {
  let e = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    e = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(e, d);
  }
  return e;
}

const inputsOf = (c: ParsedCase) => [...c.batch.x, ...c.batch.pos, ...c.batch.neg.flat()];

// ---- C1 ----

function measureC1(c: ParsedCase): Measurement {
  const { spec, params } = c;
  let worst = OK;
  for (const layer of spec.arch.layers) {
    for (const x of inputsOf(c)) {
      const trace = forward(F64, spec, params, x);
      const rhs = new Array<number>(spec.arch.nOut).fill(0);
      for (const K of connections(F64, spec, params, trace, layer.blocks)) {
        connectionTransposeTimes(F64, K, params.W[K.block]!).forEach((v, k) => (rhs[k] = rhs[k]! + v));
      }
      const m = magnitude(spec, params, x);
      const t = tolerance('float64', 'identity', m.ops, spec.normalize ? Math.max(1, m.scale / spec.eps) : m.scale);
      const err = maxAbs(trace.out, rhs);
      worst = worse(worst, {
        ok: err <= t.tol,
        error: err,
        tolerance: t.tol,
        derivation: t.derivation,
        note: `layer ${layer.name}, x = [${x.join(', ')}]: f_L = [${trace.out.map(fmt).join(', ')}], Σ K_νᵀw_ν = [${rhs.map(fmt).join(', ')}]`,
      });
    }
  }
  return worst;
}

// ---- C2 ----

function measureC2Connection(c: ParsedCase, loss: Loss): Measurement {
  const { spec, params } = c;
  const r = batchLoss(F64, spec, params, c.batch, loss, c.reduction);
  const viaK = connectionGradient(F64, spec, params, r).flat();
  const back = r.grads.W.flat();
  const err = maxAbs(back, viaK);
  let scale = 0;
  let ops = 0;
  const add = (x: readonly number[], d: readonly number[], norm: number) => {
    scale += connectionBound(spec, params, x, norm) * d.reduce((s, v) => s + Math.abs(v), 0);
    ops = Math.max(ops, magnitude(spec, params, x).ops);
  };
  c.batch.x.forEach((x, b) => add(x, r.dOut.x[b]!, r.traces.x[b]!.norm ?? 0));
  c.batch.pos.forEach((x, b) => add(x, r.dOut.pos[b]!, r.traces.pos[b]!.norm ?? 0));
  c.batch.neg.forEach((row, b) => row.forEach((x, k) => add(x, r.dOut.neg[b]![k]!, r.traces.neg[b]![k]!.norm ?? 0)));
  const t = tolerance('float64', 'identity', 2 * ops, scale);
  return { ok: err <= t.tol, error: err, tolerance: t.tol, derivation: t.derivation, note: `backward pass against Σ K·∂L/∂f, largest difference ${fmt(err)}` };
}

function measureC2Derivative(c: ParsedCase, loss: Loss): Measurement {
  const { spec, params } = c;
  const r = batchLoss(F64, spec, params, c.batch, loss, c.reduction);
  const g = r.grads.W.flat();
  const norm = Math.hypot(...g);
  if (!(norm > 0)) return { ...OK, note: 'zero gradient' };
  const v = g.map((x) => x / norm);
  const at = (t: number) => {
    let k = 0;
    const p: Params<number> = { W: params.W.map((w) => w.map((x) => x + t * v[k++]!)), b: params.b };
    return batchLoss(F64, spec, p, c.batch, loss, c.reduction).value;
  };
  const h = 2 ** -10;
  const D = (s: number) => (at(s) - at(-s)) / (2 * s);
  const d1 = D(h);
  const d2 = D(h / 2);
  const d4 = D(h / 4);
  if (Math.abs(d1 - d2) > 1e-2 * (1 + Math.abs(d2)) || Math.abs(d2 - d4) > 1e-2 * (1 + Math.abs(d4))) return { ...OK, note: 'not smooth here (a gate or a max flips): skipped' };
  const r1 = (4 * d2 - d1) / 3;
  const r2 = (4 * d4 - d2) / 3;
  const err = Math.abs(r2 - norm);
  const tol = Math.abs(r1 - r2) / 4 + (128 * Number.EPSILON * (1 + Math.abs(r.value))) / (h / 4) + 1e-8 * norm;
  return {
    ok: err <= tol,
    error: err,
    tolerance: tol,
    derivation: 'central differences along ∇L/‖∇L‖ with Richardson extrapolation (h = 2^-10): tol = |R₁ − R₂|/4 + 128·ε·(1+|L|)/(h/4) + 1e-8·‖∇L‖',
    note: `‖∇L‖ = ${norm} from the backward pass, ${r2} from differences of L`,
  };
}

// ---- C3 ----

function measureC3(c: ParsedCase): Measurement {
  const dist = leafDistribution(F64, c.tree, { base: { kind: 'root' }, flip: 0 });
  const e = expectedSimpleGradientFrom(F64, c.spec, c.params, dist);
  const err = maxAbs(e.negExpectedGrad.flat(), e.covForm.flat());
  let scale = 0;
  let ops = 0;
  for (let k = 0; k < Math.min(dist.configs.length, 64); k++) {
    const x = Array.from(dist.configs[k]!, Number);
    const m = magnitude(c.spec, c.params, x);
    scale = Math.max(scale, 4 * connectionBound(c.spec, c.params, x) * m.scale);
    ops = Math.max(ops, m.ops);
  }
  const t = tolerance('float64', 'expectation', ops + dist.configs.length, scale);
  return { ok: err <= t.tol, error: err, tolerance: t.tol, derivation: t.derivation, note: `−E[∇L_simp] against 2·OP·w (root augmentation, ${e.nConfigs} configurations)` };
}

// ---- C6 ----

function measureC6(c: ParsedCase, loss: Loss): Measurement {
  const r = batchLoss(F64, c.spec, c.params, c.batch, loss, c.reduction);
  const groups = loss.perTuple ? r.betaPos.map((bp, b) => [bp, ...r.betaNeg[b]!]) : [[...r.betaPos, ...r.betaNeg.flat()]];
  let worst = OK;
  for (const g of groups) {
    const err = Math.abs(g.reduce((s, v) => s + v, 0));
    const t = tolerance('float64', 'identity', 4 * (g.length + 1), 1 + g.reduce((s, v) => s + Math.abs(v), 0));
    worst = worse(worst, { ok: err <= t.tol, error: Number.isNaN(err) ? Number.NaN : err, tolerance: t.tol, derivation: t.derivation, note: `β = [${g.map(fmt).join(', ')}]` });
  }
  return worst;
}

// ---- the table ----

const HOMOGENEOUS = ['relu', 'leaky_relu:0.25', 'linear'];
const SIMP = { name: 'simp' };

function domain(o: Partial<CaseDomain> & Pick<CaseDomain, 'activations'>, scale: 'ci' | 'full'): CaseDomain {
  const big = scale === 'full';
  return {
    bias: false,
    normalize: false,
    mode: 'grad',
    loss: SIMP,
    maxDepth: big ? 4 : 3,
    maxChildren: big ? 3 : 2,
    maxHid: big ? 4 : 3,
    maxOut: big ? 3 : 2,
    maxB: big ? 3 : 2,
    maxH: 2,
    maxLeaves: big ? 16 : 8,
    ...o,
  };
}

function c1(variant: string, description: string, expect: 'hold' | 'fail', d: Partial<CaseDomain> & Pick<CaseDomain, 'activations'>): HuntTarget {
  return { id: `C1/${variant}`, claim: 'C1', variant, description, expect, usesLoss: false, domain: (s) => domain(d, s), measure: (c) => measureC1(c) };
}

export const HUNT_TARGETS: readonly HuntTarget[] = [
  c1('homogeneous', 'bias-free relu / leaky relu / linear tree networks, every layer', 'hold', { activations: HOMOGENEOUS }),
  c1('tanh', 'tanh tree networks (non-homogeneous: excluded)', 'fail', { activations: ['tanh'] }),
  c1('softplus', 'softplus tree networks (excluded)', 'fail', { activations: ['softplus'] }),
  c1('bias', 'relu tree networks with biases (excluded)', 'fail', { activations: ['relu'], bias: true }),
  c1('normalize', 'relu tree networks with output normalisation (excluded)', 'fail', { activations: ['relu'], normalize: true }),
  {
    id: 'C2/connection-form',
    claim: 'C2',
    variant: 'connection-form',
    description: 'backward pass = Σ K·∂L/∂f, any activation, bias, normalisation, the loss of --loss (default simp)',
    expect: 'hold',
    usesLoss: true,
    domain: (s) => domain({ activations: ['relu', 'leaky_relu:0.25', 'tanh', 'softplus', 'gelu'], bias: true, normalize: true }, s),
    measure: measureC2Connection,
  },
  {
    id: 'C2/derivative',
    claim: 'C2',
    variant: 'derivative',
    description: 'the batch gradient is the derivative of the batch loss (finite differences along it; checks the loss weights β)',
    expect: 'hold',
    usesLoss: true,
    domain: (s) => domain({ activations: ['tanh', 'softplus'], bias: true }, s),
    measure: measureC2Derivative,
  },
  {
    id: 'C3/op-form',
    claim: 'C3',
    variant: 'op-form',
    description: '−E[∇L_simp] = 2·OP·w by enumeration (root augmentation), bias-free homogeneous tree networks',
    expect: 'hold',
    usesLoss: false,
    domain: (s) => domain({ activations: HOMOGENEOUS, mode: 'expect' }, s),
    measure: (c) => measureC3(c),
  },
  {
    id: 'C3/tanh',
    claim: 'C3',
    variant: 'tanh',
    description: 'the OP form with tanh (excluded)',
    expect: 'fail',
    usesLoss: false,
    domain: (s) => domain({ activations: ['tanh'], mode: 'expect' }, s),
    measure: (c) => measureC3(c),
  },
  {
    id: 'C6/balance',
    claim: 'C6',
    variant: 'balance',
    description: 'β_+ + Σ_k β_k = 0 on the distances of the case (the loss of --loss, default nce τ = 0.1)',
    expect: 'hold',
    usesLoss: true,
    domain: (s) => domain({ activations: ['relu', 'tanh'], loss: { name: 'nce', tau: 0.1 } }, s),
    measure: measureC6,
  },
];

/** The targets of a claim; InputError-free lookup (the CLI words the errors). */
export function targetsFor(claim: string): HuntTarget[] {
  return HUNT_TARGETS.filter((t) => t.claim === claim);
}
