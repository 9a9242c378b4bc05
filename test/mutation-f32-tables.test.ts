/**
 * The f32 engine's pattern tables and partial nodes (src/engines/f32/tables.ts) against its kernel
 * path (tableMax 0: every node by the generated kernels, themselves checked against written-out
 * formulas in test/mutation-f32-kernels.test.ts), issue 12 item 5, docs/mutation.md.
 * Tables store the same float32 values as the kernels (same summation order), and the backward pass
 * is exact by linearity (rows with one code share input and gate), so the two gradients differ only
 * by the order of the float64 sums over the S = B(2 + H) rows: |Δ| ≤ c·S·ε₆₄·scale (tolerance table,
 * float64 'identity'), with scale the ℓ1 norm of the kernel path's gradient standing for the terms'
 * magnitude. A misrouted code, bin or weight offset moves an entry by about the gradient itself
 * (≈ 1e-3 here, against a bound of ≈ 1e-13). Trees: an irregular one (leaf and internal children
 * mixed, partial nodes with leaf children) and the complete binary depth-4 tree; ReLU (binary gate)
 * and tanh; bias on and off.
 */
import { describe, expect, it } from 'vitest';
import { buildTree, completeTree } from '../src/hltm/tree.js';
import { parseAugmentation } from '../src/hltm/augmentation.js';
import { allocBatch, sampleBatch } from '../src/hltm/batch.js';
import { treeArchitecture, type NetworkSpec } from '../src/network/architecture.js';
import { parseActivation } from '../src/network/activation.js';
import { initParams } from '../src/network/init.js';
import { Rng } from '../src/numeric/random.js';
import { tolerance } from '../src/numeric/tolerance.js';
import { F32Engine } from '../src/engines/f32/engine.js';
import { ENGINE_LOSSES as LOSSES, roundParams } from '../properties/claims/C2/index.js';

const trees = [
  ['irregular', buildTree([[0, [0, 0, 0]], 0, [[0, 0], 0]], () => 0.75)],
  ['complete', completeTree(4, 2, (n) => (n.length % 2 ? 0.8 : -0.9))],
] as const;

/** The ReLU tree network with biases (hid 5) and its float32-rounded PyTorch initialisation (seed 8). */
function reluNetwork(t: (typeof trees)[number][1]): { spec: NetworkSpec; params: ReturnType<typeof roundParams> } {
  const spec: NetworkSpec = { arch: treeArchitecture(t, 5), activation: parseActivation('relu'), bias: true, normalize: false, eps: 1e-4 };
  return { spec, params: roundParams(initParams(spec, new Rng(8), { scheme: 'pytorch' })) };
}

describe('f32 pattern tables = the kernel path (float64 summation order only)', () => {
  for (const [name, t] of trees) {
    for (const act of ['relu', 'tanh']) {
      it(`${name} tree, ${act}, bias on and off: tables ≤ 2, 4, 8, 32, 256 with and without partial nodes`, () => {
        for (const bias of [true, false]) {
          const spec: NetworkSpec = { arch: treeArchitecture(t, 6), activation: parseActivation(act), bias, normalize: true, eps: 1e-4 };
          const params = roundParams(initParams(spec, new Rng(3), { scheme: 'pytorch' }));
          const [B, H] = [10, 2];
          const batch = sampleBatch(t, parseAugmentation('root'), H, B, new Rng(5), allocBatch(t, H, B));
          const grad = (tableMax: number, partialMax: number) => {
            const e = new F32Engine({ spec, params, loss: LOSSES['nce(τ=0.5)']!, optimizer: { name: 'sgd', lr: 0.1 }, B, H, tableMax, partialMax });
            const value = e.gradient(batch);
            return { value, g: Array.from(e.grad) };
          };
          const ref = grad(0, 0);
          const tol = tolerance('float64', 'identity', B * (2 + H), ref.g.reduce((s, v) => s + Math.abs(v), 0));
          for (const [tableMax, partialMax] of [[2, 64], [4, 0], [4, 64], [8, 8], [32, 0], [32, 64], [256, 64]] as const) {
            const got = grad(tableMax, partialMax);
            const err = Math.max(...got.g.map((v, i) => Math.abs(v - ref.g[i]!)));
            expect(err, `bias ${bias}, tables ≤ ${tableMax}, partial ≤ ${partialMax}: ${tol.derivation}`).toBeLessThanOrEqual(tol.tol);
            expect(got.value).toBe(ref.value);
          }
        }
      });
    }
  }

  it('forwardPre (every pre-activation, codes of non-frontier nodes from their parents): tables = kernels bit for bit', () => {
    for (const [name, t] of trees) {
      const { spec, params } = reluNetwork(t);
      const S = 40;
      const rng = new Rng(2);
      const x = Float32Array.from({ length: S * spec.arch.nInputs }, () => rng.int(2));
      const pre = (tableMax: number, partialMax: number) => Array.from(new F32Engine({ spec, params, loss: LOSSES.simp!, optimizer: { name: 'sgd', lr: 0.1 }, B: 4, H: 1, tableMax, partialMax }).forwardPre(x, S));
      const ref = pre(0, 0);
      for (const [a, b] of [[32, 0], [16, 64], [4, 64], [256, 64]] as const) expect(pre(a, b), `${name}, tables ≤ ${a}, partial ≤ ${b}`).toEqual(ref);
    }
  });

  it('inputs that are not all 0/1 go through the kernels: values 0, ½, 1 (½ = 0x3f000000 has no bit outside 1.0f)', () => {
    for (const [name, t] of trees) {
      const { spec, params } = reluNetwork(t);
      const S = 12;
      const rng = new Rng(6);
      const x = Float32Array.from({ length: S * spec.arch.nInputs }, () => [0, 0.5, 1][rng.int(3)]!);
      const pre = (tableMax: number) => Array.from(new F32Engine({ spec, params, loss: LOSSES.simp!, optimizer: { name: 'sgd', lr: 0.1 }, B: 4, H: 1, tableMax, partialMax: 64 }).forwardPre(x, S));
      expect(pre(32), name).toEqual(pre(0));
    }
  });
});
