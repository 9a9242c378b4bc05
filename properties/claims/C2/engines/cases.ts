/**
 * The cases of C2's float32 engine checks: a network with float32-rounded parameters (what a float32
 * engine holds, so the float64 reference sees exactly the engine's weights), a batch and a built-in
 * loss by name.
 */
import * as fc from 'fast-check';
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

/** A network (rounded to float32; constraints: the network generator's), a loss of LOSSES and a batch of B ≤ 4 tuples (H = 1 for tri, else ≤ 2). */
export const arbEngineCase = (nc: NetworkConstraints = {}): fc.Arbitrary<EngineCase> =>
  fc.record({ net: arbNetwork(nc), loss: fc.constantFrom(...Object.keys(LOSSES)) }).chain(({ net, loss }) =>
    fc.record({
      net: fc.constant({ ...net, params: roundParams(net.params) }),
      batch: arbBatch(net.spec.arch.nInputs, { maxH: loss.startsWith('tri') ? 1 : 2, maxB: 4 }),
      loss: fc.constant(loss),
    }),
  );

export const samplesOf = (b: Batch<number>) => [...b.x, ...b.pos, ...b.neg.flat()];

/** The batch's samples as one float32 matrix [S][L] (anchors, positives, negatives). */
export function toMatrix(b: Batch<number>, L: number): { x: Float32Array; S: number; B: number; H: number } {
  const samples = samplesOf(b);
  const x = new Float32Array(samples.length * L);
  samples.forEach((s, i) => x.set(s, i * L));
  return { x, S: samples.length, B: b.x.length, H: b.neg[0]!.length };
}

export const describeCase = (c: EngineCase) => ({ network: describeNetwork(c.net), batch: c.batch, loss: c.loss });
