/**
 * Seeded random numbers: one explicit seed in, never Math.random.
 * Backed by pure-rand's xoroshiro128+ (fast-check's own generator family); `fork` gives
 * independent streams by jumping 2^64 steps, so adding draws to one stream never shifts another.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

type Gen = ReturnType<typeof xoroshiro128plus>;

export class Rng {
  private gen: Gen;
  private spare: number | null = null;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`Rng: seed must be an integer, got ${seed}`);
    // xoroshiro128+ seeded with a small integer starts poorly mixed (first uniforms ≈ 1 for seeds
    // 0, 1, 2, …): scramble the seed (murmur3 finaliser) and discard the first outputs.
    this.gen = xoroshiro128plus(mix32(seed | 0));
    for (let i = 0; i < 16; i++) this.gen.next();
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    return this.gen.next() >>> 0;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.gen.next() >>> 5; // 27 bits
    const lo = this.gen.next() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** 1 with probability p, else 0. */
  bernoulli(p: number): 0 | 1 {
    return this.uniform() < p ? 1 : 0;
  }

  /** Standard normal (Box–Muller, both values used). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** An independent stream: this generator's state jumped k+1 times by 2^64 (this one is unchanged). */
  fork(k = 0): Rng {
    const child = Object.create(Rng.prototype) as Rng;
    let g = this.gen.clone();
    for (let i = 0; i <= k; i++) g.jump();
    child.gen = g;
    child.spare = null;
    return child;
  }
}

/** The murmur3 32-bit finaliser: a bijection that spreads every input bit over the output. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Derives a 32-bit seed from a base seed and labels (FNV-1a), for per-claim/per-run streams. */
export function deriveSeed(base: number, ...labels: (string | number)[]): number {
  let h = 0x811c9dc5 ^ (base >>> 0);
  for (const label of labels) {
    const s = String(label);
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
