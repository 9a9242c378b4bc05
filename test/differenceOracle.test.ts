/**
 * C2's independent oracle (properties/claims/C2/differenceOracle.ts): the backward pass against
 * central differences of the forward pass, over weights and biases; kinks are undecided, not passes.
 */
import { describe, expect, it } from 'vitest';
import { RELU } from '../src/network/activation.js';
import { mlpArchitecture, type NetworkSpec } from '../src/network/architecture.js';
import { bothHold, directionFor, pairDifferenceOracle, straddlesKink } from '../properties/claims/C2/differenceOracle.js';

const spec = (activation = RELU, normalize = false): NetworkSpec => ({ arch: mlpArchitecture([2, 2, 1]), activation, bias: true, normalize, eps: 1e-4 });
const params = { W: [[0.7, -0.3, 0.4, 0.9], [1.1, -0.6]], b: [[0.2, 0.1], [0.05]] };

describe('difference oracle', () => {
  it('agrees with the backward pass on a generic tanh network (weights and biases moved)', () => {
    const s = spec({ kind: 'tanh' });
    const m = pairDifferenceOracle(s, params, [1, 0], [0, 1]);
    expect(m.undecided).toBeUndefined();
    expect(m.ok, JSON.stringify(m)).toBe(true);
    expect(m.tolerance).toBeGreaterThan(0);
    expect(directionFor(params)).toHaveLength(4 + 2 + 2 + 1);
  });

  it('a ReLU pre-activation exactly 0 (bias-free unit at x = 0) is a kink: undecided, never a silent pass', () => {
    const s = { ...spec(), bias: false };
    const p = { W: params.W, b: null };
    expect(straddlesKink(s, p, directionFor(p), [[0, 0]])).toBe(true);
    expect(pairDifferenceOracle(s, p, [0, 0], [1, 1]).undecided).toBe(true);
    expect(straddlesKink(spec(), params, directionFor(params), [[1, 0], [0, 1]])).toBe(false);
  });

  it('bothHold: a failing side wins; else the one nearer its tolerance', () => {
    const pass = { ok: true, error: 1, tolerance: 4 };
    const near = { ok: true, error: 3, tolerance: 4 };
    const bad = { ok: false, error: 9, tolerance: 4 };
    expect(bothHold(pass, bad)).toBe(bad);
    expect(bothHold(bad, pass)).toBe(bad);
    expect(bothHold(pass, near)).toBe(near);
    expect(bothHold(near, pass)).toBe(near);
    expect(bothHold(near, { ok: true, error: 0, tolerance: 0, undecided: true }).undecided).toBe(true);
  });
});
