/**
 * The sufficient statistics of the correlation metric (docs/theory.md, "The correlation metric";
 * claims C11, C12), the contract between an engine and the evaluation in src/train/evaluate.ts.
 *
 * Over the n samples of an evaluation set (x [n × L], z [n × nInternal]) and for every internal node
 * k (tree.internal order) and unit u of its block, with c_u the first sample's pre-activation:
 *   sz[k] = Σ z_k,   sg[u] = Σ (g_u − c_u),   sgg[u] = Σ (g_u − c_u)²,   szg[u] = Σ z_k (g_u − c_u).
 * Pre-activations are laid out [S × Gw], node k's units at gpos[k] .. gpos[k] + out[k] − 1
 * (`unitLayout`). An engine may compute the sums itself (TrainEngine.unitSums, the f32 engine's
 * pattern tables); `sumsFromPre` computes them from any forward pass.
 */
import type { NetworkSpec } from '../network/architecture.js';

/** Evaluation samples: anchor-view leaves x [n × L] and latents z [n × nInternal] (tree.internal order). */
export interface EvalSet {
  readonly n: number;
  readonly x: Float32Array;
  readonly z: Uint8Array;
}

/**
 * Sufficient statistics of the metric: per internal node Σz, per unit Σ(g−c), Σ(g−c)², Σz(g−c)
 * with c = shift[u] (the first sample's value), over n samples.
 */
export interface UnitSums {
  readonly n: number;
  readonly sz: Float64Array;
  readonly sg: Float64Array;
  readonly sgg: Float64Array;
  readonly szg: Float64Array;
}

/** Units of the internal nodes in tree.internal order (gpos, out), as engines lay out pre-activations. */
export function unitLayout(spec: NetworkSpec): { gpos: Int32Array; out: Int32Array; Gw: number } {
  const tree = spec.arch.tree!;
  const blockOf = new Map<number, number>();
  spec.arch.blocks.forEach((b) => blockOf.set(b.node, b.index));
  const gpos = new Int32Array(tree.internal.length);
  const out = new Int32Array(tree.internal.length);
  let Gw = 0;
  tree.internal.forEach((n, k) => {
    gpos[k] = Gw;
    out[k] = spec.arch.blocks[blockOf.get(n)!]!.out;
    Gw += out[k]!;
  });
  return { gpos, out, Gw };
}

/** UnitSums from pre-activations computed chunk by chunk. */
export function sumsFromPre(spec: NetworkSpec, set: EvalSet, pre: (x: Float32Array, S: number) => Float32Array, chunk = 2048): UnitSums {
  const tree = spec.arch.tree!;
  const { gpos, out, Gw } = unitLayout(spec);
  const nI = tree.internal.length;
  const L = tree.leaves.length;
  const shift = new Float64Array(Gw);
  const sg = new Float64Array(Gw);
  const sgg = new Float64Array(Gw);
  const szg = new Float64Array(Gw);
  const sz = new Float64Array(nI);
  for (let s0 = 0; s0 < set.n; s0 += chunk) {
    const S = Math.min(chunk, set.n - s0);
    const G = pre(set.x.subarray(s0 * L, (s0 + S) * L), S);
    if (s0 === 0) for (let u = 0; u < Gw; u++) shift[u] = G[u]!;
    accumulateUnits(G, Gw, set.z, s0, S, nI, gpos, out, shift, { sz, sg, sgg, szg }, null);
  }
  return { n: set.n, sz, sg, sgg, szg };
}

/**
 * Adds rows [0, S) of G (sample s0 + s of the set) into the sums, for the nodes k with
 * `only === null || only[k]`.
 */
export function accumulateUnits(
  G: Float32Array,
  Gw: number,
  z: Uint8Array,
  s0: number,
  S: number,
  nI: number,
  gpos: Int32Array,
  out: Int32Array,
  shift: Float64Array,
  acc: { sz: Float64Array; sg: Float64Array; sgg: Float64Array; szg: Float64Array },
  only: Uint8Array | null,
): void {
  const { sz, sg, sgg, szg } = acc;
  for (let s = 0; s < S; s++) {
    const zb = (s0 + s) * nI;
    const gb = s * Gw;
    for (let k = 0; k < nI; k++) {
      if (only !== null && only[k] === 0) continue;
      const zk = z[zb + k]!;
      sz[k] = sz[k]! + zk;
      const u0 = gpos[k]!;
      const u1 = u0 + out[k]!;
      for (let u = u0; u < u1; u++) {
        const g = G[gb + u]! - shift[u]!;
        sg[u] = sg[u]! + g;
        sgg[u] = sgg[u]! + g * g;
        szg[u] = szg[u]! + zk * g;
      }
    }
  }
}
