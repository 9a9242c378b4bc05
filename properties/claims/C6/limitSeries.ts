/**
 * C6's large-τ series (nce, tri): for τ = 1 … 2^16 the errors of the weights (against −1/(H+1), −1/2),
 * of the network gradient (against (H/(H+1))·∇L_simp, ½·∇L_simp) and of the shifted loss (against
 * (H/(H+1))·L_simp, ½(L_simp + r_0)), each with its rounding floor, on seeded distances and a fixed
 * small tree network.
 */
import { F64 } from '../../../src/numeric/arith.js';
import { Rng } from '../../../src/numeric/random.js';
import { parseLoss } from '../../../src/losses/index.js';
import type { Params } from '../../../src/losses/plugin/index.js';
import { treeArchitecture, type NetworkSpec } from '../../../src/network/architecture.js';
import { initParams } from '../../../src/network/init.js';
import { completeTree } from '../../../src/hltm/tree.js';
import type { Batch } from '../../../src/network/batchGradient.js';
import { CORRECT } from '../../../src/mutants/catalogue.js';
import { pipelineLoss, type LossUnderTest } from '../../lossUnderTest.js';

export const TAUS = Array.from({ length: 17 }, (_, k) => 2 ** k);

export interface LimitSeries {
  readonly name: string;
  readonly points: [number, number][];
  /** Rounding level of the error at each τ: points below 100× it are not fitted (a series entirely below is exact). */
  readonly floor: number | ((tau: number) => number);
}

/** A fixed small tree network and batch (seeded), for the gradient limits. */
function limitNetwork(seed: number, H: number): { spec: NetworkSpec; params: ReturnType<typeof initParams>; batch: Batch<number> } {
  const tree = completeTree(2, 2, () => 0.5);
  const spec: NetworkSpec = { arch: treeArchitecture(tree, 2, 2), activation: { kind: 'relu' }, bias: false, normalize: false, eps: 1e-4 };
  const rng = new Rng(seed);
  const params = initParams(spec, rng, { scheme: 'gaussian' });
  // Generic inputs in [0, 1] (binary ones can make ∇r_+ − ∇r_− vanish exactly).
  const bits = () => Array.from({ length: 4 }, () => rng.range(0, 1));
  const B = 2;
  return { spec, params, batch: { x: Array.from({ length: B }, bits), pos: Array.from({ length: B }, bits), neg: Array.from({ length: B }, () => Array.from({ length: H }, bits)) } };
}

export interface LimitTarget {
  readonly u: LossUnderTest;
  readonly kind: 'nce' | 'tri';
  readonly H: number;
  readonly r0: number;
}

/** The three error series of one target (weights, gradient, shifted loss); [] when the pipeline has no version of the loss. */
export function limitSeries(t: LimitTarget, seed: number): LimitSeries[] {
  const { H, kind } = t;
  const rng = new Rng(seed);
  const rPos = [rng.range(0, 2)];
  const rNeg = [Array.from({ length: H }, () => rng.range(0, 2))];
  const wLim = kind === 'nce' ? 1 / (H + 1) : 1 / 2;
  const simpVal = rPos[0]! - rNeg[0]!.reduce((a, b) => a + b, 0) / H;
  const shiftConst = kind === 'nce' ? Math.log(H + 1) : Math.LN2;
  const valLim = kind === 'nce' ? (H / (H + 1)) * simpVal : 0.5 * (simpVal + t.r0);
  const net = limitNetwork(seed ^ 0x5bd1, H);
  const engine = (t.u.pipeline ?? CORRECT).engine;
  const simpGrad = engine(F64, net.spec, net.params, net.batch, parseLoss({ name: 'simp' })).grads.W.flat();
  const label = `${kind} H=${H}${kind === 'tri' ? ` r0=${t.r0}` : ''}`;
  const eB: [number, number][] = [];
  const eL: [number, number][] = [];
  const eG: [number, number][] = [];
  const l1 = (v: readonly number[]) => v.reduce((a, b) => a + Math.abs(b), 0);
  const gradFloor = 64 * Number.EPSILON * (1 + 2 * l1(simpGrad));
  for (const tau of TAUS) {
    const params: Params = kind === 'nce' ? { tau } : { tau, r0: t.r0 };
    const loss = pipelineLoss(t.u, params);
    if (!loss) return [];
    const v = loss.evaluate(F64, { rPos, rNeg, dim: 2, reduction: 'mean' });
    eB.push([tau, Math.max(Math.abs(v.betaPos[0]! - wLim * (kind === 'nce' ? H : 1)), ...v.betaNeg[0]!.map((b) => Math.abs(b + wLim)))]);
    eL.push([tau, Math.abs(v.value - tau * shiftConst - valLim)]);
    const g = engine(F64, net.spec, net.params, net.batch, loss).grads.W.flat();
    let s = 0;
    g.forEach((x, i) => (s += (x - wLim * (kind === 'nce' ? H : 1) * simpGrad[i]!) ** 2));
    eG.push([tau, Math.sqrt(s)]);
  }
  const rSum = rPos[0]! + rNeg[0]!.reduce((a, b) => a + b, 0);
  return [
    { name: `${label}: weights`, points: eB, floor: 64 * Number.EPSILON },
    { name: `${label}: gradient`, points: eG, floor: gradFloor },
    // L ≈ τ·log(H+1) at large τ: its rounding grows like ε·τ, so the floor does too.
    { name: `${label}: shifted loss`, points: eL, floor: (tau: number) => 16 * Number.EPSILON * (tau * shiftConst + rSum + Math.abs(t.r0) + 1) },
  ];
}
