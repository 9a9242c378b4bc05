/**
 * The exact expected gradient of L_simp over the model (docs/theory.md §1.5, claim C3), by enumeration.
 *
 * With x, x_+ i.i.d. given x_0 and x_− independent (same marginal m):
 *   E[L_simp] = E r_+ − E r_− = ‖E f‖² − Σ_i p_i ‖f̄_i‖² = −tr V[f̄]
 *   ∂E[L]/∂f(c) = δ_c = 2 m_c E f − 2 Σ_i p_i P(c | i) f̄_i
 *   E[∇_w L_simp] = Σ_c backward(c, δ_c)            (the hand-written backward pass, not K)
 * The theorem's two forms, computed from the conditional means K̄, f̄ instead:
 *   cov_form_ν       = 2 Σ_{ν' in ν's layer} Cov(K̄_ν, K̄_ν') w_ν'
 *   cross_cov_form_ν = 2 Cov(K̄_ν, f̄)
 * C3 says −E[∇L_simp] equals cross_cov_form always, and cov_form when C1 holds for the layer.
 */
import type { Arith } from '../numeric/arith.js';
import { F64 } from '../numeric/arith.js';
import type { Tree } from '../hltm/tree.js';
import { leafDistribution } from '../hltm/exactDistribution.js';
import type { NetworkSpec, Params } from '../network/architecture.js';
import { accumulateGrads, zeroGrads } from '../network/backward.js';
import { type ConditionalLeafDistribution, type ConditionalMeans, conditionalMeans, expectation } from './conditionalMeans.js';
import { crossCovariance, operatorTimes, outputVarianceTrace } from './covarianceOperator.js';

export interface ExpectedSimpleGradient<T> {
  /** −E[∂L_simp/∂W_ν], flat row-major, per block. */
  readonly negExpectedGrad: T[][];
  /** −E[∂L_simp/∂b_ν] per block, or null. */
  readonly negExpectedGradBias: T[][] | null;
  readonly covForm: T[][];
  readonly crossCovForm: T[][];
  readonly expectedLoss: T;
  readonly nConfigs: number;
}

/** The cut each block belongs to for the node form: the blocks at the same depth. */
export function sameDepthBlocks(spec: NetworkSpec, block: number): number[] {
  const d = spec.arch.blocks[block]!.depth;
  return spec.arch.blocks.filter((b) => b.depth === d).map((b) => b.index);
}

/** −E[∇ L_simp] for W and b by the backward pass over configurations (δ_c above). */
export function negExpectedGradient<T>(
  A: Arith<T>,
  spec: NetworkSpec,
  params: Params<T>,
  dist: ConditionalLeafDistribution<T>,
  cm: ConditionalMeans<T>,
): { W: T[][]; b: T[][] | null } {
  const Ef = expectation(A, cm.p, cm.fbar);
  const two = A.from(2);
  const grads = zeroGrads(A, spec);
  cm.traces.forEach((trace, c) => {
    const delta = Ef.map((e, k) => {
      let s = A.mul(cm.marginal[c]!, e);
      cm.p.forEach((p, i) => (s = A.sub(s, A.mul(A.mul(p, dist.cond[i]![c]!), cm.fbar[i]![k]!))));
      return A.mul(two, s);
    });
    accumulateGrads(A, spec, params, trace, delta, grads);
  });
  return { W: grads.W.map((g) => g.map((v) => A.neg(v))), b: grads.b ? grads.b.map((g) => g.map((v) => A.neg(v))) : null };
}

export function expectedSimpleGradientFrom<T>(
  A: Arith<T>,
  spec: NetworkSpec,
  params: Params<T>,
  dist: ConditionalLeafDistribution<T>,
): ExpectedSimpleGradient<T> {
  const cm = conditionalMeans(A, spec, params, dist);
  const two = A.from(2);
  const neg = negExpectedGradient(A, spec, params, dist, cm);
  const covForm: T[][] = [];
  const done = new Map<number, T[]>();
  for (const b of spec.arch.blocks) {
    if (!done.has(b.index)) {
      const cut = sameDepthBlocks(spec, b.index);
      for (const [nu, v] of operatorTimes(A, spec, cm, cut, params.W)) done.set(nu, v);
    }
    covForm.push(done.get(b.index)!.map((v) => A.mul(two, v)));
  }
  return {
    negExpectedGrad: neg.W,
    negExpectedGradBias: neg.b,
    covForm,
    crossCovForm: spec.arch.blocks.map((b) => crossCovariance(A, spec, cm, b.index).map((v) => A.mul(two, v))),
    expectedLoss: A.neg(outputVarianceTrace(A, cm)),
    nConfigs: cm.nConfigs,
  };
}

/** Float64, the paper's `root` augmentation (case format, mode "expect"). */
export function expectedSimpleGradient(tree: Tree, spec: NetworkSpec, params: Params<number>): ExpectedSimpleGradient<number> {
  const dist = leafDistribution(F64, tree, { base: { kind: 'root' }, flip: 0 });
  return expectedSimpleGradientFrom(F64, spec, params, dist);
}
