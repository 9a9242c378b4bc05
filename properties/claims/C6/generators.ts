/**
 * C6's cases: distances r_+, r_k− for a loss under test (dyadic k/16, exact in rationals, or doubles;
 * ties and zeros drawn often), and small-τ tuples.
 */
import * as fc from 'fast-check';
import type { Params } from '../../../src/losses/plugin/index.js';
import type { Distances } from '../../../src/claims/lossBalance.js';
import { negativesRange, type LossUnderTest } from '../../lossUnderTest.js';

export interface DistanceCase {
  readonly params: Params;
  readonly rPos: number[];
  readonly rNeg: number[][];
  /** Constant added to every distance for the shift-invariance half of the balance check. */
  readonly shift: number;
}

/** The distances of a case as the loss sees them (d = 2, mean over the batch). */
export const distancesOf = (c: DistanceCase): Distances => ({ rPos: c.rPos, rNeg: c.rNeg, shift: c.shift, dim: 2, reduction: 'mean' });

/** Distances: dyadic k/16 in [lo, hi] (exact in rationals) or doubles; ties and zeros drawn often. */
function arbDistance(values: 'dyadic' | 'float', lo: number, hi: number): fc.Arbitrary<number> {
  const dy = fc.integer({ min: Math.ceil(lo * 16), max: Math.floor(hi * 16) }).map((k) => k / 16);
  if (values === 'dyadic') return dy;
  return fc.oneof({ arbitrary: fc.double({ min: lo, max: hi, noNaN: true }), weight: 3 }, { arbitrary: dy, weight: 1 });
}

export interface DistanceConstraints {
  /** 'dyadic' (k/16, exact in rationals) or 'float'. */
  readonly values: 'dyadic' | 'float';
  /** Distances in [lo, hi] (default [0, 8]). */
  readonly lo?: number;
  readonly hi?: number;
  /** Negatives per tuple within the family's range, at most maxH (default 4). */
  readonly maxH?: number;
  /** Tuples 1..maxB for batch losses (default 3; per-tuple losses: B = 1). */
  readonly maxB?: number;
}

/** Parameters, B tuples of distances and a shift, for a loss under test. */
export function arbDistanceCase(u: LossUnderTest, o: DistanceConstraints): fc.Arbitrary<DistanceCase> {
  const [hLo, hHi] = negativesRange(u.family, o.maxH ?? 4);
  const B = u.family.perTuple ? fc.constant(1) : fc.integer({ min: 1, max: o.maxB ?? 3 });
  const r = arbDistance(o.values, o.lo ?? 0, o.hi ?? 8);
  return fc
    .record({ B, H: fc.integer({ min: hLo, max: hHi }), params: u.params ?? fc.constant(u.family.params) })
    .chain(({ B, H, params }) =>
      fc.record({
        params: fc.constant(params),
        rPos: fc.array(r, { minLength: B, maxLength: B }),
        rNeg: fc.array(fc.array(r, { minLength: H, maxLength: H }), { minLength: B, maxLength: B }),
        shift: o.values === 'dyadic' ? fc.integer({ min: 0, max: 64 }).map((k) => k / 16) : fc.double({ min: 0, max: 4, noNaN: true }),
      }),
    );
}

export interface SmallTauCase {
  readonly tau: number;
  readonly rPos: number;
  readonly rNeg: number[];
}

/** τ from 1e-3 to 1 (log-uniform, and 1e-3, 2e-3, 1e-2 often), distances up to 50 apart, H ≤ 4 within the family's range. */
export function arbSmallTau(u: LossUnderTest): fc.Arbitrary<SmallTauCase> {
  const [lo, hi] = negativesRange(u.family, 4);
  const r = fc.oneof(fc.double({ min: 0, max: 50, noNaN: true }), fc.constantFrom(0, 1, 50));
  return fc.record({
    tau: fc.oneof(fc.constantFrom(1e-3, 2e-3, 1e-2), fc.double({ min: -3, max: 0, noNaN: true }).map((e) => 10 ** e)),
    rPos: r,
    rNeg: fc.integer({ min: lo, max: hi }).chain((H) => fc.array(r, { minLength: H, maxLength: H })),
  });
}
