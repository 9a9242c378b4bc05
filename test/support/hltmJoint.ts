/**
 * The joint law of every node of a small HLTM written out as a product over the edges (docs/theory.md
 * §1.1), an oracle for src/hltm that shares no code with it (issue 12 item 5, docs/mutation.md):
 *   P(z) = p_0^{z_0}(1 − p_0)^{1−z_0} · Π_{ν ≠ root} ((1 + ρ_ν)/2 if z_ν = z_parent else (1 − ρ_ν)/2),
 * for all 2^(nodes) assignments (bit i = node i), in exact rationals.
 */
import { Rational } from '../../src/numeric/rational.js';
import type { Tree } from '../../src/hltm/tree.js';

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
