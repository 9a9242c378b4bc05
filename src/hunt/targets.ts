/**
 * What `covcheck hunt` can hunt: a claim's predicate (src/claims, the same the fast-check properties
 * measure with) per claim and variant, on cases in the case format (so a counterexample is a case any
 * implementation can evaluate). Each measures in float64 with the suite's derived tolerances and
 * returns the worst violation over the case's parts (layers, inputs); hunting maximises error/tolerance.
 *
 *   C1  f_L(x) = Σ_{ν∈cut} K_νᵀ w_ν for every cut and every input of the batch (claims/eulerIdentity.ts)
 *   C2  the batch gradient (backward pass) = Σ_samples K_ν·∂L/∂f (connection form), and
 *       = the derivative of the batch loss along the gradient (finite differences; checks β)
 *       (claims/chainRule.ts)
 *   C3  −E[∇L_simp] = 2·OP·w by exact enumeration (mode "expect", root augmentation)
 *       (claims/covarianceOperatorTheorem.ts)
 *   C6  β_+ + Σ_k β_k = 0 on the case's distances (claims/lossBalance.ts)
 */
import { F64 } from '../numeric/arith.js';
import type { ClaimId, Measurement } from '../runner/check.js';
import { fmt } from '../runner/run.js';
import type { ParsedCase } from '../case/parseCase.js';
import type { Loss } from '../losses/loss.js';
import { halfSquaredDistance } from '../network/batchGradient.js';
import { forward } from '../network/forward.js';
import { leafDistribution } from '../hltm/exactDistribution.js';
import { connectionForm, derivativeAlongDirection } from '../claims/chainRule.js';
import { covarianceOperatorForm } from '../claims/covarianceOperatorTheorem.js';
import { eulerIdentity } from '../claims/eulerIdentity.js';
import { lossBalance } from '../claims/lossBalance.js';
import type { CaseDomain } from './caseDomain.js';

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

const inputsOf = (c: ParsedCase) => [...c.batch.x, ...c.batch.pos, ...c.batch.neg.flat()];

/** C1 at every layer and every input of the batch; the worst. */
function measureC1(c: ParsedCase): Measurement {
  let worst = OK;
  for (const layer of c.spec.arch.layers) {
    for (const x of inputsOf(c)) {
      const { measurement, lhs, rhs } = eulerIdentity(F64, c.spec, c.params, x, layer.blocks);
      worst = worse(worst, { ...measurement, note: `layer ${layer.name}, x = [${x.join(', ')}]: f_L = [${lhs.map(fmt).join(', ')}], Σ K_νᵀw_ν = [${rhs.map(fmt).join(', ')}]` });
    }
  }
  return worst;
}

function measureC2Connection(c: ParsedCase, loss: Loss): Measurement {
  const m = connectionForm(c.spec, c.params, c.batch, loss, c.reduction);
  return { ...m, note: `backward pass against Σ K·∂L/∂f, largest difference ${fmt(m.error)}` };
}

/** Along the unit gradient direction, h = 2^-10 (a unit v: steps of the size the property takes along v ∈ [−1, 1]^n). */
function measureC2Derivative(c: ParsedCase, loss: Loss): Measurement {
  return derivativeAlongDirection({ spec: c.spec, params: c.params, batch: c.batch, loss, reduction: c.reduction, h: 2 ** -10 });
}

const ROOT = { base: { kind: 'root' }, flip: 0 } as const;

function measureC3(c: ParsedCase): Measurement {
  const dist = leafDistribution(F64, c.tree, ROOT);
  const m = covarianceOperatorForm(F64, c.spec, c.params, dist, 'cov');
  return { ...m, note: `−E[∇L_simp] against 2·OP·w (root augmentation, ${dist.nConfigs} configurations)` };
}

/** C6 on the distances r = ½‖f(x) − f(x′)‖² of the case's batch (no shift). */
function measureC6(c: ParsedCase, loss: Loss): Measurement {
  const f = (x: readonly number[]) => forward(F64, c.spec, c.params, x).out;
  const fx = c.batch.x.map(f);
  const rPos = fx.map((a, b) => halfSquaredDistance(F64, a, f(c.batch.pos[b]!)));
  const rNeg = fx.map((a, b) => c.batch.neg[b]!.map((n) => halfSquaredDistance(F64, a, f(n))));
  return lossBalance(F64, loss, { rPos, rNeg, shift: 0, dim: c.spec.arch.nOut, reduction: c.reduction });
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
