/**
 * What the sampler's output must look like (claim C9): event frequencies a correct sampler has,
 * as binomial counters to feed with node vectors (see src/stats/binomial.ts).
 *
 * Transitions (any view of a sample from p): P(z_0 = 1) = p_0; for every edge μ→ν and parent value
 * s with P(z_μ = s) > 0: P(z_ν = s | z_μ = s) = (1+ρ_μν)/2; into a leaf of a view flipped with
 * probability q: (1 + ρ_μν·(1−2q))/2.
 * Tuples (augmentation with kept prefix m, flip q; κ(ν) = deepest kept ancestor of ν):
 *  - kept node i: P(anchor_i = pos_i) = 1 (latent) or (1−q)² + q² (leaf, independent flips);
 *  - resampled ν: anchor and pos are independent given x_0, so P(anchor_ν = pos_ν) = (1 + r²)/2 with
 *    r = ρ_κν·(1−2q)^[leaf] (C8); none-shared: π'² + (1−π')², π' = P(view_ν = 1);
 *  - negatives: P(neg_0 = 1 | anchor_0 = s) = p_0 for s with P > 0, and P(anchor_0 = neg_0) = p_0² + (1−p_0)²
 *    (first negative of each tuple only, so that the trials are independent).
 */
import { keptCount, type Augmentation } from './augmentation.js';
import type { Counter } from '../stats/binomial.js';
import { F64 } from '../numeric/arith.js';
import { latentGivenRoot } from './pathPolarity.js';
import type { Tree } from './tree.js';

/** P(z_ν = 1) for every node (float64). */
export function marginals(tree: Tree): number[] {
  const { given0, given1 } = latentGivenRoot(F64, tree);
  return given0.map((g0, i) => tree.rootPrior * given1[i]! + (1 - tree.rootPrior) * g0);
}

export interface TransitionCounters {
  readonly counters: Counter[];
  /** Adds the node vector stored at nodes[off .. off + nNodes). */
  add(nodes: Uint8Array, off?: number): void;
}

export function transitionCounters(tree: Tree, prefix = '', flip = 0): TransitionCounters {
  const n = tree.nodes.length;
  const pi = marginals(tree);
  const slots: (Counter | undefined)[] = new Array(2 * n);
  slots[0] = { label: `${prefix}P(z_s = 1)`, p: tree.rootPrior, n: 0, k: 0 };
  for (let v = 1; v < n; v++) {
    const node = tree.nodes[v]!;
    const parent = tree.nodes[node.parent]!;
    for (const s of [0, 1]) {
      const ps = s ? pi[node.parent]! : 1 - pi[node.parent]!;
      if (ps > 0) slots[2 * v + s] = { label: `${prefix}edge ${parent.name}→${node.name} given z_${parent.name} = ${s}`, p: (1 + node.polarity * (node.isLeaf ? 1 - 2 * flip : 1)) / 2, n: 0, k: 0 };
    }
  }
  const parents = tree.nodes.map((x) => x.parent);
  return {
    counters: slots.filter((c): c is Counter => c !== undefined),
    add(nodes, off = 0) {
      const root = slots[0]!;
      root.n++;
      root.k += nodes[off]!;
      for (let v = 1; v < n; v++) {
        const s = nodes[off + parents[v]!]!;
        const c = slots[2 * v + s];
        if (!c) continue; // an impossible parent value: its own edge's counter rejects
        c.n++;
        if (nodes[off + v] === s) c.k++;
      }
    },
  };
}

export interface TupleCounters {
  readonly counters: Counter[];
  /** Adds one tuple: anchor, pos at their offsets; negatives (H of them) at negOff + h·nNodes. */
  add(anchor: Uint8Array, aOff: number, pos: Uint8Array, pOff: number, neg: Uint8Array, negOff: number, H: number): void;
}

export function tupleCounters(tree: Tree, aug: Augmentation, prefix = ''): TupleCounters {
  const n = tree.nodes.length;
  const m = keptCount(tree, aug);
  const q = aug.flip;
  const pi = marginals(tree);
  const same: Counter[] = tree.nodes.map((node, i) => {
    let p: number;
    if (i < m) p = node.isLeaf ? (1 - q) ** 2 + q ** 2 : 1;
    else if (m === 0) {
      const v = node.isLeaf ? pi[i]! * (1 - q) + (1 - pi[i]!) * q : pi[i]!;
      p = v * v + (1 - v) * (1 - v);
    } else {
      let r = 1;
      let k = i;
      for (; k >= m; k = tree.nodes[k]!.parent) r *= tree.nodes[k]!.polarity;
      if (node.isLeaf) r *= 1 - 2 * q;
      p = (1 + r * r) / 2;
    }
    return { label: `${prefix}anchor = pos at ${node.name}`, p, n: 0, k: 0 };
  });
  const p0 = tree.rootPrior;
  const negGiven = [0, 1].map((s) => ({ label: `${prefix}P(neg z_s = 1 | anchor z_s = ${s})`, p: p0, n: 0, k: 0 }));
  const rootsEqual: Counter = { label: `${prefix}anchor z_s = neg z_s`, p: p0 * p0 + (1 - p0) * (1 - p0), n: 0, k: 0 };
  const counters = [...same, ...negGiven.filter((_, s) => (s ? p0 : 1 - p0) > 0), rootsEqual];
  return {
    counters,
    add(anchor, aOff, pos, pOff, neg, negOff, H) {
      for (let i = 0; i < n; i++) {
        const c = same[i]!;
        c.n++;
        if (anchor[aOff + i] === pos[pOff + i]) c.k++;
      }
      const a0 = anchor[aOff]!;
      for (let h = 0; h < H; h++) {
        const b0 = neg[negOff + h * n]!;
        const c = negGiven[a0]!;
        c.n++;
        c.k += b0;
        if (h > 0) continue; // negatives of one tuple share a0: count one pair per tuple
        rootsEqual.n++;
        if (a0 === b0) rootsEqual.k++;
      }
    },
  };
}
