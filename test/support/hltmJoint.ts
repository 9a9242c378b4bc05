/**
 * The joint law of every node of a small HLTM written out as a product over the edges (docs/theory.md
 * §1.1), an oracle for src/hltm that shares no code with it (issue 12 item 5, docs/mutation.md):
 *   P(z) = p_0^{z_0}(1 − p_0)^{1−z_0} · Π_{ν ≠ root} ((1 + ρ_ν)/2 if z_ν = z_parent else (1 − ρ_ν)/2),
 * for all 2^(nodes) assignments (bit i = node i), in exact rationals.
 */
import { Rational } from '../../src/numeric/rational.js';
import { buildTree, completeTree, type Tree } from '../../src/hltm/tree.js';

/** Dyadic polarities (every float step on them exact). */
export const POL: Readonly<Record<string, number>> = { s0: 0.5, s1: -0.25, s2: 0.75, s00: 0.375, s01: -0.5, s10: 0.625, s11: 0.25, s100: -0.75, s101: 0.125 };
/** s → [s0 → (s00, s01), s1 → (s10 → (s100, s101), s11), s2] */
export const mixedTree = (): Tree => buildTree([[0, 0], [[0, 0], 0], 0], (n) => POL[n]!, 0.375);
export const completeTree22 = (): Tree => completeTree(2, 2, (n) => POL[n]!, 0.625);
/** s → [s0 → (s00, s01), s1 → s10]; ρ = ±1 on s0, s1, s10 make some configurations impossible. */
export const certainTree = (rootPrior: number): Tree => buildTree([[0, 0], [0]], { s0: -1, s1: 1, s00: 0.5, s01: -0.75, s10: 1 }, rootPrior);

export function joint(t: Tree): { z: number[]; p: Rational }[] {
  const n = t.nodes.length;
  const out: { z: number[]; p: Rational }[] = [];
  const one = Rational.ONE;
  const two = Rational.of(2n, 1n);
  const p0 = Rational.fromNumber(t.rootPrior);
  for (let a = 0; a < 1 << n; a++) {
    const z = Array.from({ length: n }, (_, i) => (a >> i) & 1);
    let p = z[0] ? p0 : one.sub(p0);
    for (const node of t.nodes) {
      if (node.parent < 0) continue;
      const rho = Rational.fromNumber(node.polarity);
      p = p.mul((z[node.index] === z[node.parent] ? one.add(rho) : one.sub(rho)).div(two));
    }
    out.push({ z, p });
  }
  return out;
}
