/**
 * Rational.of reduces by gcd with fast paths (src/numeric/rational.ts: a power-of-two denominator,
 * safe-integer parts); each must give the fraction plain Euclid in bigints gives.
 */
import { describe, expect, it } from 'vitest';
import * as fc from 'fast-check';
import { Rational } from '../src/numeric/rational.js';

function euclid(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** num/den reduced by plain Euclid, den > 0. */
function reference(num: bigint, den: bigint): [bigint, bigint] {
  if (den < 0n) [num, den] = [-num, -den];
  const g = euclid(num < 0n ? -num : num, den);
  return [num / g, den / g];
}

const part = fc.oneof(
  fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }),
  fc.bigInt({ min: -(2n ** 120n), max: 2n ** 120n }),
  fc.tuple(fc.bigInt({ min: -1000n, max: 1000n }), fc.integer({ min: 0, max: 90 })).map(([m, k]) => m << BigInt(k)),
);
const denominator = fc.oneof(
  fc.integer({ min: 0, max: 130 }).map((k) => 1n << BigInt(k)),
  fc.bigInt({ min: 1n, max: 2n ** 52n }),
  fc.bigInt({ min: 1n, max: 2n ** 120n }),
  fc.bigInt({ min: -(2n ** 60n), max: -1n }),
);

describe('Rational.of', () => {
  it('reduces every fraction as Euclid does (dyadic, safe-integer and large parts)', () => {
    fc.assert(
      fc.property(part, denominator, (n, d) => {
        const r = Rational.of(n, d);
        expect([r.num, r.den]).toEqual(reference(n, d));
      }),
      { numRuns: 2000, seed: 42 },
    );
    expect(Rational.of(0n, 8n).den).toBe(1n);
    expect(Rational.of(12n, 8n).toString()).toBe('3/2');
    expect(Rational.of(-(2n ** 70n), 2n ** 80n).toString()).toBe('-1/1024');
  });
});
