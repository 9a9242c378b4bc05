/**
 * Exact rational numbers as bigint fractions num/den, den > 0, gcd(num, den) = 1.
 *
 * Every finite float64 is a dyadic rational, so `Rational.fromNumber` is exact; the exact reference
 * path of covcheck (docs/theory.md §3) draws weights and inputs as small dyadic rationals, so ReLU and
 * every product stay exact and a claim's verdict is `===` (here: `Rational.equals`).
 */
export class Rational {
  readonly num: bigint;
  readonly den: bigint;

  private constructor(num: bigint, den: bigint) {
    this.num = num;
    this.den = den;
  }

  static readonly ZERO = new Rational(0n, 1n);
  static readonly ONE = new Rational(1n, 1n);

  /** num/den reduced; throws RangeError on a zero denominator. */
  static of(num: bigint, den: bigint = 1n): Rational {
    if (den === 0n) throw new RangeError('Rational.of: denominator is 0');
    if (den < 0n) {
      num = -num;
      den = -den;
    }
    if (den === 1n) return new Rational(num, 1n);
    const g = gcd(num < 0n ? -num : num, den);
    return g === 1n ? new Rational(num, den) : new Rational(num / g, den / g);
  }

  /** The exact value of a finite float64 (a dyadic rational). Throws on NaN/Infinity. */
  static fromNumber(x: number): Rational {
    if (!Number.isFinite(x)) throw new RangeError(`Rational.fromNumber: ${x} is not finite`);
    if (Number.isInteger(x)) return new Rational(BigInt(x), 1n);
    let den = 1n;
    let v = x;
    // Multiply by 2 until integral: at most 1074 steps for subnormals, exact in float64.
    while (!Number.isInteger(v)) {
      v *= 2;
      den *= 2n;
    }
    return Rational.of(BigInt(v), den);
  }

  add(o: Rational): Rational {
    if (this.den === 1n && o.den === 1n) return new Rational(this.num + o.num, 1n);
    if (this.den === o.den) return Rational.of(this.num + o.num, this.den);
    return Rational.of(this.num * o.den + o.num * this.den, this.den * o.den);
  }
  sub(o: Rational): Rational {
    if (this.den === 1n && o.den === 1n) return new Rational(this.num - o.num, 1n);
    if (this.den === o.den) return Rational.of(this.num - o.num, this.den);
    return Rational.of(this.num * o.den - o.num * this.den, this.den * o.den);
  }
  mul(o: Rational): Rational {
    if (this.num === 0n || o.num === 0n) return Rational.ZERO;
    if (this.den === 1n && o.den === 1n) return new Rational(this.num * o.num, 1n);
    return Rational.of(this.num * o.num, this.den * o.den);
  }
  div(o: Rational): Rational {
    if (o.num === 0n) throw new RangeError('Rational.div: division by 0');
    return Rational.of(this.num * o.den, this.den * o.num);
  }
  neg(): Rational {
    return new Rational(-this.num, this.den);
  }
  sign(): -1 | 0 | 1 {
    return this.num > 0n ? 1 : this.num < 0n ? -1 : 0;
  }
  equals(o: Rational): boolean {
    return this.num === o.num && this.den === o.den;
  }
  compare(o: Rational): -1 | 0 | 1 {
    return this.sub(o).sign();
  }
  abs(): Rational {
    return this.num < 0n ? this.neg() : this;
  }
  /** Nearest float64 (correctly rounded for dyadic values whose parts fit; otherwise close). */
  toNumber(): number {
    if (this.den === 1n) return Number(this.num);
    const n = Number(this.num);
    const d = Number(this.den);
    const exact = Number.isSafeInteger(n) && Number.isSafeInteger(d);
    if (exact) return n / d; // both exact: one correctly rounded division
    const isPow2 = (this.den & (this.den - 1n)) === 0n;
    if (isPow2 && Number.isSafeInteger(n)) return scalePow2(n, -(this.den.toString(2).length - 1));
    // General: q = ⌊num·2^k / den⌋ with ≥ 66 significant bits, then scale back by 2^-k.
    const bits = (v: bigint) => (v < 0n ? -v : v).toString(2).length;
    const k = Math.max(0, 66 + bits(this.den) - bits(this.num));
    return scalePow2(Number((this.num << BigInt(k)) / this.den), -k);
  }
  toString(): string {
    return this.den === 1n ? this.num.toString() : `${this.num}/${this.den}`;
  }
  toJSON(): string {
    return this.toString();
  }
  /** Parses "a" or "a/b" (bigint literals). */
  static parse(s: string): Rational {
    const m = /^\s*(-?\d+)\s*(?:\/\s*(\d+)\s*)?$/.exec(s);
    if (!m) throw new SyntaxError(`Rational.parse: '${s}' is not a fraction a/b`);
    return Rational.of(BigInt(m[1]!), m[2] === undefined ? 1n : BigInt(m[2]));
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * gcd(a, b) for a ≥ 0, b > 0. Fast paths, same value: b a power of two (the dyadic rationals of the
 * exact path: gcd = the lower of b and a's lowest set bit, 0 having every bit), and both parts
 * safe integers (Euclid in float64, exact there); otherwise Euclid in bigints.
 */
function gcd(a: bigint, b: bigint): bigint {
  if ((b & (b - 1n)) === 0n) {
    if (a === 0n) return b;
    const low = a & -a;
    return low < b ? low : b;
  }
  if (a <= MAX_SAFE && b <= MAX_SAFE) {
    let x = Number(a);
    let y = Number(b);
    while (y !== 0) {
      const t = x % y;
      x = y;
      y = t;
    }
    return BigInt(x);
  }
  while (b !== 0n) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** x·2^e, in steps so that intermediate powers of two neither overflow nor underflow early. */
function scalePow2(x: number, e: number): number {
  while (e < -1000) {
    x *= 2 ** -1000;
    e += 1000;
  }
  while (e > 1000) {
    x *= 2 ** 1000;
    e -= 1000;
  }
  return x * 2 ** e;
}
