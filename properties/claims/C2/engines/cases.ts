/**
 * The cases of C2's float32 engine checks: a network with float32-rounded parameters (what a float32
 * engine holds, so the float64 reference sees exactly the engine's weights), a batch and a built-in
 * loss by name.
 *
 * One case in SATURATING_SHARE is saturating by construction (issue 12: the shipped float32
 * tf.sigmoid cancellation): a batch of H = 1 and the official InfoNCE −σ(u), u = (n − p)/τ, with τ
 * chosen from the case's own float64 batch means so that u = u* (uniform over SATURATION_U, beyond
 * u ≈ 17.3 where float32 σ(u) rounds to 1 and y(1 − y) is 0); pos and neg are swapped when n < p.
 * Where n − p is not a usable fraction of n + p (dead outputs, n = p), or τ would fall below the
 * float32 resolution of u, the case keeps τ = 0.01. That floor: float32 computes each distance with
 * an absolute error ≤ c·n·ε₃₂·2·‖o‖²_max (outputs o with relative error c·n·ε₃₂, c = 8 as the engine
 * tolerance, n the forward chain), so n − p (the means scaled by 2/d ≤ 2) is off by ≤ 4·c·n·ε₃₂·‖o‖²_max
 * and u = (n − p)/τ by that over τ; τ ≥ 4·c·n·ε₃₂·‖o‖²_max keeps u's error ≤ 1 against |u| ≥ 10, so
 * its sign never flips. Without it a gap of ≈ 1e-15 chose τ ≈ 1e-16 and float32 flipped u, giving β
 * off by ≈ 1/τ: an ill-posed case, not a rounding one (seeds 72 and 84: errors 2.4e3 and 7.7e3).
 */
import * as fc from 'fast-check';
import { F64 } from '../../../../src/numeric/arith.js';
import { batchLoss } from '../../../../src/network/batchGradient.js';
import { forward } from '../../../../src/network/forward.js';
import { magnitude } from '../../../../src/network/magnitude.js';
import { MACHINE_EPSILON, TOLERANCE_CONSTANT } from '../../../../src/numeric/tolerance.js';
import { parseLoss } from '../../../../src/losses/index.js';
import { arbUniform } from '../../../generators/reals.js';
import type { Activation } from '../../../../src/network/activation.js';
import type { Params } from '../../../../src/network/architecture.js';
import type { Batch } from '../../../../src/network/batchGradient.js';
import type { Loss } from '../../../../src/losses/index.js';
import { builtinLosses } from '../../../generators/losses.js';
import { arbBatch, arbNetwork, describeNetwork, type GeneratedNetwork, type NetworkConstraints } from '../../../generators/network.js';

export const ANY: Activation[] = [{ kind: 'relu' }, { kind: 'leaky_relu', slope: 0.25 }, { kind: 'linear' }, { kind: 'tanh' }, { kind: 'softplus' }, { kind: 'gelu' }];

/** The built-in losses the engines are checked with, by the name shown in reports. */
// τ = 0.02 … 0.001 reach σ's float32 saturation with small networks' distances (issue 12:
// catches the shipped tf.sigmoid cancellation; measured by scripts/sigmoid-mutant.sh).
export const LOSSES: Record<string, Loss> = builtinLosses({ officialNceTau: 0.5, saturatingNceTaus: [0.02, 0.01, 0.005, 0.002, 0.001] });

/** The share of engine cases saturating by construction (module comment). */
export const SATURATING_SHARE = 1 / 4;
/** The range of u* = (n − p)/τ of a saturating case: float32 σ(u) = 1 from u ≈ 17.3; e^{−60} ≈ 1e-26 stays a normal float32. */
export const SATURATION_U = { min: 10, max: 60 } as const;
/** n − p must be at least this fraction of n + p: float32 rounding of the distances moves u by ≤ ε₃₂·(n + p)/(n − p)·u ≈ 1.2e-5·u. */
const USABLE_GAP = 1e-2;
const SATURATE = 'official_nce(τ from u*)';
const OFFICIAL_NCE = /^official_nce\(τ=([^)]+)\)$/;

/** The loss of a case by its name: a key of LOSSES, or official_nce(τ=…) at the τ a saturating case chose. */
export function engineLoss(name: string): Loss {
  const known = LOSSES[name];
  if (known) return known;
  const m = OFFICIAL_NCE.exec(name);
  if (!m || !(Number(m[1]) > 0)) throw new Error(`engine case: unknown loss ${JSON.stringify(name)} (a key of LOSSES or official_nce(τ=<positive number>))`);
  return parseLoss({ name: 'official_nce', tau: Number(m[1]) });
}

export interface EngineCase {
  readonly net: GeneratedNetwork;
  readonly batch: Batch<number>;
  /** A key of LOSSES. */
  readonly loss: string;
}

/** Float32-rounded parameters (what a float32 engine holds). */
export function roundParams(p: Params<number>): Params<number> {
  return { W: p.W.map((w) => w.map(Math.fround)), b: p.b ? p.b.map((b) => b.map(Math.fround)) : null };
}

/**
 * A network (rounded to float32; constraints: the network generator's), a loss and a batch of B ≤ 4
 * tuples (H = 1 for tri and saturating cases, else ≤ 2): a loss of LOSSES in 1 − SATURATING_SHARE of
 * cases, else a saturating official InfoNCE (module comment).
 */
export const arbEngineCase = (nc: NetworkConstraints = {}): fc.Arbitrary<EngineCase> => {
  const w = Math.round(SATURATING_SHARE * 100);
  const loss = fc.oneof({ arbitrary: fc.constantFrom(...Object.keys(LOSSES)), weight: 100 - w }, { arbitrary: fc.constant(SATURATE), weight: w });
  return fc
    .record({ net: arbNetwork(nc), loss, u: arbUniform({ ...SATURATION_U, shrinkTo: 20 }) })
    .chain(({ net, loss, u }) =>
      fc.record({
        net: fc.constant({ ...net, params: roundParams(net.params) }),
        batch: arbBatch(net.spec.arch.nInputs, { maxH: loss.startsWith('tri') || loss === SATURATE ? 1 : 2, maxB: 4 }),
        loss: fc.constant(loss),
        u: fc.constant(u),
      }),
    )
    .map(({ net, batch, loss, u }) => (loss === SATURATE ? saturating(net, batch, u) : { net, batch, loss }));
};

/** p and n, the batch-mean MSEs of the official losses, in float64. */
function batchMeansOf(net: GeneratedNetwork, batch: Batch<number>): { p: number; n: number } {
  // official_subtract is p − n (losses/builtin/batchMeans.ts); with the anchors as negatives (r_− = 0) it is p.
  const subtract = (b: Batch<number>) => batchLoss(F64, net.spec, net.params, b, LOSSES.official_subtract!).value;
  const p = subtract({ ...batch, neg: batch.x.map((x) => [x]) });
  return { p, n: p - subtract(batch) };
}

/** The smallest τ at which float32 resolves u = (n − p)/τ to within 1 (module comment): 4·c·n·ε₃₂·‖o‖²_max. */
function float32TauFloor(net: GeneratedNetwork, batch: Batch<number>): number {
  const samples = samplesOf(batch);
  const ops = Math.max(...samples.map((x) => magnitude(net.spec, net.params, x).ops));
  const out2 = Math.max(...samples.map((x) => forward(F64, net.spec, net.params, x).out.reduce((a, v) => a + v * v, 0)));
  return 4 * TOLERANCE_CONSTANT.float32.engine * ops * MACHINE_EPSILON.float32 * out2;
}

/** The saturating case of a network and an H = 1 batch: τ = (n − p)/u*, pos and neg swapped if n < p. */
function saturating(net: GeneratedNetwork, batch: Batch<number>, u: number): EngineCase {
  const { p, n } = batchMeansOf(net, batch);
  const b = n >= p ? batch : { x: batch.x, pos: batch.neg.map((row) => row[0]!), neg: batch.pos.map((x) => [x]) };
  const gap = Math.abs(n - p);
  if (!(gap > 0) || gap < USABLE_GAP * (n + p) || gap / u < float32TauFloor(net, batch)) return { net, batch, loss: 'official_nce(τ=0.01)' };
  return { net, batch: b, loss: `official_nce(τ=${gap / u})` };
}

/** u = (n − p)/τ of an official InfoNCE case in float64 (σ(u) rounds to 1 in float32 from u ≈ 17.3), else null. */
export function sigmoidArgument(c: EngineCase): number | null {
  const loss = engineLoss(c.loss);
  if (loss.name !== 'official_nce') return null;
  const { p, n } = batchMeansOf(c.net, c.batch);
  return (n - p) / loss.params.tau!;
}

export const samplesOf = (b: Batch<number>) => [...b.x, ...b.pos, ...b.neg.flat()];

/** The batch's samples as one float32 matrix [S][L] (anchors, positives, negatives). */
export function toMatrix(b: Batch<number>, L: number): { x: Float32Array; S: number; B: number; H: number } {
  const samples = samplesOf(b);
  const x = new Float32Array(samples.length * L);
  samples.forEach((s, i) => x.set(s, i * L));
  return { x, S: samples.length, B: b.x.length, H: b.neg[0]!.length };
}

export const describeCase = (c: EngineCase) => ({ network: describeNetwork(c.net), batch: c.batch, loss: c.loss });
