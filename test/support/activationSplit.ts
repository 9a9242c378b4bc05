/**
 * What a C1 case with per-block activations (properties/claims/C1/generators.ts `split`) reaches:
 * where its non-homogeneous ψ sits relative to the cut, and whether that ψ acts at all (some unit
 * carrying it has a nonzero pre-activation at x; tanh(0) = 0 is homogeneous there). Shared by
 * test/generators.test.ts and scripts/generator-stats.ts.
 */
import { isHomogeneous } from '../../src/network/activation.js';
import { blockActivation } from '../../src/network/architecture.js';
import { forward } from '../../src/network/forward.js';
import { F64 } from '../../src/numeric/arith.js';
import { atOrAbove, type EulerCase } from '../../properties/claims/C1/generators.js';

/** The hidden blocks with a non-homogeneous ψ, split into those strictly below the cut and those at or above it. */
export function nonHomogeneousBlocks(c: EulerCase): { below: number[]; atOrAbove: number[] } {
  const { spec } = c.net;
  const above = atOrAbove(spec.arch, c.cut);
  const blocks = spec.arch.blocks.filter((b) => b.index !== spec.arch.output && !isHomogeneous(blockActivation(spec, b.index))).map((b) => b.index);
  return { below: blocks.filter((b) => !above.has(b)), atOrAbove: blocks.filter((b) => above.has(b)) };
}

/** Some unit with a non-homogeneous ψ has g ≠ 0 at the case's input. */
export function nonHomogeneousActs(c: EulerCase): boolean {
  const { below, atOrAbove: at } = nonHomogeneousBlocks(c);
  const g = forward(F64, c.net.spec, c.net.params, c.x).g;
  return [...below, ...at].some((b) => g[b]!.some((v) => v !== 0));
}
