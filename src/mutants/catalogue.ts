/**
 * The mutation self-check's catalogue: injected bugs, each a small wrapper around a correct loss,
 * gradient engine or tuple law. The checks of properties/mutants (with properties/lossChecks.ts) run against a
 * `Pipeline`; the correct pipeline is CORRECT, each mutant is a pipeline with one bug. Every mutant
 * must make at least one claim check fail (npm test asserts it; the verify report shows which).
 *
 *   self-pair-in-negatives     the tuple's own positive left among its negatives (tuple law)
 *   detached-negative          the last negative's term detached from the gradient (β_H = 0)
 *   gradient-scaled-by-1/H     every weight β divided by H (value unchanged)
 *   tau-on-negatives-only      InfoNCE with τ dividing the negatives' logits only
 *   exp-without-logsumexp      InfoNCE as the literal quotient of exponentials (0/0 at small τ)
 *   positive-shares-anchor     x_+ = x: the positive pair shares the anchor's augmentation
 *   eps-twice-in-normalisation the normalisation's backward pass adds ε twice (‖f‖ + 2ε)
 */
import type { Arith } from '../numeric/arith.js';
import type { ClaimId } from '../runner/check.js';
import type { DistanceBatch, Loss, LossValue, Reduction } from '../losses/loss.js';
import type { NetworkSpec, Params } from '../network/architecture.js';
import { accumulateGrads, zeroGrads } from '../network/backward.js';
import { batchLoss, type Batch, type BatchResult } from '../network/batchGradient.js';
import { THEORY_LAW, type TupleLaw } from '../theory/pairwiseModel.js';
import { definePlugin, pluginLoss } from '../losses/plugin/index.js';

/** The batch loss and its parameter gradient (src/network/batchGradient.ts's batchLoss, or a mutant). */
export type GradientEngine = <T>(A: Arith<T>, spec: NetworkSpec, params: Params<T>, batch: Batch<T>, loss: Loss, reduction?: Reduction) => BatchResult<T>;

/** What the checks run: a loss transform, a tuple law and a gradient engine. */
export interface Pipeline {
  readonly id: string;
  /** The loss the pipeline uses in place of `loss`, or null when the pipeline has no version of it. */
  wrapLoss(loss: Loss): Loss | null;
  readonly law: TupleLaw;
  readonly engine: GradientEngine;
}

export const CORRECT: Pipeline = { id: 'correct', wrapLoss: (l) => l, law: THEORY_LAW, engine: batchLoss };

export interface Mutant extends Pipeline {
  readonly title: string;
  readonly description: string;
  /** The claims meant to catch it (the self-check reports the checks that actually did). */
  readonly expectedCatchers: readonly ClaimId[];
}

/** A loss whose weights are changed after evaluation (the value is left as it is; name kept so name-keyed checks apply). */
function withWeights(loss: Loss, change: <T>(A: Arith<T>, v: LossValue<T>) => LossValue<T>): Loss {
  return {
    name: loss.name,
    params: loss.params,
    rational: loss.rational,
    perTuple: loss.perTuple,
    evaluate<T>(A: Arith<T>, batch: DistanceBatch<T>): LossValue<T> {
      return change(A, loss.evaluate(A, batch));
    },
  };
}

const ncePlugin = (name: string, body: 'tau-negatives' | 'literal') =>
  definePlugin({
    name: 'nce',
    description: name,
    params: { tau: 1 },
    loss(ops, r, p) {
      if (body === 'tau-negatives') {
        // −τ·log(e^{−r_+} / (e^{−r_+} + Σ_k e^{−r_k/τ})): τ divides the negatives only.
        return ops.mul(p.tau, ops.sub(ops.logSumExp([ops.neg(r.pos), ...r.neg.map((n) => ops.div(ops.neg(n), p.tau))]), ops.neg(r.pos)));
      }
      // The literal quotient, without the log-sum-exp shift: e^{−r/τ} underflows to 0 at small τ.
      const num = ops.exp(ops.div(ops.neg(r.pos), p.tau));
      const den = ops.add(num, ops.sum(r.neg.map((n) => ops.exp(ops.div(ops.neg(n), p.tau)))));
      return ops.mul(-p.tau, ops.log(ops.div(num, den)));
    },
  });

const TAU_NEGATIVES = ncePlugin('mutant: τ applied to the negatives only', 'tau-negatives');
const LITERAL_NCE = ncePlugin('mutant: exp without log-sum-exp', 'literal');

/** Replaces nce by a plugin version at the same τ; other losses have no such mutant. */
function replaceNce(plugin: typeof TAU_NEGATIVES, id: string) {
  return (loss: Loss): Loss | null => (loss.name === 'nce' ? pluginLoss(plugin, `mutant:${id}`, { tau: loss.params.tau ?? 1 }) : null);
}

const epsTwice: GradientEngine = (A, spec, params, batch, loss, reduction) => {
  const r = batchLoss(A, spec, params, batch, loss, reduction);
  if (!spec.normalize) return r;
  const bad: NetworkSpec = { ...spec, eps: spec.eps * 2 };
  const grads = zeroGrads(A, spec);
  r.traces.x.forEach((t, b) => accumulateGrads(A, bad, params, t, r.dOut.x[b]!, grads));
  r.traces.pos.forEach((t, b) => accumulateGrads(A, bad, params, t, r.dOut.pos[b]!, grads));
  r.traces.neg.forEach((row, b) => row.forEach((t, k) => accumulateGrads(A, bad, params, t, r.dOut.neg[b]![k]!, grads)));
  return { ...r, grads };
};

export const MUTANTS: readonly Mutant[] = [
  {
    id: 'self-pair-in-negatives',
    title: 'the self-pair left in the negatives',
    description: "the tuple's first negative is its own positive x_+ (an in-batch negative list that forgot to drop the anchor's pair)",
    wrapLoss: (l) => l,
    law: { positive: 'independent', selfNegative: true },
    engine: batchLoss,
    expectedCatchers: ['C3'],
  },
  {
    id: 'detached-negative',
    title: 'a negative term detached from the gradient',
    description: 'the last negative contributes to the loss value but not to the gradient (β_H = 0, a stop-gradient in the wrong place)',
    wrapLoss: (l) =>
      withWeights(l, (A, v) => ({ ...v, betaNeg: v.betaNeg.map((row) => row.map((b, k) => (k === row.length - 1 ? A.zero : b))) })),
    law: THEORY_LAW,
    engine: batchLoss,
    expectedCatchers: ['C2', 'C6'],
  },
  {
    id: 'gradient-scaled-by-1/H',
    title: 'the gradient scaled by 1/H',
    description: 'every weight β divided by the number of negatives H (a mean where the loss has a sum); the value is unchanged',
    wrapLoss: (l) =>
      withWeights(l, (A, v) => {
        const H = v.betaNeg[0]?.length ?? 1;
        const s = A.div(A.one, A.from(H));
        return { ...v, betaPos: v.betaPos.map((b) => A.mul(s, b)), betaNeg: v.betaNeg.map((row) => row.map((b) => A.mul(s, b))) };
      }),
    law: THEORY_LAW,
    engine: batchLoss,
    expectedCatchers: ['C2', 'C3'],
  },
  {
    id: 'tau-on-negatives-only',
    title: 'τ applied to the negatives only',
    description: 'InfoNCE computed as −τ·log(e^{−r_+}/(e^{−r_+} + Σ_k e^{−r_k−/τ})): unbalanced',
    wrapLoss: replaceNce(TAU_NEGATIVES, 'tau-on-negatives-only'),
    law: THEORY_LAW,
    engine: batchLoss,
    expectedCatchers: ['C6'],
  },
  {
    id: 'exp-without-logsumexp',
    title: 'exp without log-sum-exp (overflow at small τ)',
    description: 'InfoNCE computed as the literal quotient of exponentials: 0/0 = NaN once e^{−r/τ} underflows',
    wrapLoss: replaceNce(LITERAL_NCE, 'exp-without-logsumexp'),
    law: THEORY_LAW,
    engine: batchLoss,
    expectedCatchers: ['C6'],
  },
  {
    id: 'positive-shares-anchor',
    title: "the positive pair sharing the anchor's augmentation",
    description: 'x_+ = x (one augmented view used twice) instead of two independent augmentations of x_0',
    wrapLoss: (l) => l,
    law: { positive: 'shares-anchor', selfNegative: false },
    engine: batchLoss,
    expectedCatchers: ['C3'],
  },
  {
    id: 'eps-twice-in-normalisation',
    title: 'ε added twice in the normalisation',
    description: "the output normalisation's backward pass divides by ‖f‖ + 2ε while the forward pass uses ‖f‖ + ε",
    wrapLoss: (l) => l,
    law: THEORY_LAW,
    engine: epsTwice,
    expectedCatchers: ['C2'],
  },
];
