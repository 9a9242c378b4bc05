/**
 * Issue 12's independent oracles can fail: C6 balance on the loss's own derivatives
 * (properties/claims/C6/balanceByDifferences.ts) catches a loss whose value is unbalanced although
 * its β are balanced by definition; the finite differences over the biases
 * (src/claims/chainRule.ts, direction over W then b) catch a wrong ∂L/∂b.
 */
import { describe, expect, it } from 'vitest';
import { F64 } from '../src/numeric/arith.js';
import { parseLoss, type Loss } from '../src/losses/index.js';
import { lossBalance } from '../src/claims/lossBalance.js';
import { derivativeAlongDirection } from '../src/claims/chainRule.js';
import { batchLoss } from '../src/network/batchGradient.js';
import { mlpArchitecture, type NetworkSpec } from '../src/network/architecture.js';
import { balanceByDifferences } from '../properties/claims/C6/balanceByDifferences.js';
import { distancesOf, type DistanceCase } from '../properties/claims/C6/generators.js';

const nce = parseLoss({ name: 'nce', tau: 0.5 });
const c: DistanceCase = { params: { tau: 0.5 }, rPos: [0.7], rNeg: [[1.3, 2.9]], shift: 0 };

describe('C6 balance by differences of the loss value', () => {
  it('a balanced loss: d/dt L(r + t·1) = 0 within the differences’ own bound (decided, tolerance > 0)', () => {
    const m = balanceByDifferences(nce, c);
    expect(m.ok, JSON.stringify(m)).toBe(true);
    expect(m.undecided).toBeUndefined();
    expect(m.tolerance).toBeGreaterThan(0);
  });

  it('a value unbalanced by 1e-6·r_+ whose β are balanced by definition: β-sum passes, the differences fail', () => {
    const skewed: Loss = { ...nce, evaluate: (A, d) => { const v = nce.evaluate(A, d); return { ...v, value: A.add(v.value, A.mul(A.from(1e-6), d.rPos[0]!)) }; } } as Loss;
    expect(lossBalance(F64, skewed, distancesOf(c)).ok).toBe(true); // shift 0: only the β-sum half decides
    const m = balanceByDifferences(skewed, c);
    expect(m.ok).toBe(false);
    expect(m.error).toBeGreaterThan(100 * m.tolerance); // the plant (1e-6 at τ = 0.5) is far outside the bound
  });
});

describe('finite differences cover the biases', () => {
  const spec: NetworkSpec = { arch: mlpArchitecture([2, 2, 1]), activation: { kind: 'tanh' }, bias: true, normalize: false, eps: 1e-4 };
  const params = { W: [[0.7, -0.3, 0.4, 0.9], [1.1, -0.6]], b: [[0.2, 0.1], [0.05]] };
  const batch = { x: [[1, 0]], pos: [[0, 1]], neg: [[[1, 1]]] };
  const biasOnly = [...new Array<number>(6).fill(0), 0.6, -0.8, 0.5];

  it('a direction over the biases only is decided and agrees with the backward pass', () => {
    const m = derivativeAlongDirection({ spec, params, batch, loss: nce, direction: biasOnly });
    expect(m.undecided).toBeUndefined();
    expect(m.ok, JSON.stringify(m)).toBe(true);
  });

  it('a backward pass with ∂L/∂b off by 1e-6 (relative) fails', () => {
    const wrong: typeof batchLoss = (A, s, p, b, l, red) => {
      const r = batchLoss(A, s, p, b, l, red);
      return { ...r, grads: { W: r.grads.W, b: r.grads.b!.map((row) => row.map((v) => A.mul(v, A.from(1 + 1e-6)))) } };
    };
    const m = derivativeAlongDirection({ spec, params, batch, loss: nce, direction: biasOnly, engine: wrong });
    expect(m.ok).toBe(false);
  });
});
