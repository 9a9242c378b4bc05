/**
 * WGSL building blocks of the WebGPU engine's kernels (networkKernels.ts, reductionKernels.ts,
 * optimizerKernels.ts): literals, workgroup grids, the activations, the shared declarations.
 *
 * Layout (layout.ts's vpos/gpos, sample-minor inside a chunk of C rows, so that neighbouring
 * threads touch neighbouring words): V[u·C + s] value unit u (leaves, ψ(g), the root's g_L),
 * G[u·C + s] pre-activation unit u (root first); DV, DG the same shapes for ∂L/∂V and ∂L/∂g.
 * Parameters P, gradient GR: layout.ts's flat layout (per node Wᵀ (in × out), then b).
 * Float32 throughout (storage and sums), as a float32 network; tolerance: properties/claims/C2/engines/tolerance.ts.
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

export const HEADER = (C: number) => `const C: u32 = ${C}u;\n`;

export const MAIN = `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) nw: vec3u) {`;

export function segConsts(seg: Segment): string {
  return `const IN: u32 = ${seg.in}u; const OUT: u32 = ${seg.out}u; const COUNT: u32 = ${seg.count}u;
const POFF: u32 = ${seg.pOff}u; const PSTRIDE: u32 = ${seg.pStride}u; const INOFF: u32 = ${seg.inOff}u;
const VOFF: u32 = ${seg.vOff}u; const GOFF: u32 = ${seg.gOff}u;
`;
}

/** Workgroups (x, y, z) of a 1-D kernel over n threads (kernels index t = x + (y + z·Y)·X·64). */
export function flatGroups(n: number): [number, number, number] {
  const blocks = Math.max(1, Math.ceil(n / WORKGROUP));
  const x = Math.min(blocks, MAX_GROUPS);
  const [y, z] = grid(Math.ceil(blocks / x));
  return [x, y, z];
}

export const FLAT = `  let t = id.x + (id.y + id.z * nw.y) * nw.x * ${WORKGROUP}u;
  if (t >= N) { return; }`;
