/**
 * fast-check arbitraries for HLTM trees (docs/theory.md §1.1; used by claims C3–C10).
 * Factories take a constraints object whose fields have documented defaults, fast-check style.
 * Everything shrinks towards the simplest case: a root with one leaf child, polarity 0, p_0 = 1/2.
 */
import * as fc from 'fast-check';
import { arbLogUniform, arbUniform } from './reals.js';
import { buildTree, type Shape, type Tree } from '../../src/hltm/tree.js';

export interface ShapeConstraints {
  /** Largest leaf depth (root = 0). Default 3. */
  readonly maxDepth?: number;
  /** Most children of an internal node. Default 3. */
  readonly maxChildren?: number;
  /** Irregular trees (leaves at any depth, varying fan-out); false: complete trees only. Default true. */
  readonly irregular?: boolean;
  /** Most leaves (extra subtrees are pruned, so exact enumeration stays feasible). Default 16. */
  readonly maxLeaves?: number;
}

export interface PolarityConstraints {
  /**
   * 'dyadic' (default): k/2^bits in [−1, 1], exact in rationals, ±1 and 0 drawn often;
   * 'any': uniform over [−1, 1] (shrinking to 0); 'extremes-included': that, with ±1 and 0 drawn often.
   */
  readonly kind?: 'any' | 'dyadic' | 'extremes-included';
  /** Denominator exponent of dyadic polarities. Default 6 (multiples of 1/64). */
  readonly bits?: number;
}

export interface TreeConstraints extends ShapeConstraints {
  readonly polarity?: PolarityConstraints;
  /** 'dyadic' (default): k/64 in (0, 1), shrinking to 1/2; 'half': exactly 1/2; 'any': uniform over the interior, 1 in 5 within 1e-2 of an edge (see ANY_PRIOR). */
  readonly rootPrior?: 'dyadic' | 'half' | 'any';
}

/** A tree shape with a root of ≥ 1 child; shrinks to `[0]` (a root with one leaf). */
export function arbShape(constraints: ShapeConstraints = {}): fc.Arbitrary<Shape> {
  const { maxDepth = 3, maxChildren = 3, irregular = true, maxLeaves = 16 } = constraints;
  if (!irregular) {
    return fc
      .record({ depth: fc.integer({ min: 1, max: maxDepth }), children: fc.integer({ min: 1, max: maxChildren }) })
      .map(({ depth, children }) => {
        while (depth > 1 && children ** depth > maxLeaves) depth--;
        return complete(depth, Math.min(children, maxLeaves));
      });
  }
  const node = (depth: number): fc.Arbitrary<Shape> =>
    depth >= maxDepth
      ? fc.constant(0 as Shape)
      : fc.oneof({ withCrossShrink: true }, fc.constant(0 as Shape), fc.array(node(depth + 1), { minLength: 1, maxLength: maxChildren }));
  return fc.array(node(1), { minLength: 1, maxLength: maxChildren }).map((children) => prune(children, maxLeaves).shape);
}

/** A polarity ρ ∈ [−1, 1]; shrinks towards 0. */
export function arbPolarity(constraints: PolarityConstraints = {}): fc.Arbitrary<number> {
  const { kind = 'dyadic', bits = 6 } = constraints;
  const extremes = fc.constantFrom(0, 1, -1);
  if (kind === 'dyadic') {
    const d = 2 ** bits;
    const dyadic = fc.integer({ min: -d, max: d }).map((k) => (k === 0 ? 0 : k / d));
    return fc.oneof({ withCrossShrink: true }, { arbitrary: extremes, weight: 1 }, { arbitrary: dyadic, weight: 3 });
  }
  const any = arbUniform({ min: -1, max: 1, shrinkTo: 0 });
  return kind === 'any' ? any : fc.oneof({ withCrossShrink: true }, { arbitrary: extremes, weight: 1 }, { arbitrary: any, weight: 2 });
}

/**
 * 'any': 4 in 5 draws uniform over the interior [1e-6, 1 − 1e-6] (shrinking to 1/2), 1 in 5 within
 * 1e-2 of an edge (log-uniform distance 1e-6..1e-2 from 0 or from 1).
 */
const ANY_PRIOR = fc.oneof(
  { arbitrary: arbUniform({ min: 1e-6, max: 1 - 1e-6, shrinkTo: 0.5 }), weight: 4 },
  { arbitrary: fc.tuple(fc.boolean(), arbLogUniform({ min: 1e-6, max: 1e-2 })).map(([top, d]) => (top ? 1 - d : d)), weight: 1 },
);

/** A root prior p_0 ∈ (0, 1). */
export function arbRootPrior(kind: 'dyadic' | 'half' | 'any' = 'dyadic'): fc.Arbitrary<number> {
  if (kind === 'half') return fc.constant(0.5);
  if (kind === 'any') return ANY_PRIOR;
  return fc.integer({ min: -31, max: 31 }).map((k) => 0.5 + k / 64);
}

/** A Tree (buildTree) with generated shape, polarities and root prior. */
export function arbTree(constraints: TreeConstraints = {}): fc.Arbitrary<Tree> {
  const { maxDepth = 3, maxChildren = 3, maxLeaves = 16 } = constraints;
  let full = 0;
  for (let d = 1; d <= maxDepth; d++) full += maxChildren ** d;
  const slots = Math.min(full, maxLeaves * maxDepth); // every non-root node lies above some leaf
  return fc
    .tuple(
      arbShape(constraints),
      fc.array(arbPolarity(constraints.polarity), { minLength: slots, maxLength: slots }),
      arbRootPrior(constraints.rootPrior),
    )
    .map(([shape, rhos, p0]) => {
      const index = new Map(bfsNames(shape).map((name, i) => [name, i]));
      return buildTree(shape, (name) => rhos[index.get(name)! - 1]!, p0);
    });
}

/** Node names of a shape in breadth-first order (the order of Tree.nodes). */
export function bfsNames(shape: Shape): string[] {
  const queue: { s: Shape; name: string }[] = [{ s: shape, name: 's' }];
  for (let i = 0; i < queue.length; i++) {
    const { s, name } = queue[i]!;
    if (s !== 0) s.forEach((c, k) => queue.push({ s: c, name: `${name}${k}` }));
  }
  return queue.map((q) => q.name);
}

function complete(depth: number, children: number): Shape {
  return depth === 0 ? 0 : Array.from({ length: children }, () => complete(depth - 1, children));
}

/** Keeps the first subtrees (depth-first) until `budget` leaves are used; every internal node keeps ≥ 1 child. */
function prune(children: readonly Shape[], budget: number): { shape: Shape; used: number } {
  const kept: Shape[] = [];
  let used = 0;
  for (const c of children) {
    if (used >= budget) break;
    if (c === 0) {
      kept.push(0);
      used++;
    } else {
      const p = prune(c, budget - used);
      kept.push(p.shape);
      used += p.used;
    }
  }
  return { shape: kept, used };
}
