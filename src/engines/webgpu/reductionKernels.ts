/**
 * Reductions over the rows of a chunk (layout: wgsl.ts):
 *   gradient  GR[W_μ(i, j)] += Σ_s dg_s,i·v_s,j,  GR[b_μ,i] += Σ_s dg_s,i   (s ascending)
 *   sums      the correlation metric's Σ(g − c), Σ(g − c)², Σ z(g − c) per unit (train/evaluate.ts)
 */
import type { Segment } from '../f32/layout.js';
import { FLAT, flatGroups, grid, HEADER, MAIN, segConsts, WORKGROUP } from './wgsl.js';

/** Bytes of workgroup memory WebGPU guarantees (maxComputeWorkgroupStorageSize). */
const WORKGROUP_BYTES = 16384;
/** Most accumulators per thread of the tiled gradient kernel. */
const MAX_ACC = 64;

/** Rows per tile of the tiled gradient kernel for a segment, or 0 when it does not fit (see gradientKernel). */
export function gradientTile(seg: Segment, bias: boolean): number {
  if (Math.ceil((seg.out * (seg.in + (bias ? 1 : 0))) / WORKGROUP) > MAX_ACC) return 0;
  for (let ts = 32; ts >= 4; ts /= 2) if ((seg.out + seg.in) * ts * 4 <= WORKGROUP_BYTES) return ts;
  return 0;
}

/** Workgroups of a segment's gradient kernel. */
export function gradientGroups(seg: Segment, bias: boolean): [number, number, number] {
  return gradientTile(seg, bias) > 0 ? [1, ...grid(seg.count)] : flatGroups(seg.count * (seg.in + (bias ? 1 : 0)) * seg.out);
}

/**
 * Parameter gradient of one segment over the chunk's C rows, added into GR. Tiled (the usual GPU
 * matrix product DG_k·V_kᵀ): one workgroup per node k; per tile of TS rows the workgroup loads
 * DG_k and V_k's rows into workgroup memory (contiguous reads), then each of its 64 threads adds
 * the tile into its ⌈out·(in+1)/64⌉ accumulators; parameter o = j·out + i (j = in: the bias).
 * Every sum runs over s ascending. Nodes too wide for the tile fall back to one thread per parameter.
 */
export function gradientKernel(C: number, seg: Segment, bias: boolean): string {
  const TS = gradientTile(seg, bias);
  const head = `@group(0) @binding(0) var<storage, read> V: array<f32>;
@group(0) @binding(1) var<storage, read> DG: array<f32>;
@group(0) @binding(2) var<storage, read_write> GR: array<f32>;
${HEADER(C)}${segConsts(seg)}const NB: u32 = IN + ${bias ? 1 : 0}u;
const N: u32 = OUT * NB;
`;
  if (TS === 0) {
    return `${head}${MAIN}
  let t = id.x + (id.y + id.z * nw.y) * nw.x * ${WORKGROUP}u;
  if (t >= N * COUNT) { return; }
  let i = t % OUT;
  let j = (t / OUT) % NB;
  let k = t / N;
  let dg = (GOFF + k * OUT + i) * C;
  var acc = 0.0;
  if (j < IN) {
    let v = (INOFF + k * IN + j) * C;
    for (var s = 0u; s < C; s++) { acc = acc + DG[dg + s] * V[v + s]; }
  } else {
    for (var s = 0u; s < C; s++) { acc = acc + DG[dg + s]; }
  }
  let p = POFF + k * PSTRIDE + j * OUT + i;
  GR[p] = GR[p] + acc;
}
`;
  }
  return `${head}const TS: u32 = ${TS}u;
const R: u32 = ${Math.ceil((seg.out * (seg.in + (bias ? 1 : 0))) / WORKGROUP)}u;
var<workgroup> sdg: array<f32, ${seg.out * TS}>;
var<workgroup> sv: array<f32, ${seg.in * TS}>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) t: u32, @builtin(num_workgroups) nw: vec3u) {
  let k = wg.y + wg.z * nw.y;
  if (k >= COUNT) { return; }
  var acc: array<f32, R>;
  for (var s0 = 0u; s0 < C; s0 += TS) {
    for (var e = t; e < OUT * TS; e += ${WORKGROUP}u) { sdg[e] = DG[(GOFF + k * OUT + e / TS) * C + s0 + e % TS]; }
    for (var e = t; e < IN * TS; e += ${WORKGROUP}u) { sv[e] = V[(INOFF + k * IN + e / TS) * C + s0 + e % TS]; }
    workgroupBarrier();
    for (var r = 0u; r < R; r++) {
      let o = t + r * ${WORKGROUP}u;
      if (o < N) {
        let i = o % OUT;
        let j = o / OUT;
        var a = acc[r];
        if (j < IN) {
          for (var ss = 0u; ss < TS; ss++) { a = a + sdg[i * TS + ss] * sv[j * TS + ss]; }
        } else {
          for (var ss = 0u; ss < TS; ss++) { a = a + sdg[i * TS + ss]; }
        }
        acc[r] = a;
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < R; r++) {
    let o = t + r * ${WORKGROUP}u;
    if (o < N) {
      let p = POFF + k * PSTRIDE + o;
      GR[p] = GR[p] + acc[r];
    }
  }
}
`;
}
/**
 * The correlation metric's sums over one chunk (train/evaluate.ts UnitSums), one thread per unit u:
 * Σ(g − c), Σ(g − c)², Σ z·(g − c) over the chunk's first U.x rows, c = SHIFT[u], z the latent of
 * u's node (Z: rows × nodes, 0/1 as f32); float32 sums over s ascending, into SUMS[3u .. 3u + 2].
 */
export function sumsKernel(C: number, Gw: number, nodes: number): string {
  return `@group(0) @binding(0) var<storage, read> G: array<f32>;
@group(0) @binding(1) var<storage, read> Z: array<f32>;
@group(0) @binding(2) var<storage, read> SHIFT: array<f32>;
@group(0) @binding(3) var<storage, read> UNODE: array<u32>;
@group(0) @binding(4) var<storage, read_write> SUMS: array<f32>;
@group(0) @binding(5) var<uniform> U: vec4u;
${HEADER(C)}const N: u32 = ${Gw}u;
const NI: u32 = ${nodes}u;
${MAIN}
${FLAT}
  let c = SHIFT[t];
  let k = UNODE[t];
  var sg = 0.0;
  var sgg = 0.0;
  var szg = 0.0;
  for (var s = 0u; s < U.x; s++) {
    let g = G[t * C + s] - c;
    sg = sg + g;
    sgg = sgg + g * g;
    szg = szg + Z[s * NI + k] * g;
  }
  SUMS[3u * t] = sg;
  SUMS[3u * t + 1u] = sgg;
  SUMS[3u * t + 2u] = szg;
}
`;
}
