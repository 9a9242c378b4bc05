/**
 * Issue 8 §1: a loss with an ordinary `+ 1e-8` in a denominator fails C6 balance (the verdict is
 * right), and the message says how large the imbalance is relative to the loss weights and what it
 * breaks, so a user can decide.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './support/runCli.js';

describe('C6 balance message', () => {
  it('an eps in the denominator: fail, with the relative size and what it breaks', async () => {
    const r = await runCli(['verify', '--claims', 'C6', '--no-corpus', '--no-report', '--verbose', '--loss', './test/fixtures/plugins/epsNce.ts'], { claims: undefined, checks: undefined });
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/imbalance \S+ of Σ\|β\| = \S+; it breaks the covariance form of C3\/C7, which needs β_\+ = −Σβ_k/);
  }, 120_000);
});
