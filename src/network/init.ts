/**
 * Seeded initialisations of a network's parameters (float64 values; `toArith` converts exactly).
 *
 * - 'pytorch':  W, b ~ U(−1/√fan_in, 1/√fan_in)   (torch.nn.Linear's default; the official code)
 * - 'gaussian': W ~ N(0, scale²/fan_in), b = 0
 * - 'uniform':  W ~ U(−√3·scale/√fan_in, √3·scale/√fan_in), b = 0 (same variance as 'gaussian')
 * - 'dyadic':   W, b ∈ {k/2^m : |k| ≤ 2^m·scale}, m = `bits` (default 3): exact in float64 and
 *               small in rationals, so exact-mode products stay short.
 */
import type { Arith } from '../numeric/arith.js';
import { Rng } from '../numeric/random.js';
import type { NetworkSpec, Params } from './architecture.js';

export type InitScheme = 'pytorch' | 'gaussian' | 'uniform' | 'dyadic';

export interface InitOptions {
  readonly scheme?: InitScheme;
  /** Standard-deviation multiplier ('gaussian', 'uniform') or magnitude bound ('dyadic'). Default 1. */
  readonly scale?: number;
  /** Binary digits of dyadic values. Default 3. */
  readonly bits?: number;
}

export function initParams(spec: NetworkSpec, rng: Rng, options: InitOptions = {}): Params<number> {
  const scheme = options.scheme ?? 'gaussian';
  const scale = options.scale ?? 1;
  const bits = options.bits ?? 3;
  const draw = (fanIn: number, isBias: boolean): number => {
    switch (scheme) {
      case 'pytorch':
        return rng.range(-1, 1) / Math.sqrt(fanIn);
      case 'gaussian':
        return isBias ? 0 : (rng.normal() * scale) / Math.sqrt(fanIn);
      case 'uniform':
        return isBias ? 0 : (rng.range(-1, 1) * Math.sqrt(3) * scale) / Math.sqrt(fanIn);
      case 'dyadic': {
        const m = 2 ** bits;
        const k = rng.int(2 * m * scale + 1) - m * scale;
        return k / m;
      }
    }
  };
  const W = spec.arch.blocks.map((b) => Array.from({ length: b.out * b.in }, () => draw(b.in, false)));
  const b = spec.bias ? spec.arch.blocks.map((blk) => Array.from({ length: blk.out }, () => draw(blk.in, true))) : null;
  return { W, b };
}

/** Converts float64 parameters into arithmetic A (exact for rationals: every double is dyadic). */
export function toArith<T>(A: Arith<T>, p: Params<number>): Params<T> {
  return { W: p.W.map((w) => w.map((v) => A.from(v))), b: p.b ? p.b.map((v) => v.map((u) => A.from(u))) : null };
}
