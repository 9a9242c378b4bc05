// C6/float64/in-batch-balance at verify --seed 74 (issue 8 §1, no false reds): ntxent's distances are
// similarities, negative here, and the shift half's tolerance scale took their signed sum, which
// cancelled to ≤ 0: tolerance 1.4e-306 against a rounding error of 1.1e-16. The scale is a magnitude.
import { describe, expect, it } from 'vitest';
import { balancePerAnchor } from '../properties/claims/inBatch/chainRule.js';

const SEED_74_CASE = {"seed": 793124214, "depth": 1, "hid": 1, "B": 2, "loss": {"name": "ntxent", "tau": 0.5}, "symmetric": false, "bias": false, "normalize": false, "reduction": "mean", "values": "float"};

describe('C6 balance: the shift tolerance scales with |r|, not the signed Σr', () => {
  it('the verify --seed 74 case (ntxent τ 0.5, similarities −0.9985) passes with a derived tolerance', () => {
    const m = balancePerAnchor.measure(SEED_74_CASE as never);
    expect(m.ok, m.derivation).toBe(true);
    expect(m.tolerance).toBeGreaterThan(1e-14);
    expect(m.error).toBeGreaterThan(0); // a real rounding error, within the tolerance
  });
});
