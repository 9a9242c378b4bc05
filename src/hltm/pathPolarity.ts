/**
 * Path polarities of an HLTM, generic over the arithmetic (claim C8, docs/theory.md §1.1, §2).
 *
 * The channel z_0 → z_ν composes the edges' binary symmetric channels, so
 *   π_ν(s) = P(z_ν = 1 | z_0 = s) = a_ν·π_μ(s) + (1 − a_ν)·(1 − π_μ(s)),  a_ν = (1+ρ_μν)/2 (μ = parent),
 * and C8 says π_ν(1) − π_ν(0) = 2·P(z_ν = z_0 | z_0 = s) − 1 = ρ_0ν = Π_{edges on the path} ρ_e.
 */
import type { Arith } from '../numeric/arith.js';
import type { Tree } from './tree.js';

/** π_ν(0), π_ν(1) for every node (index = node index) by the forward recurrence above. */
export function latentGivenRoot<T>(A: Arith<T>, tree: Tree): { readonly given0: T[]; readonly given1: T[] } {
  const half = A.from(0.5);
  const given0: T[] = [A.zero];
  const given1: T[] = [A.one];
  for (let i = 1; i < tree.nodes.length; i++) {
    const node = tree.nodes[i]!;
    const a = A.mul(half, A.add(A.one, A.from(node.polarity)));
    const step = (pi: T) => A.add(A.mul(a, pi), A.mul(A.sub(A.one, a), A.sub(A.one, pi)));
    given0.push(step(given0[node.parent]!));
    given1.push(step(given1[node.parent]!));
  }
  return { given0, given1 };
}

/** ρ_0ν = Π ρ_e over the edges root→ν, multiplied in A from the root down (1 for the root). */
export function pathProduct<T>(A: Arith<T>, tree: Tree, node: number): T {
  const path: number[] = [];
  for (let n = node; n > 0; n = tree.nodes[n]!.parent) path.push(n);
  return path.reduceRight((p, n) => A.mul(p, A.from(tree.nodes[n]!.polarity)), A.one);
}
