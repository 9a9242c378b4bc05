/**
 * The random HLTM of a training run (docs/theory.md §1.1, the official code's sampling): a complete
 * tree whose every edge has |ρ| ~ U[δ_lower, δ_upper] and a random sign, drawn once per tree.
 * Draw order: non-root nodes breadth-first, per node u = uniform() then the sign (uniform() < ½ →
 * negative), |ρ| = δ_lower + (δ_upper − δ_lower)·u. The same seed gives the same u and signs for
 * any (δ_lower, δ_upper): runs that differ only in δ are paired (claim C12(a)).
 */
import { completeTree, type Tree } from '../hltm/tree.js';
import type { Rng } from '../numeric/random.js';

export function randomPolarityTree(depth: number, children: number, deltaLower: number, deltaUpper: number, rng: Rng, rootPrior = 0.5): Tree {
  const names = completeTree(depth, children, () => 0).nodes.slice(1).map((n) => n.name);
  const rho: Record<string, number> = {};
  for (const name of names) {
    const u = rng.uniform();
    const sign = rng.uniform() < 0.5 ? -1 : 1;
    rho[name] = sign * (deltaLower + (deltaUpper - deltaLower) * u);
  }
  return completeTree(depth, children, rho, rootPrior);
}
