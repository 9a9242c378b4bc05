/**
 * The network's kernels: the f32 engine's plan (engines/f32/kernels.ts) for a GPU, one thread per
 * (row, node) of a tree segment, specialised per segment by code generation (layout: wgsl.ts).
 *
 *   leaves    V[leaf slots] ← x (a tiled transpose of the row-major rows)
 *   forward   g_μ = b_μ + Σ_j W_μ[:, j]·v_j  (j ascending, as the f32 kernels), G ← g, V ← ψ(g)
 *   backward  dg = DV ⊙ ψ'(g) (root: dg = DV), DG ← dg, DV_children ← W_μᵀ dg
 */
import type { Activation } from '../../network/activation.js';
import type { Segment } from '../f32/layout.js';
import { activationWgsl, HEADER, MAIN, segConsts } from './wgsl.js';

/** Rows × leaves of a leaf-kernel tile (workgroup TILE × TILE / … see leafKernel). */
export const LEAF_TILE = 16;

/**
 * Leaves: V[leafPos(j)·C + s] = X[s·L + j] (X: this chunk's rows of x, row-major), a transpose
 * through a 16 × 16 tile of workgroup memory so that both the reads and the writes are contiguous.
 * Grid: (C/16, ⌈L/16⌉ split over y, z).
 */
export function leafKernel(C: number, leafPos: Int32Array, leafBase: number): string {
  const L = leafPos.length;
  const T = LEAF_TILE;
  const pos = leafBase >= 0 ? `${leafBase}u + j` : 'LEAF_POS[j]';
  const table = leafBase >= 0 ? '' : `const LEAF_POS = array<u32, ${L}>(${Array.from(leafPos, (p) => `${p}u`).join(', ')});\n`;
  return `@group(0) @binding(0) var<storage, read> X: array<f32>;
@group(0) @binding(1) var<storage, read_write> V: array<f32>;
${HEADER(C)}const L: u32 = ${L}u;
${table}var<workgroup> tile: array<array<f32, ${T + 1}>, ${T}>;
@compute @workgroup_size(${T}, ${T})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let s0 = wg.x * ${T}u;
  let j0 = (wg.y + wg.z * nw.y) * ${T}u;
  if (j0 + lid.x < L) { tile[lid.y][lid.x] = X[(s0 + lid.y) * L + j0 + lid.x]; }
  workgroupBarrier();
  let j = j0 + lid.y;
  if (j < L) { V[(${pos}) * C + s0 + lid.x] = tile[lid.x][lid.y]; }
}
`;
}

/** Forward of one segment: thread (s, k) computes node k's `out` pre-activations for row s. */
export function forwardKernel(C: number, seg: Segment, activation: Activation, bias: boolean): string {
  return `@group(0) @binding(0) var<storage, read> P: array<f32>;
@group(0) @binding(1) var<storage, read_write> V: array<f32>;
@group(0) @binding(2) var<storage, read_write> G: array<f32>;
${HEADER(C)}${segConsts(seg)}${seg.isRoot ? '' : activationWgsl(activation)}
${MAIN}
  let s = id.x;
  let k = id.y + id.z * nw.y;
  if (s >= C || k >= COUNT) { return; }
  let po = POFF + k * PSTRIDE;
  let io = INOFF + k * IN;
  var a: array<f32, OUT>;
  for (var i = 0u; i < OUT; i++) { a[i] = ${bias ? 'P[po + IN * OUT + i]' : '0.0'}; }
  for (var j = 0u; j < IN; j++) {
    let v = V[(io + j) * C + s];
    let w = po + j * OUT;
    for (var i = 0u; i < OUT; i++) { a[i] = a[i] + P[w + i] * v; }
  }
  let go = GOFF + k * OUT;
  let vo = VOFF + k * OUT;
  for (var i = 0u; i < OUT; i++) {
    G[(go + i) * C + s] = a[i];
    V[(vo + i) * C + s] = ${seg.isRoot ? 'a[i]' : 'act(a[i])'};
  }
}
`;
}

/** Backward of one segment: dg into DG, and Wᵀdg into the children's DV slots (when internal). */
export function backwardKernel(C: number, seg: Segment, activation: Activation): string {
  const dv = seg.isRoot ? 'DV[(vo + i) * C + s]' : 'gate(G[(go + i) * C + s], DV[(vo + i) * C + s])';
  return `@group(0) @binding(0) var<storage, read> P: array<f32>;
@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read_write> DV: array<f32>;
@group(0) @binding(3) var<storage, read_write> DG: array<f32>;
${HEADER(C)}${segConsts(seg)}${seg.isRoot ? '' : activationWgsl(activation)}
${MAIN}
  _ = P[0]; _ = G[0]; // every binding is used, whatever the segment (the layout is 'auto')
  let s = id.x;
  let k = id.y + id.z * nw.y;
  if (s >= C || k >= COUNT) { return; }
  let po = POFF + k * PSTRIDE;
  let go = GOFF + k * OUT;
  let vo = VOFF + k * OUT;
  var d: array<f32, OUT>;
  for (var i = 0u; i < OUT; i++) {
    d[i] = ${dv};
    DG[(go + i) * C + s] = d[i];
  }
${
  seg.internalChildren
    ? `  let io = INOFF + k * IN;
  for (var j = 0u; j < IN; j++) {
    let w = po + j * OUT;
    var t = 0.0;
    for (var i = 0u; i < OUT; i++) { t = t + P[w + i] * d[i]; }
    DV[(io + j) * C + s] = t;
  }
`
    : ''
}}
`;
}
