/**
 * src/numeric/{arith,random,rational} against oracles that share no code with them (issue 12 item 5,
 * docs/mutation.md): rationals against bigint cross-multiplication and float division; erf against
 * Simpson's rule on 2/√π·e^(−t²); the seeded generator against pure-rand driven directly with a
 * murmur3 finaliser and an FNV-1a hash computed here in bigint arithmetic; Box–Muller against its
 * formula; empirical moments within 5 standard errors (false-failure rate < 1e-6 per check).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { EPS32, EPS64, EXACT, ExactUnsupported, F64 } from '../src/numeric/arith.js';
import { Rational } from '../src/numeric/rational.js';
import { Rng, deriveSeed } from '../src/numeric/random.js';
import { withinBound } from './support/within.js';

const bgcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
};
/** r is the reduced form of n/d: den > 0, gcd 1, r.num·d = n·r.den. */
const isReducedOf = (r: Rational, n: bigint, d: bigint): boolean =>
  r.den > 0n && bgcd(r.num, r.den) === 1n && r.num * d === n * r.den;

const small = fc.bigInt({ min: -60n, max: 60n });
const nonzero = small.filter((x) => x !== 0n);

describe('Rational against bigint cross-multiplication', () => {
  it('of reduces, moves the sign to the numerator, refuses a zero denominator', () => {
    fc.assert(fc.property(small, nonzero, (n, d) => isReducedOf(Rational.of(n, d), n, d)));
    const r = Rational.of(6n, -4n);
    expect([r.num, r.den]).toEqual([-3n, 2n]);
    expect([Rational.of(-5n, -1n).num, Rational.of(-5n, -1n).den]).toEqual([5n, 1n]);
    expect([Rational.of(7n).num, Rational.of(7n).den]).toEqual([7n, 1n]);
    expect([Rational.of(0n, -9n).num, Rational.of(0n, -9n).den]).toEqual([0n, 1n]);
    expect(() => Rational.of(1n, 0n)).toThrow(/Rational\.of: denominator is 0/);
    expect([Rational.ZERO.num, Rational.ZERO.den, Rational.ONE.num, Rational.ONE.den]).toEqual([0n, 1n, 1n, 1n]);
  });

  it('add, sub, mul, div are the fraction rules (integers, equal and unequal denominators)', () => {
    const pairs = fc.tuple(small, nonzero, small, nonzero);
    const sameDen = fc.tuple(small, nonzero, small).map(([a, b, c]) => [a, b, c, b] as const);
    const ints = fc.tuple(small, small).map(([a, c]) => [a, 1n, c, 1n] as const);
    for (const arb of [pairs, sameDen, ints]) {
      fc.assert(fc.property(arb, ([a, b, c, d]) => {
        const x = Rational.of(a, b);
        const y = Rational.of(c, d);
        const okDiv = c === 0n ? (() => { try { x.div(y); return false; } catch (e) { return /division by 0/.test(String(e)); } })() : isReducedOf(x.div(y), a * d, b * c);
        return isReducedOf(x.add(y), a * d + c * b, b * d) && isReducedOf(x.sub(y), a * d - c * b, b * d) &&
          isReducedOf(x.mul(y), a * c, b * d) && okDiv && isReducedOf(x.neg(), -a, b);
      }), { numRuns: 300 });
    }
  });

  it('sign, compare, abs, equals', () => {
    fc.assert(fc.property(small, nonzero, small, nonzero, (a, b, c, d) => {
      const x = Rational.of(a, b);
      const y = Rational.of(c, d);
      const lhs = a * d * (b * d > 0n ? 1n : -1n);
      const rhs = c * b * (b * d > 0n ? 1n : -1n);
      const cmp = lhs > rhs ? 1 : lhs < rhs ? -1 : 0;
      const sgn = a * b > 0n ? 1 : a * b < 0n ? -1 : 0;
      return x.compare(y) === cmp && x.equals(y) === (cmp === 0) && x.sign() === sgn &&
        isReducedOf(x.abs(), a < 0n ? -a : a, b < 0n ? -b : b);
    }), { numRuns: 300 });
    const h = Rational.of(1n, 2n);
    expect(h.abs()).toBe(h); // non-negative: the same object
  });

  it('fromNumber is exact; toString, toJSON and parse', () => {
    expect(Rational.fromNumber(0.75).toString()).toBe('3/4');
    expect(Rational.fromNumber(-0.375).toString()).toBe('-3/8');
    expect(Rational.fromNumber(12).toString()).toBe('12');
    expect(Rational.fromNumber(2 ** -1074).toString()).toBe(`1/${2n ** 1074n}`);
    expect(JSON.stringify({ v: Rational.of(-2n, 6n) })).toBe('{"v":"-1/3"}');
    expect(Rational.parse(' -3 / 6 ').toString()).toBe('-1/2');
    expect(Rational.parse('5').toString()).toBe('5');
    expect(Rational.parse('-120/36').toString()).toBe('-10/3');
    expect(Rational.parse('4/1').den).toBe(1n);
    expect(() => Rational.parse('1/2/3')).toThrow(/Rational\.parse: '1\/2\/3' is not a fraction a\/b/);
    expect(() => Rational.parse('x5')).toThrow(SyntaxError);
    expect(() => Rational.fromNumber(Infinity)).toThrow(/Rational\.fromNumber: Infinity is not finite/);
  });

  it('toNumber is the correctly rounded quotient (safe parts), and close to it otherwise', () => {
    const safe = fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 });
    const pos = fc.integer({ min: 1, max: 2 ** 53 - 1 });
    fc.assert(fc.property(safe, pos, (n, d) => Rational.of(BigInt(n), BigInt(d)).toNumber() === n / d), { numRuns: 300 });
    // Dyadic values whose denominator is not a safe integer: exact, including subnormals.
    for (const x of [2 ** -1074, 3 * 2 ** -1074, -(2 ** -1060) * 5, 2 ** -600 * 7, 1.5 * 2 ** -53 + 2 ** -80]) {
      expect(Rational.fromNumber(x).toNumber()).toBe(x);
    }
    // A quotient just above a halfway point (n/d = (2^53+1)/2^20 + 1/(d·2^20)): one rounding gives the
    // upper neighbour; truncating to 66 bits first and rounding again would tie to the even lower one.
    expect(Rational.of(9007190664806401n, 1048575n).toNumber()).toBe(9007190664806401 / 1048575);
    // A dyadic value below 2^-1000 with a safe numerator: scaled in steps, not by 2^-1100 (= 0).
    expect(Rational.of(2n ** 40n + 1n, 2n ** 1100n).toNumber()).toBe((2 ** 40 + 1) * 2 ** -100 * 2 ** -1000);
    expect(Rational.of(2n ** 40n + 1n, 2n ** 1100n).toNumber()).toBeGreaterThan(0);
    // General case (neither part safe nor a power of two): within one rounding of n/d, checked
    // exactly: |got − n/d| ≤ 2^-52·|n/d| ⇔ |g.num·d − n·g.den|·2^52 ≤ |n|·g.den.
    const cases: Array<[bigint, bigint]> = [
      [10n ** 30n + 1n, 3n], [-(10n ** 30n), 7n], [1n, 3n ** 40n], [2n ** 70n + 1n, 2n ** 71n + 3n],
      [5n, 3n ** 600n], [-(3n ** 500n), 2n ** 1500n + 1n], [3n ** 90n, 7n ** 20n],
    ];
    for (const [n, d] of cases) {
      const got = Rational.of(n, d).toNumber();
      const g = Rational.fromNumber(got);
      const err = g.num * d - n * g.den;
      expect((err < 0n ? -err : err) * 2n ** 52n <= (n < 0n ? -n : n) * g.den).toBe(true);
    }
    expect(Rational.of(10n ** 400n, 3n ** 100n).toNumber()).toBe(Infinity);
  });
});

/**
 * erf by composite Simpson's rule on 2/√π·e^(−t²) over [0, x], n = 20000. Truncation ≤ |x|·h⁴/180·max|f⁗|
 * with f⁗ = 2/√π·(16t⁴ − 48t² + 12)e^(−t²), largest at t = 0: 24/√π (simpsonTruncation; 3.7e-15 at x = 6).
 */
const SIMPSON_N = 20000;
function erfSimpson(x: number): number {
  const n = SIMPSON_N;
  const h = x / n;
  const f = (t: number) => Math.exp(-t * t);
  let s = f(0) + f(x);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(i * h);
  return ((2 / Math.sqrt(Math.PI)) * s * h) / 3;
}
const simpsonTruncation = (x: number) => (Math.abs(x) * (x / SIMPSON_N) ** 4 * (24 / Math.sqrt(Math.PI))) / 180;

describe('Arith: F64 against Math, EXACT against Rational', () => {
  it('erf against Simpson on both branches (|x| < 2.5 series, ≥ 2.5 continued fraction) and both signs', () => {
    // Rounding, from the table, of each side: Simpson's sum (n + 1 terms: the chain n + 4 with the product, its
    // h and /3 and the exp of each point) relative to its one-signed terms, |erf| ≤ 1; erf's Maclaurin series
    // (≤ 80 terms, 3 operations each, then 2/√π) relative to Σ|terms| = 2/√π·Σ|x|^(2k+1)/(k!(2k+1)) (it cancels:
    // ≈ 111 at x = 2.49), or the continued fraction (60 steps of 2, exp, √, 2 divides, 1 −) relative to 1.
    // Plus Simpson's truncation.
    for (const x of [0.001, 0.3, -0.7, 1, 1.9, -2.4, 2.49, 2.5, 2.6, -3, 4, 6]) {
      let terms = 0;
      let term = Math.abs(x);
      for (let k = 0; k < 80; k++) {
        terms += term / (2 * k + 1);
        term *= (x * x) / (k + 1);
      }
      const erfSide = Math.abs(x) < 2.5 ? withinBound(1, { ops: 3 * 80 + 2, scale: (2 / Math.sqrt(Math.PI)) * terms }) : withinBound(1, { ops: 2 * 60 + 6 });
      const simpsonSide = withinBound(1, { ops: SIMPSON_N + 4 });
      const tol = erfSide.tol + simpsonSide.tol + simpsonTruncation(x);
      expect(Math.abs(F64.fn('erf', x) - erfSimpson(x)), `erf(${x}): ${erfSide.derivation} + ${simpsonSide.derivation} + truncation`).toBeLessThanOrEqual(tol);
    }
    expect(F64.fn('erf', 0)).toBe(0);
    expect(F64.fn('erf', -3)).toBe(-F64.fn('erf', 3));
    expect(F64.fn('erf', 30)).toBe(1);
    expect(F64.fn('erf', -30)).toBe(-1);
  });

  it('F64 operations', () => {
    expect([F64.name, F64.exact, F64.zero, F64.one]).toEqual(['float64', false, 0, 1]);
    expect([F64.add(2, 3), F64.sub(2, 3), F64.mul(2, 3), F64.div(3, 2), F64.neg(2)]).toEqual([5, -1, 6, 1.5, -2]);
    expect([F64.sign(3), F64.sign(-0.5), F64.sign(0), F64.sign(-0), F64.sign(NaN)]).toEqual([1, -1, 0, 0, 0]);
    expect([F64.eq(1, 1), F64.eq(1, 2), F64.from(0.25), F64.toNumber(-4), F64.sqrt(9)]).toEqual([true, false, 0.25, -4, 3]);
    expect([F64.fn('exp', 1), F64.fn('log', Math.E), F64.fn('tanh', 0.5), F64.fn('log1p', 1e-20)]).toEqual([Math.E, 1, Math.tanh(0.5), 1e-20]);
  });

  it('EXACT operations and the irrational ones refused by name', () => {
    const q = (n: number, d = 1) => Rational.of(BigInt(n), BigInt(d));
    expect([EXACT.name, EXACT.exact]).toEqual(['rational', true]);
    expect(EXACT.zero.equals(q(0)) && EXACT.one.equals(q(1))).toBe(true);
    expect(EXACT.add(q(1, 2), q(1, 3)).equals(q(5, 6))).toBe(true);
    expect(EXACT.sub(q(1, 2), q(1, 3)).equals(q(1, 6))).toBe(true);
    expect(EXACT.mul(q(2, 3), q(3, 4)).equals(q(1, 2))).toBe(true);
    expect(EXACT.div(q(2, 3), q(4, 3)).equals(q(1, 2))).toBe(true);
    expect(EXACT.neg(q(2, 3)).equals(q(-2, 3))).toBe(true);
    expect([EXACT.sign(q(-1, 9)), EXACT.sign(q(0)), EXACT.sign(q(2))]).toEqual([-1, 0, 1]);
    expect([EXACT.eq(q(2, 4), q(1, 2)), EXACT.eq(q(1), q(2))]).toEqual([true, false]);
    expect(EXACT.from(0.125).equals(q(1, 8))).toBe(true);
    expect(EXACT.toNumber(q(3, 8))).toBe(0.375);
    expect(() => EXACT.sqrt(q(4))).toThrow(ExactUnsupported);
    expect(() => EXACT.sqrt(q(4))).toThrow('exact (rational) arithmetic cannot compute a square root (output normalisation): use float64 for this variant');
    expect(() => EXACT.fn('tanh', q(1))).toThrow(/cannot compute tanh:/);
    try { EXACT.fn('exp', q(1)); } catch (e) { expect((e as Error).name).toBe('ExactUnsupported'); }
    expect([EPS64, EPS32]).toEqual([2 ** -52, 2 ** -23]);
  });
});

// ---- random: pure-rand driven directly, hashes computed here in bigint arithmetic ----
const M32 = (1n << 32n) - 1n;
const toI32 = (x: bigint) => Number(BigInt.asIntN(32, x));
/** murmur3's fmix32 in bigint arithmetic. */
function fmix32(seed: number): number {
  let h = BigInt(seed) & M32;
  h ^= h >> 16n;
  h = (h * 0x85ebca6bn) & M32;
  h ^= h >> 13n;
  h = (h * 0xc2b2ae35n) & M32;
  h ^= h >> 16n;
  return toI32(h);
}
function reference(seed: number) {
  const g = xoroshiro128plus(fmix32(seed));
  for (let i = 0; i < 16; i++) g.next();
  return g;
}

describe('Rng against pure-rand and the distributions', () => {
  it('refuses a non-integer seed by name', () => {
    expect(() => new Rng(1.5)).toThrow(/Rng: seed must be an integer, got 1\.5/);
    expect(() => new Rng(NaN)).toThrow(RangeError);
  });

  it('the stream is xoroshiro128+ seeded with fmix32(seed) after 16 discarded outputs', () => {
    for (const seed of [0, 1, 42, -7, 2 ** 31 - 1]) {
      const r = new Rng(seed);
      const g = reference(seed);
      for (let i = 0; i < 8; i++) expect(r.u32()).toBe(g.next() >>> 0);
      const hi = g.next() >>> 5;
      const lo = g.next() >>> 6;
      expect(r.uniform()).toBe((hi * 2 ** 26 + lo) * 2 ** -53);
    }
    expect(fmix32(0)).toBe(0);
  });

  it('uniform, range, int, bernoulli: support and moments within 5 standard errors', () => {
    const r = new Rng(5);
    const m = 20000;
    let s = 0, lowBit = 0;
    for (let i = 0; i < m; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      s += u;
      lowBit += ((u * 2 ** 53) % 2);
    }
    expect(Math.abs(s / m - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / m));
    expect(Math.abs(lowBit / m - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / m)); // all 53 bits random
    let sr = 0;
    for (let i = 0; i < m; i++) {
      const x = r.range(-3, 5);
      expect(x >= -3 && x < 5).toBe(true);
      sr += x;
    }
    expect(Math.abs(sr / m - 1)).toBeLessThan(5 * Math.sqrt(64 / 12 / m));
    const hits = new Array(7).fill(0);
    for (let i = 0; i < 7000; i++) {
      const k = r.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
      hits[k]++;
    }
    for (const h of hits) expect(Math.abs(h - 1000)).toBeLessThan(5 * Math.sqrt(7000 * (1 / 7) * (6 / 7)));
    let b = 0;
    for (let i = 0; i < m; i++) b += r.bernoulli(0.3);
    expect(Math.abs(b / m - 0.3)).toBeLessThan(5 * Math.sqrt(0.21 / m));
    for (let i = 0; i < 100; i++) expect([r.bernoulli(0), r.bernoulli(1)]).toEqual([0, 1]);
  });

  it('normal is Box–Muller on two uniforms, cos value first, sin value (the spare) second', () => {
    const r = new Rng(11);
    const u = new Rng(11);
    for (let i = 0; i < 50; i++) {
      const a = u.uniform();
      const v = u.uniform();
      const rad = Math.sqrt(-2 * Math.log(a));
      expect(r.normal()).toBe(rad * Math.cos(2 * Math.PI * v));
      expect(r.normal()).toBe(rad * Math.sin(2 * Math.PI * v));
    }
    const m = 20000;
    let s = 0, s2 = 0;
    for (let i = 0; i < m; i++) {
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / m)).toBeLessThan(5 * Math.sqrt(1 / m));
    expect(Math.abs(s2 / m - 1)).toBeLessThan(5 * Math.sqrt(2 / m));
  });

  it('fork(k) is the state jumped k+1 times, leaves the parent unchanged and has no spare', () => {
    const parent = new Rng(3);
    parent.normal(); // leaves a spare in the parent
    const child0 = parent.fork();
    const child2 = parent.fork(2);
    const g0 = reference(3);
    for (let i = 0; i < 4; i++) g0.next(); // the two uniforms (two outputs each) the parent's normal() used
    const j0 = g0.clone(); j0.jump();
    const j2 = g0.clone(); j2.jump(); j2.jump(); j2.jump();
    // child has no spare: its first normal() draws two fresh uniforms from the jumped state.
    const a = (j0.next() >>> 5) * 2 ** 26 + (j0.next() >>> 6);
    const v = (j0.next() >>> 5) * 2 ** 26 + (j0.next() >>> 6);
    expect(child0.normal()).toBe(Math.sqrt(-2 * Math.log(a * 2 ** -53)) * Math.cos(2 * Math.PI * v * 2 ** -53));
    for (let i = 0; i < 4; i++) expect(child2.u32()).toBe(j2.next() >>> 0);
    // The parent continues with its spare, then its own (unjumped) stream.
    const twin = new Rng(3);
    twin.normal();
    expect(parent.normal()).toBe(twin.normal());
    for (let i = 0; i < 4; i++) expect(parent.u32()).toBe(g0.next() >>> 0);
  });

  it('deriveSeed is FNV-1a over the labels, each closed by 0xff, base xor-ed into the offset basis', () => {
    const P = 0x01000193n;
    const fnv = (base: number, labels: (string | number)[]) => {
      let h = (0x811c9dc5n ^ (BigInt(base) & M32)) & M32;
      for (const l of labels) {
        for (const ch of String(l)) h = ((h ^ BigInt(ch.charCodeAt(0))) * P) & M32;
        h = ((h ^ 0xffn) * P) & M32;
      }
      return toI32(h);
    };
    expect(deriveSeed(0)).toBe(toI32(0x811c9dc5n));
    for (const [base, labels] of [[42, ['C1']], [-1, ['a', 7]], [7, ['claims', 'C2', 'float64']], [2 ** 31 + 5, ['']], [0, ['ab']], [0, ['a', 'b']]] as Array<[number, (string | number)[]]>) {
      expect(deriveSeed(base, ...labels)).toBe(fnv(base, labels));
    }
    expect(deriveSeed(0, 'ab')).not.toBe(deriveSeed(0, 'a', 'b'));
  });
});
