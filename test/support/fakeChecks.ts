/**
 * Fake checks for tests of the CLI and the API (no claim module is loaded): one property that
 * always holds and one that fails above 10 (shrinking to 11).
 */
import * as fc from 'fast-check';
import type { PropertyCheck } from '../../src/runner/check.js';

export const passCheck: PropertyCheck<number> = {
  type: 'property',
  id: 'C1/fake/pass',
  claim: 'C1',
  title: 'passes',
  variant: 'plain',
  expect: 'hold',
  arithmetic: 'float64',
  runs: { ci: 20, full: 50 },
  arbitrary: () => fc.integer({ min: 0, max: 100 }),
  measure: (n) => ({ ok: true, error: n * 1e-18, tolerance: 1e-15 }),
};

export const failCheck: PropertyCheck<number> = {
  type: 'property',
  id: 'C2/fake/fails',
  claim: 'C2',
  title: 'fails above 10',
  variant: 'plain',
  expect: 'hold',
  arithmetic: 'float64',
  runs: { ci: 100, full: 200 },
  arbitrary: () => fc.integer({ min: 0, max: 1000 }),
  measure: (n) => ({ ok: n <= 10, error: n, tolerance: 10, derivation: 'n <= 10' }),
  describe: (n) => ({ n }),
};
