/** The optimisers of engines/optimizer.ts as WGSL kernels over the flat parameter array (one thread per parameter). */
import { f32, FLAT, MAIN } from './wgsl.js';

/** SGD: w ← w − η·g (engines/optimizer.ts). */
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
 * Adam with PyTorch's formula (engines/optimizer.ts): m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
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
