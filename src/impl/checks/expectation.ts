/**
 * C3 on the implementation (docs/theory.md §1.5, §2 C3; theory/expectedGradient.ts): on a depth-2
 * binary tree (4 leaves) with B = 1, H = 1 and L_simp = r_+ − r_−, the exact expected gradient
 *
 *     E[∇_W L_simp] = Σ_i p_i Σ_{c, c′, c″} P(c | i)·P(c′ | i)·m(c″) · grad(x = c, x_+ = c′, x_− = c″)
 *
 * by enumerating every tuple through grad requests (pipelined), against −cov_form_ν = −2 Σ Cov(K̄_ν, K̄_ν′) w_ν′
 * (the covariance-operator form; C1 holds for relu without bias, so C3's operator form applies) and
 * −cross_cov_form_ν, both computed by covcheck in float64 from the tree. Tolerance: Σ_t weight_t ×
 * the agreement tolerance of tuple t's gradient in the announced dtype (impl/agreementTolerance.ts)
 * plus the float64 sum's own c·n·ε·Σ weight_t·|grad_t| (kind 'expectation', n = the tuples).
 */
import { F64 } from '../../numeric/arith.js';
import { tolerance } from '../../numeric/tolerance.js';
import { Rng } from '../../numeric/random.js';
import { edgeNames } from '../../case/names.js';
import { parseCase } from '../../case/parseCase.js';
import { batchLoss } from '../../network/batchGradient.js';
import { leafDistribution } from '../../hltm/exactDistribution.js';
import { expectedSimpleGradientFrom } from '../../theory/expectedGradient.js';
import { agreementTolerance } from '../agreementTolerance.js';
import type { ImplClient } from '../client.js';
import type { ImplCase } from '../implCase.js';
import { roundCase } from './agreement.js';
import { generateImplCase } from './generateCase.js';
import type { ImplMeasurement } from './measurement.js';

export interface ExpectationRun {
  /** The drawn case (its batch is the first tuple's; a grad-mode case the user can feed to their code). */
  readonly case: ImplCase;
  readonly measurement: ImplMeasurement;
  readonly requests: number;
  readonly ms: number;
}

/** C3 through the implementation on one drawn depth-2 binary case (needs simp, relu, explicit negatives). */
export async function expectedGradientThroughImpl(impl: ImplClient, seed: number): Promise<ExpectationRun> {
  const h = impl.handshake;
  const rng = new Rng(seed ^ 0x3c3);
  const base = roundCase(generateImplCase(seed, 'simp', h, { depth: 2, hid: 3, B: 1, H: 1 }), h.dtype);
  const polarities = Object.fromEntries(edgeNames(2, 2).map((n) => [n, 0.6 + 0.35 * rng.uniform()]));
  const parsed = parseCase({ ...base, mode: 'expect', polarities });
  const dist = leafDistribution(F64, parsed.tree, { base: { kind: 'root' }, flip: 0 });
  const theory = expectedSimpleGradientFrom(F64, parsed.spec, parsed.params, dist);
  const nC = dist.configs.length;
  const marginal = Array.from({ length: nC }, (_, c) => dist.x0.reduce((s, v, i) => s + v.prob * dist.cond[i]![c]!, 0));
  const bits = (c: number) => Array.from(dist.configs[c]!, (v) => (v ? 1 : 0));
  const tuples: { w: number; c: ImplCase }[] = [];
  for (let a = 0; a < nC; a++) {
    for (let p = 0; p < nC; p++) {
      const joint = dist.x0.reduce((s, v, i) => s + v.prob * dist.cond[i]![a]! * dist.cond[i]![p]!, 0);
      if (joint === 0) continue;
      for (let n = 0; n < nC; n++) {
        if (marginal[n] === 0) continue;
        tuples.push({ w: joint * marginal[n]!, c: { ...base, batch: { x: [bits(a)], x_pos: [bits(p)], x_neg: [[bits(n)]] } } });
      }
    }
  }
  const t0 = performance.now();
  const pending = Promise.all(tuples.map((t) => impl.grad(t.c)));
  // The tolerances while the answers come (yielding to the event loop so that answers are read).
  let tol = 0;
  for (const [t, { w, c }] of tuples.entries()) {
    const p = parseCase(c);
    tol += w * agreementTolerance(h.dtype, p.spec, p.params, p.batch, p.loss, batchLoss(F64, p.spec, p.params, p.batch, p.loss, p.reduction)).grads.tol;
    if (t % 64 === 63) await new Promise((r) => setImmediate(r));
  }
  const answers = await pending;
  const ms = performance.now() - t0;
  const blocks = parsed.spec.arch.blocks;
  const expected = blocks.map((b) => new Array<number>(b.out * b.in).fill(0));
  let sumScale = 0;
  answers.forEach((a, t) => {
    const { w } = tuples[t]!;
    blocks.forEach((b) => a.grads[b.name]!.flat().forEach((g, k) => {
      expected[b.index]![k]! += w * g;
      sumScale += w * Math.abs(g);
    }));
  });
  const sum = tolerance('float64', 'expectation', tuples.length, sumScale);
  const bound = tol + sum.tol;
  let errCov = 0;
  let errCross = 0;
  blocks.forEach((b) => expected[b.index]!.forEach((e, k) => {
    errCov = Math.max(errCov, Math.abs(-e - theory.covForm[b.index]![k]!));
    errCross = Math.max(errCross, Math.abs(-e - theory.crossCovForm[b.index]![k]!));
  }));
  const error = Math.max(errCov, errCross);
  return {
    case: tuples[0]?.c ?? base,
    requests: tuples.length,
    ms,
    measurement: {
      ok: error <= bound,
      error,
      tolerance: bound,
      derivation: `Σ_t weight_t·(agreement tolerance of tuple t's gradient, ${h.dtype}) = ${tol.toExponential(3)}, + the float64 sum ${sum.derivation}`,
      note: `−E[grad] over ${tuples.length} tuples (${nC} leaf configurations) by grad requests: max |−E[grad] − cov_form| ${errCov.toExponential(2)}, max |−E[grad] − cross_cov_form| ${errCross.toExponential(2)}`,
    },
  };
}
