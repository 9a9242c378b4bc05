/**
 * WGSL kernels of the WebGPU engine: the f32 engine's plan (engines/f32/kernels.ts) for a GPU,
 * one thread per (sample, node) of a tree segment, specialised per segment by code generation.
 *
 * Layout (layout.ts's vpos/gpos, sample-minor inside a chunk of C rows, so that neighbouring
 * threads touch neighbouring words): V[u·C + s] value unit u (leaves, ψ(g), the root's g_L),
 * G[u·C + s] pre-activation unit u (root first); DV, DG the same shapes for ∂L/∂V and ∂L/∂g.
 * Parameters P, gradient GR: layout.ts's flat layout (per node Wᵀ (in × out), then b).
 *
 *   forward   g_μ = b_μ + Σ_j W_μ[:, j]·v_j  (j ascending, as the f32 kernels), G ← g, V ← ψ(g)
 *   backward  dg = DV ⊙ ψ'(g) (root: dg = DV), DG ← dg, DV_children ← W_μᵀ dg
 *   gradient  GR[W_μ(i, j)] += Σ_s dg_s,i·v_s,j,  GR[b_μ,i] += Σ_s dg_s,i   (rows of one chunk, s ascending)
 * Float32 throughout (storage and sums), as a float32 network; tolerance: properties/claims/C2-tfjs.ts.
 */
import type { Activation } from '../../network/activation.js';
import type { Segment } from '../f32/layout.js';

/** Threads per workgroup along the sample axis (C is a multiple of it). */
export const WORKGROUP = 64;
/** Largest workgroup count per grid dimension (WebGPU's default limit). */
export const MAX_GROUPS = 65535;

/** A WGSL f32 literal of x (finite). */
export function f32(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`wgsl: ${x} is not a finite f32 literal`);
  const s = String(Math.fround(x));
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** Workgroups (y, z) covering n items along y (z spills past MAX_GROUPS). */
export function grid(n: number): [number, number] {
  const y = Math.min(Math.max(1, n), MAX_GROUPS);
  return [y, Math.ceil(Math.max(1, n) / y)];
}

/**
 * erf in f32: Numerical Recipes' erfc (Chebyshev fit, fractional error < 1.2e-7), as fn erf_.
 * WGSL has no erf; tanh is written through exp(−2|x|) (no overflow for large |x|).
 */
const HELPERS = `
fn erf_(x: f32) -> f32 {
  let z = abs(x);
  let t = 1.0 / (1.0 + 0.5 * z);
  let r = t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return select(r - 1.0, 1.0 - r, x >= 0.0);
}
fn tanh_(x: f32) -> f32 {
  let e = exp(-2.0 * abs(x));
  return sign(x) * (1.0 - e) / (1.0 + e);
}
`;

/** ψ(a) and ψ'(g)·d as WGSL functions act(a) and gate(g, d). */
export function activationWgsl(act: Activation): string {
  const SQRT1_2 = f32(Math.SQRT1_2);
  const INV_SQRT_2PI = f32(1 / Math.sqrt(2 * Math.PI));
  let a: string;
  let g: string;
  switch (act.kind) {
    case 'relu':
      a = 'select(0.0, x, x > 0.0)';
      g = 'select(0.0, d, x > 0.0)';
      break;
    case 'leaky_relu':
      a = `select(${f32(act.slope)} * x, x, x > 0.0)`;
      g = `select(${f32(act.slope)} * d, d, x > 0.0)`;
      break;
    case 'linear':
      a = 'x';
      g = 'd';
      break;
    case 'tanh':
      a = 'tanh_(x)';
      g = '(1.0 - tanh_(x) * tanh_(x)) * d';
      break;
    case 'softplus':
      a = 'select(log(1.0 + exp(x)), x, x > 30.0)';
      g = 'd / (1.0 + exp(-x))';
      break;
    case 'gelu':
      a = `0.5 * x * (1.0 + erf_(x * ${SQRT1_2}))`;
      g = `(0.5 * (1.0 + erf_(x * ${SQRT1_2})) + x * exp(-0.5 * x * x) * ${INV_SQRT_2PI}) * d`;
      break;
  }
  return `${HELPERS}
fn act(x: f32) -> f32 { return ${a}; }
fn gate(x: f32, d: f32) -> f32 { return ${g}; }
`;
}

const HEADER = (C: number) => `const C: u32 = ${C}u;\n`;

const MAIN = `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nw: vec3u) {`;

function segConsts(seg: Segment): string {
  return `const IN: u32 = ${seg.in}u; const OUT: u32 = ${seg.out}u; const COUNT: u32 = ${seg.count}u;
const POFF: u32 = ${seg.pOff}u; const PSTRIDE: u32 = ${seg.pStride}u; const INOFF: u32 = ${seg.inOff}u;
const VOFF: u32 = ${seg.vOff}u; const GOFF: u32 = ${seg.gOff}u;
`;
}

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

/** Workgroups (x, y, z) of a 1-D kernel over n threads (kernels index t = x + (y + z·Y)·X·64). */
export function flatGroups(n: number): [number, number, number] {
  const blocks = Math.max(1, Math.ceil(n / WORKGROUP));
  const x = Math.min(blocks, MAX_GROUPS);
  const [y, z] = grid(Math.ceil(blocks / x));
  return [x, y, z];
}

const FLAT = `  let t = id.x + (id.y + id.z * nw.y) * nw.x * ${WORKGROUP}u;
  if (t >= N) { return; }`;

/** SGD: w ← w − η·g (train/optim.ts). */
export function sgdKernel(n: number, lr: number): string {
  return `@group(0) @binding(0) var<storage, read_write> P: array<f32>;
@group(0) @binding(1) var<storage, read> GR: array<f32>;
const N: u32 = ${n}u;
${MAIN}
${FLAT}
  P[t] = P[t] - ${f32(lr)} * GR[t];
}
`;
}

/**
 * Adam with PyTorch's formula (train/optim.ts): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * w ← w − η·(m/c₁)/(√(v/c₂) + ε), with c₁ = 1 − β₁ᵗ, c₂ = 1 − β₂ᵗ from the uniform U (host float64).
 */
export function adamKernel(n: number, lr: number, beta1: number, beta2: number, eps: number): string {
  return `@group(0) @binding(0) var<storage, read_write> P: array<f32>;
@group(0) @binding(1) var<storage, read> GR: array<f32>;
@group(0) @binding(2) var<storage, read_write> M: array<f32>;
@group(0) @binding(3) var<storage, read_write> S: array<f32>;
@group(0) @binding(4) var<uniform> U: vec4f;
const N: u32 = ${n}u;
${MAIN}
${FLAT}
  let g = GR[t];
  let m = ${f32(beta1)} * M[t] + ${f32(1 - beta1)} * g;
  let v = ${f32(beta2)} * S[t] + ${f32(1 - beta2)} * g * g;
  M[t] = m;
  S[t] = v;
  P[t] = P[t] - (${f32(lr)} * (m / U.x)) / (sqrt(v / U.y) + ${f32(eps)});
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
