/**
 * C7 on the implementation (docs/theory.md §1.5, §2 C7; theory/pairwiseOperator.ts): on a depth-2
 * binary tree (4 leaves, relu, no bias) with B = 1, H = 1 and identity augmentation (x = x_+ = x_0,
 * each negative its own base sample), the exact expected gradient of any announced loss
 *
 *     E[∇_{w_l} L] = Σ_t w_t · grad_t,   t = (x, x_+, x_−),  w_t = W(x, x_+)·m(x_−)
 *
 * by enumerating every tuple through grad requests (pipelined), against C7's closed form
 *
 *     −2·OP^ξ_l w_l + θ_l,   OP^ξ_l w_l = ½·E_{i,j}[ξ(i,j) ΔK̄ ΔK̄ᵀ w_l],   θ_l = E_{i,j}[ξ(i,j)(C(i) − C(j))]
 *
 * for every layer l, with ξ(i, j) = H·E[−β_1 | x_0 = i, x_0′ = j] built from the β the implementation
 * answers: a `distances` request per tuple (B = 1, as its gradient was asked) at the distances r of its own
 * outputs f, or — official_* losses, which are not functions of
 * the distances alone (the output width d enters; docs/impl-protocol.md §5), or no `distances` —
 * covcheck's float64 loss of docs/case-format.md at those distances. With identity augmentation the
 * weights depend on the base samples alone (ξ = H·φ), where C7's form is exact (θ = 0 here since
 * C(i) = 0); a detached negative or a mis-scaled gradient halves E[∇L].
 * Tolerance: Σ_t w_t·(agreement tolerance of grad_t, impl/agreementTolerance.ts) + Σ_t w_t·tol(β_t)·|D_t|
 * (the answered β's rounding, kind 'engine', n = 4·(H + 1) + 8, scale κ·Σ|β_t|) + the float64 sums
 * (kind 'expectation', n = tuples + (x_0 values)² + d·n_out).
 */
import { F64 } from '../../numeric/arith.js';
import { tolerance } from '../../numeric/tolerance.js';
import { parseCase } from '../../case/parseCase.js';
import { edgeNames } from '../../case/names.js';
import { batchLoss } from '../../network/batchGradient.js';
import { leafDistribution } from '../../hltm/exactDistribution.js';
import { modelMagnitudes, pairGradient, pairwiseModel } from '../../theory/pairwiseModel.js';
import { pairwiseOperatorTimes, residueClosedForm } from '../../theory/pairwiseOperator.js';
import { agreementTolerance } from '../agreementTolerance.js';
import type { ImplClient } from '../client.js';
import type { ImplCase } from '../implCase.js';
import { hasReference, roundCase } from './agreement.js';
import { generateImplCase } from './generateCase.js';
import type { ExpectationRun } from './expectation.js';

const half = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0) / 2;

/** Whether β can be had for this loss: a distances answer (not official_*) or covcheck's reference. */
export function pairwiseBetaSource(impl: ImplClient, loss: string): 'distances' | 'reference' | null {
  if (impl.handshake.supports.distances && !loss.startsWith('official_')) return 'distances';
  return hasReference(loss) ? 'reference' : null;
}

/** C7 through the implementation for one announced loss (explicit negatives, relu or another homogeneous activation). */
export async function pairwiseFormThroughImpl(impl: ImplClient, loss: string, seed: number): Promise<ExpectationRun> {
  const h = impl.handshake;
  const source = pairwiseBetaSource(impl, loss);
  const base = roundCase(generateImplCase(seed, loss, h, { depth: 2, hid: 2, B: 1, H: 1 }), h.dtype);
  if (source === null) throw new RangeError(`pairwiseFormThroughImpl: no β for ${loss}`);
  const H = 1;
  const polarities = Object.fromEntries(edgeNames(2, 2).map((n) => [n, 0.75]));
  const parsed = parseCase({ ...base, loss: { name: 'simp' }, mode: 'expect', polarities });
  const dist = leafDistribution(F64, parsed.tree, { base: { kind: 'identity' }, flip: 0 });
  const cuts = parsed.spec.arch.layers.map((layer) => pairwiseModel(F64, parsed.spec, parsed.params, dist, layer.blocks));
  const M0 = cuts[0]!;
  const bits = (c: number) => Array.from(dist.configs[c]!, (v) => (v ? 1 : 0));
  const { p, cond, support, marginal } = M0;
  const tuples: { a: number; q: number; n: number; w: number; c: ImplCase }[] = [];
  for (const a of support) {
    for (const q of support) {
      const W = p.reduce((s, pi, i) => s + pi * cond[i]![a]! * cond[i]![q]!, 0);
      if (W === 0) continue;
      for (const n of support) tuples.push({ a, q, n, w: W * marginal[n]!, c: { ...base, batch: { x: [bits(a)], x_pos: [bits(q)], x_neg: [[bits(n)]] } } });
    }
  }
  const t0 = performance.now();
  const answers = await Promise.all(tuples.map((t) => impl.grad(t.c)));
  // β_t at the implementation's own distances.
  const rPos = answers.map((a) => half(a.f.x[0]!, a.f.x_pos[0]!));
  const rNeg = answers.map((a) => [half(a.f.x[0]!, (a.f.x_neg as number[][][])[0]![0]!)]);
  // One tuple per request (B = 1), as its gradient was asked: a batch-level loss (official_*, or a
  // user's own) must not see the other tuples.
  const l = source === 'reference' ? parseCase(base).loss : null;
  const betas = await Promise.all(
    tuples.map(async (_, k) => {
      const one = { rPos: [rPos[k]!], rNeg: [rNeg[k]!] };
      if (l === null) {
        const d = await impl.distances({ loss: base.loss, r_pos: one.rPos, r_neg: one.rNeg, reduction: 'mean' });
        return { pos: d.beta_pos[0]!, neg: d.beta_neg[0]![0]! };
      }
      const v = l.evaluate(F64, { ...one, dim: parsed.spec.arch.nOut, reduction: 'mean' });
      return { pos: v.betaPos[0]!, neg: v.betaNeg[0]![0]! };
    }),
  );
  const betaPos = betas.map((b) => b.pos);
  const betaNeg = betas.map((b) => [b.neg]);
  const ms = performance.now() - t0;
  // ξ(i, j) = H·Σ_t P(a|i)P(q|i)P(n|j)·(−β_t) (H = 1: the one negative).
  const xi = p.map((_, i) => p.map((__, j) => tuples.reduce((s, t, k) => s + cond[i]![t.a]! * cond[i]![t.q]! * cond[j]![t.n]! * -betaNeg[k]![0]! * H, 0)));
  // Tolerances: grads of every tuple (agreement), β's rounding times |D|, the float64 sums.
  let gradTol = 0;
  let betaTerm = 0;
  let sumScale = 0;
  const dMax = (a: number, b: number) => Math.max(0, ...cuts.map((M) => Math.max(0, ...pairGradient(M, a, b).map(Math.abs))));
  const tau = Number(base.loss.tau ?? 0);
  for (const [k, t] of tuples.entries()) {
    const pc = parseCase(t.c);
    gradTol += t.w * agreementTolerance(h.dtype, pc.spec, pc.params, pc.batch, pc.loss, batchLoss(F64, pc.spec, pc.params, pc.batch, pc.loss, pc.reduction)).grads.tol;
    const kappa = tau > 0 ? 1 + (2 * Math.max(rPos[k]!, rNeg[k]![0]!)) / tau : 1;
    const bAbs = Math.abs(betaPos[k]!) + Math.abs(betaNeg[k]![0]!);
    betaTerm += t.w * tolerance(h.dtype, 'engine', 4 * (H + 1) + 8, kappa * bAbs).tol * (dMax(t.a, t.q) + dMax(t.a, t.n));
    sumScale += t.w * bAbs * (dMax(t.a, t.q) + dMax(t.a, t.n));
    if (k % 64 === 63) await new Promise((r) => setImmediate(r));
  }
  const mags = cuts.map(modelMagnitudes);
  const xiMax = Math.max(0, ...xi.flat().map(Math.abs));
  const opScale = Math.max(...mags.map((m) => 4 * M0.nOut * m.K * m.f)) * (xiMax + 1);
  const sums = tolerance('float64', 'expectation', tuples.length + p.length ** 2 + Math.max(...cuts.map((M) => M.d * M.nOut)), sumScale + opScale);
  const bound = gradTol + betaTerm + sums.tol;
  let error = 0;
  let opNorm = 0;
  for (const M of cuts) {
    const op = pairwiseOperatorTimes(M, xi);
    const theta = residueClosedForm(M, xi);
    const blocks = M.cut.map((nu) => parsed.spec.arch.blocks[nu]!);
    const measured = blocks.flatMap((b) => {
      const acc = new Array<number>(b.out * b.in).fill(0);
      answers.forEach((ans, k) => ans.grads[b.name]!.flat().forEach((g, r) => (acc[r]! += tuples[k]!.w * g)));
      return acc;
    });
    measured.forEach((e, r) => {
      error = Math.max(error, Math.abs(e - (-2 * op[r]! + theta[r]!)));
      opNorm = Math.max(opNorm, Math.abs(2 * op[r]!));
    });
  }
  return {
    case: tuples[0]?.c ?? base,
    requests: tuples.length * (source === 'distances' ? 2 : 1),
    ms,
    measurement: {
      ok: error <= bound,
      error,
      tolerance: bound,
      derivation: `Σ_t w_t·(agreement tolerance of grad_t, ${h.dtype}) = ${gradTol.toExponential(3)} + Σ_t w_t·tol(β_t)·|D_t| = ${betaTerm.toExponential(3)} + the float64 sums ${sums.derivation}`,
      note: `${loss}: max |E[grad] − (−2·OP^ξ·w + θ)| over both layers, E[grad] over ${tuples.length} tuples by grad requests (identity augmentation), ξ from β of ${source === 'distances' ? 'its distances answer' : "covcheck's loss at its distances"} (max |2·OP^ξ·w| ${opNorm.toExponential(2)})`,
    },
  };
}
