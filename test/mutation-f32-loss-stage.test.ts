/**
 * The f32 engine's loss stage (src/engines/f32/lossStage.ts): its refusals, and where it writes
 * ∂L/∂g_L (issue 12 item 5, docs/mutation.md). The gradient values themselves are checked against
 * the float64 reference in test/engine-f32.test.ts; here the layout: with a row stride Vw and the
 * root's slot at rootV, row s's d entries land at dV[s·Vw + rootV .. + d) and equal those of a packed
 * run (Vw = d, rootV = 0); every other slot, including a row past the last, keeps its sentinel.
 */
import { describe, expect, it } from 'vitest';
import { lossStage } from '../src/engines/f32/lossStage.js';
import { ntXentLoss, simpleLoss, infoNceLoss } from '../src/losses/index.js';
import { Rng } from '../src/numeric/random.js';

describe('f32 loss stage', () => {
  it('refuses sampled negatives with in-batch ones, and a similarity loss without in-batch negatives', () => {
    const base = { B: 2, d: 2, Gw: 2, Vw: 2, rootV: 0, normalize: false, eps: 1e-4 };
    expect(() => lossStage({ ...base, loss: simpleLoss, H: 1, inBatch: { symmetric: false } })).toThrow('lossStage: in-batch negatives take H = 0 sampled negatives, got H = 1');
    expect(() => lossStage({ ...base, loss: ntXentLoss(0.5), H: 1 })).toThrow(`lossStage: ${ntXentLoss(0.5).name} needs in-batch negatives`);
    expect(() => lossStage({ ...base, loss: ntXentLoss(0.5), H: 0, inBatch: { symmetric: true } })).not.toThrow();
  });

  for (const normalize of [false, true]) {
    it(`dV lands at s·Vw + rootV, nowhere else (normalize ${normalize})`, () => {
      const [B, H, d] = [2, 2, 3];
      const S = B * (2 + H);
      const rng = new Rng(4);
      const Gw = d + 2;
      const G = new Float32Array((S + 1) * Gw).map(() => Math.fround(rng.range(-1, 1)));
      const loss = infoNceLoss(0.5);
      const packed = new Float64Array(S * d);
      const v0 = lossStage({ loss, B, H, d, Gw, Vw: d, rootV: 0, normalize, eps: 1e-4 }).run(G, packed);
      const [Vw, rootV] = [d + 4, 2];
      const SENT = 77.25;
      const dV = new Float64Array((S + 1) * Vw).fill(SENT);
      const v1 = lossStage({ loss, B, H, d, Gw, Vw, rootV, normalize, eps: 1e-4 }).run(G, dV);
      expect(v1).toBe(v0);
      const want = new Float64Array((S + 1) * Vw).fill(SENT);
      for (let s = 0; s < S; s++) for (let i = 0; i < d; i++) want[s * Vw + rootV + i] = packed[s * d + i]!;
      expect(Array.from(dV)).toEqual(Array.from(want));
      expect(packed.some((x) => x !== 0)).toBe(true);
    });
  }
});
