/**
 * Core benchmarks (issue targets on 2-core machines, measured here, never asserted in tests):
 *  - C2 cases/s in float64: depth-3 binary tree, hid 4, batch 8 (H = 1): backward pass + the
 *    connection form + their comparison;                                         target > 2 000/s
 *  - the same case in rationals (dyadic inputs and weights);
 *  - ms per exact C3 enumeration: 8 leaves (depth 3 binary), hid 4, root augmentation, float64:
 *    −E[∇L_simp] by the backward pass, the OP form and the cross-covariance form; target < 50 ms.
 * Each is the best of a few timed rounds after a warm-up.
 */
import { EXACT, F64, type Arith } from '../src/numeric/arith.js';
import { Rng } from '../src/numeric/random.js';
import { completeTree } from '../src/hltm/tree.js';
import { treeArchitecture, type NetworkSpec } from '../src/network/architecture.js';
import { batchLoss, connectionGradient, type Batch } from '../src/network/batchGradient.js';
import { initParams, toArith } from '../src/network/init.js';
import { simpleLoss } from '../src/losses/simple.js';
import { expectedSimpleGradientFrom } from '../src/theory/expectedGradient.js';
import { leafDistribution } from '../src/hltm/exactDistribution.js';

function timeIt(fn: () => void, budgetMs: number): number {
  fn();
  let best = Number.POSITIVE_INFINITY;
  const until = performance.now() + budgetMs;
  let reps = 0;
  while (performance.now() < until || reps < 3) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
    reps++;
  }
  return best;
}

function c2Case<T>(A: Arith<T>, scheme: 'gaussian' | 'dyadic') {
  const rng = new Rng(7);
  const tree = completeTree(3, 2, () => 0.9);
  const spec: NetworkSpec = { arch: treeArchitecture(tree, 4), activation: { kind: 'relu' }, bias: false, normalize: false, eps: 1e-4 };
  const params = toArith(A, initParams(spec, rng, { scheme }));
  const bits = () => Array.from({ length: 8 }, () => A.from(rng.bernoulli(0.5)));
  const batch: Batch<T> = { x: Array.from({ length: 8 }, bits), pos: Array.from({ length: 8 }, bits), neg: Array.from({ length: 8 }, () => [bits()]) };
  return () => {
    const r = batchLoss(A, spec, params, batch, simpleLoss);
    const viaK = connectionGradient(A, spec, params, r);
    let agree = true;
    r.grads.W.forEach((g, b) => g.forEach((v, i) => (agree &&= Math.abs(A.toNumber(A.sub(v, viaK[b]![i]!))) < 1e-9)));
    if (!agree) throw new Error('C2 case disagrees');
  };
}

export function benchCore(budgetMs = 400): Record<string, number> {
  const f64 = c2Case(F64, 'gaussian');
  const rat = c2Case(EXACT, 'dyadic');
  const caseF64 = timeIt(f64, budgetMs);
  const caseRat = timeIt(rat, budgetMs);
  const tree = completeTree(3, 2, (name) => (name.length % 2 ? 0.8 : -0.9));
  const spec: NetworkSpec = { arch: treeArchitecture(tree, 4), activation: { kind: 'relu' }, bias: false, normalize: false, eps: 1e-4 };
  const params = initParams(spec, new Rng(3));
  const enumMs = timeIt(() => expectedSimpleGradientFrom(F64, spec, params, leafDistribution(F64, tree, { base: { kind: 'root' }, flip: 0 })), budgetMs);
  return { 'C2 float64 cases/s': 1000 / caseF64, 'C2 rational cases/s': 1000 / caseRat, 'C3 enumeration ms (8 leaves, hid 4)': enumMs };
}
