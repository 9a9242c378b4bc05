/**
 * Issue 12, verdicts that can fail: a throwing check is an error (red), never known-fail,
 * expected-fail or a caught mutant; a non-finite error is never an expected-fail counterexample;
 * a vitest test accepts only the declared verdict. Each test here fails without its fix.
 */
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomCheck, Measurement, PropertyCheck } from '../src/runner/check.js';
import { runCheck, thrownResult } from '../src/runner/run.js';
import { KNOWN_FAILS, type KnownFail } from '../src/runner/knownFails.js';
import { caughtIt } from '../properties/mutants/catch.js';
import { acceptedVerdict } from '../properties/acceptedVerdict.js';

// The registry is empty since C7's factor H went into THEORY.md: register a test entry for this file only.
const KNOWN = 'C7/test/registered-known-fail';
const registry = KNOWN_FAILS as KnownFail[];
beforeAll(() => void registry.push({ check: KNOWN, evidence: 'test entry (test/runnerVerdicts.test.ts)' }));
afterAll(() => void registry.splice(registry.findIndex((k) => k.check === KNOWN), 1));

function property(id: string, expectAs: 'hold' | 'fail', measure: (x: number) => Measurement): PropertyCheck<number> {
  return { type: 'property', id, claim: 'C1', title: id, variant: 'test', expect: expectAs, arithmetic: 'float64', runs: { ci: 20, full: 20 }, arbitrary: () => fc.integer({ min: 0, max: 100 }), measure };
}
const boom = (): Measurement => {
  throw new Error('predicate bug');
};
const opts = { seed: 1, scale: 'ci' as const };

describe('a check that throws is an error (red)', () => {
  it('a registered known-fail whose predicate throws is fail, not known-fail', async () => {
    const r = await runCheck(property(KNOWN, 'hold', boom), opts);
    expect(r.verdict).toBe('fail');
    expect(r.errored).toBe(true);
    expect(r.message).toMatch(/threw: .*predicate bug/);
  });

  it('an expected-fail check whose predicate throws is fail, not expected-fail', async () => {
    const r = await runCheck(property('X/throws', 'fail', boom), opts);
    expect(r.verdict).toBe('fail');
    expect(r.errored).toBe(true);
  });

  it('a custom check that throws: runCheck propagates it; thrownResult makes it an errored fail', async () => {
    const c: CustomCheck = { type: 'custom', id: KNOWN, claim: 'C7', title: 't', variant: 'v', expect: 'hold', arithmetic: 'rational', run: () => { throw new Error('custom bug'); } };
    await expect(runCheck(c, opts)).rejects.toThrow('custom bug');
    const r = thrownResult(c, opts, new Error('custom bug'));
    expect(r.verdict).toBe('fail');
    expect(r.errored).toBe(true);
    expect(r.message).toMatch(/custom bug/);
  });

  it('an errored fail never counts as a caught mutant; a measured fail does', async () => {
    const errored = await runCheck(property('X/throws', 'hold', boom), opts);
    const measured = await runCheck(property('X/violates', 'hold', (x) => ({ ok: x < 50, error: x, tolerance: 50 })), opts);
    expect(measured.verdict).toBe('fail');
    expect(caughtIt(errored)).toBe(false);
    expect(caughtIt(measured)).toBe(true);
  });
});

describe('a non-finite error is never an expected-fail counterexample', () => {
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`error ${bad}: fail (errored), not expected-fail`, async () => {
      const r = await runCheck(property('X/nan', 'fail', () => ({ ok: false, error: bad, tolerance: 1 })), opts);
      expect(r.verdict).toBe('fail');
      expect(r.errored).toBe(true);
      expect(r.message).toMatch(/non-finite/);
    });
  }

  it('a finite violation among non-finite cases is still the counterexample', async () => {
    const r = await runCheck(property('X/mixed', 'fail', (x) => (x % 2 === 0 ? { ok: false, error: Number.NaN, tolerance: 1 } : { ok: x < 10, error: x, tolerance: 10 })), { ...opts, numRuns: 200 });
    expect(r.verdict).toBe('expected-fail');
    expect(Number.isFinite(r.counterexample?.measurement.error)).toBe(true);
  });
});

describe('the vitest test accepts only the declared verdict', () => {
  it('hold → pass, excluded variant → expected-fail, registered → known-fail, full-scale only → skipped', () => {
    expect(acceptedVerdict({ id: 'C1/x', expect: 'hold' })).toBe('pass');
    expect(acceptedVerdict({ id: 'C1/x', expect: 'fail' })).toBe('expected-fail');
    expect(acceptedVerdict({ id: KNOWN, expect: 'hold' })).toBe('known-fail');
    expect(acceptedVerdict({ id: 'C12/x', expect: 'hold' }, { fullScaleOnly: true })).toBe('skipped');
  });

  it('a hold check that finds no counterexample is pass, an excluded one that finds none is fail', async () => {
    expect((await runCheck(property('X/ok', 'hold', () => ({ ok: true, error: 0, tolerance: 1 })), opts)).verdict).toBe('pass');
    expect((await runCheck(property('X/ok', 'fail', () => ({ ok: true, error: 0, tolerance: 1 })), opts)).verdict).toBe('fail');
  });
});
