/**
 * The GPU plan of a tree network: buffers, kernels (wgsl.ts) and the op lists of one training step
 * and of an evaluation forward, for the worker (protocol.ts).
 *
 * Rows are processed in chunks of C (a multiple of 64) so that every buffer a kernel binds fits the
 * adapter's maxStorageBufferBindingSize (lavapipe: 128 MiB, ≈ 990 rows of the large preset's
 * network); S = B(2+H) rows take nC = ⌈S/C⌉ chunks, the last padded with zero rows (x = 0 and
 * ∂L/∂g_L = 0: they add exactly 0 to the gradient). Each chunk keeps its own V and G between the
 * forward and the backward pass; DV and DG are shared (chunks run their backward in turn).
 *
 * Input area (host → GPU, bytes): [0, S_pad·L·4) x rows, then ∂L/∂g_L (chunk-major, unit-major
 * inside: [c][i][s]), then Adam's (c₁, c₂), then a parameter upload. Output area: the root's g_L
 * ([c][i][s]), a chunk's G, or P / GR.
 */
import type { Activation } from '../../network/activation.js';
import { ADAM_DEFAULTS, type OptimizerSpec } from '../optimizer.js';
import type { TreeLayout } from '../f32/layout.js';
import type { BufferSpec, KernelSpec, Op } from './protocol.js';
import { backwardKernel, forwardKernel, LEAF_TILE, leafKernel } from './networkKernels.js';
import { adamKernel, sgdKernel } from './optimizerKernels.js';
import { gradientGroups, gradientKernel, sumsKernel } from './reductionKernels.js';
import { flatGroups, grid, WORKGROUP } from './wgsl.js';

export const BUF = { P: 0, GR: 1, M: 2, SV: 3, U: 4, X: 5, DV: 6, DG: 7, DVROOT: 8, READROOT: 9, READG: 10, READP: 11, Z: 12, SHIFT: 13, UNODE: 14, SUMS: 15, READSUMS: 16, ROWS: 17 } as const;
const V_OF = (c: number) => 100 + 2 * c;
const G_OF = (c: number) => 101 + 2 * c;

export interface PlanInput {
  readonly layout: TreeLayout;
  readonly activation: Activation;
  readonly optimizer: OptimizerSpec;
  /** Training rows per step, B(2+H). */
  readonly S: number;
  readonly maxBinding: number;
  readonly maxBuffer: number;
  /** Largest rows per chunk (tests force small chunks); default: what fits. */
  readonly maxChunk?: number;
}

export interface GpuPlan {
  readonly C: number;
  readonly chunks: number;
  readonly Spad: number;
  readonly buffers: BufferSpec[];
  readonly kernels: KernelSpec[];
  /** Byte offsets and sizes of the input and output areas. */
  readonly io: { readonly dvRoot: number; readonly adam: number; readonly params: number; readonly z: number; readonly shift: number; readonly rows: number; readonly inputBytes: number; readonly outputBytes: number };
  /** Forward of all training chunks, the root's g_L read back. */
  readonly forwardOps: Op[];
  /** ∂L/∂g_L in, backward of every chunk into GR; `update`: then the optimiser. */
  backwardOps(update: boolean): Op[];
  /** Forward of ≤ C rows through chunk 0, its G read back. */
  evalOps(): Op[];
  /** Forward of ≤ C rows through chunk 0 (x, z, row count from the input area), their unit sums read back. */
  readonly sumsOps: Op[];
  /** The shift c (input area) → the device. */
  readonly uploadShift: Op[];
  readonly uploadParams: Op[];
  readonly readParams: Op[];
  readonly readGradient: Op[];
}

const round64 = (n: number) => Math.ceil(n / WORKGROUP) * WORKGROUP;

export function gpuPlan(p: PlanInput): GpuPlan {
  const { layout, activation, optimizer, S } = p;
  const { Vw, Gw, nParams, nOut: d, bias } = layout;
  const L = layout.leafPos.length;
  const nI = layout.nodes.length;
  const widest = 4 * Math.max(Vw, Gw, L);
  const fit = Math.floor(p.maxBinding / widest / WORKGROUP) * WORKGROUP;
  if (fit < WORKGROUP) throw new RangeError(`webgpu: ${WORKGROUP} rows of this network (${widest} bytes each) exceed the adapter's storage binding limit (${p.maxBinding} bytes)`);
  if (4 * nParams > p.maxBinding) throw new RangeError(`webgpu: ${nParams} parameters exceed the adapter's storage binding limit (${p.maxBinding} bytes)`);
  const C = Math.min(fit, round64(S), p.maxChunk !== undefined ? Math.max(WORKGROUP, round64(p.maxChunk)) : Infinity);
  const chunks = Math.ceil(S / C);
  const Spad = chunks * C;
  if (4 * Spad * L > p.maxBuffer) throw new RangeError(`webgpu: a batch of ${S} rows × ${L} leaves exceeds the adapter's buffer limit (${p.maxBuffer} bytes)`);
  const adam = optimizer.name === 'adam';

  const buffers: BufferSpec[] = [
    { id: BUF.P, size: 4 * nParams, usage: 'storage' },
    { id: BUF.GR, size: 4 * nParams, usage: 'storage' },
    { id: BUF.X, size: 4 * Spad * L, usage: 'storage' },
    { id: BUF.DV, size: 4 * Vw * C, usage: 'storage' },
    { id: BUF.DG, size: 4 * Gw * C, usage: 'storage' },
    { id: BUF.DVROOT, size: 4 * Spad * d, usage: 'storage' },
    { id: BUF.READROOT, size: 4 * Spad * d, usage: 'read' },
    { id: BUF.READG, size: 4 * Gw * C, usage: 'read' },
    { id: BUF.READP, size: 4 * nParams, usage: 'read' },
    { id: BUF.Z, size: 4 * C * nI, usage: 'storage' },
    { id: BUF.SHIFT, size: 4 * Gw, usage: 'storage' },
    { id: BUF.UNODE, size: 4 * Gw, usage: 'storage' },
    { id: BUF.SUMS, size: 12 * Gw, usage: 'storage' },
    { id: BUF.READSUMS, size: 12 * Gw, usage: 'read' },
    { id: BUF.ROWS, size: 16, usage: 'uniform' },
  ];
  if (adam) {
    buffers.push({ id: BUF.M, size: 4 * nParams, usage: 'storage' }, { id: BUF.SV, size: 4 * nParams, usage: 'storage' }, { id: BUF.U, size: 16, usage: 'uniform' });
  }
  for (let c = 0; c < chunks; c++) buffers.push({ id: V_OF(c), size: 4 * Vw * C, usage: 'storage' }, { id: G_OF(c), size: 4 * Gw * C, usage: 'storage' });

  const kernels: KernelSpec[] = [];
  const add = (code: string, bindings: KernelSpec['bindings'], groups: KernelSpec['groups']): number => {
    kernels.push({ id: kernels.length, code, bindings, groups });
    return kernels.length - 1;
  };
  const segs = layout.segments;
  const leafCode = leafKernel(C, layout.leafPos, layout.leafBase);
  const fwdCode = segs.map((s) => forwardKernel(C, s, activation, bias));
  const bwdCode = segs.map((s) => backwardKernel(C, s, activation));
  const gradCode = segs.map((s) => gradientKernel(C, s, bias));
  const perChunk = Array.from({ length: chunks }, (_, c) => {
    const V = V_OF(c);
    const G = G_OF(c);
    const leaf = add(leafCode, [{ buffer: BUF.X, offset: 4 * c * C * L, size: 4 * C * L }, { buffer: V }], [C / LEAF_TILE, ...grid(Math.ceil(L / LEAF_TILE))]);
    const fwd = segs.map((s, k) => add(fwdCode[k]!, [{ buffer: BUF.P }, { buffer: V }, { buffer: G }], [C / WORKGROUP, ...grid(s.count)]));
    const bwd = segs.map((s, k) => add(bwdCode[k]!, [{ buffer: BUF.P }, { buffer: G }, { buffer: BUF.DV }, { buffer: BUF.DG }], [C / WORKGROUP, ...grid(s.count)]));
    const grad = segs.map((s, k) => add(gradCode[k]!, [{ buffer: V }, { buffer: BUF.DG }, { buffer: BUF.GR }], gradientGroups(s, bias)));
    return { leaf, fwd, bwd, grad };
  });
  const b1 = optimizer.beta1 ?? ADAM_DEFAULTS.beta1;
  const b2 = optimizer.beta2 ?? ADAM_DEFAULTS.beta2;
  const sums = add(sumsKernel(C, Gw, nI), [{ buffer: G_OF(0) }, { buffer: BUF.Z }, { buffer: BUF.SHIFT }, { buffer: BUF.UNODE }, { buffer: BUF.SUMS }, { buffer: BUF.ROWS }], flatGroups(Gw));
  const update = adam
    ? add(adamKernel(nParams, optimizer.lr, b1, b2, optimizer.eps ?? ADAM_DEFAULTS.eps), [{ buffer: BUF.P }, { buffer: BUF.GR }, { buffer: BUF.M }, { buffer: BUF.SV }, { buffer: BUF.U }], flatGroups(nParams))
    : add(sgdKernel(nParams, optimizer.lr), [{ buffer: BUF.P }, { buffer: BUF.GR }], flatGroups(nParams));

  const dvRoot = 4 * Spad * L;
  const adamAt = dvRoot + 4 * Spad * d;
  const params = adamAt + 16;
  const z = params + 4 * Math.max(nParams, Gw); // parameters, or the unit of each G slot (setup)
  const shift = z + 4 * C * nI;
  const rows = shift + 4 * Gw;
  const io = { dvRoot, adam: adamAt, params, z, shift, rows, inputBytes: rows + 16, outputBytes: 4 * Math.max(Spad * d, Gw * C, nParams, 3 * Gw) };

  const forwardChunk = (c: number): Op[] => {
    const k = perChunk[c]!;
    return [{ op: 'dispatch', kernel: k.leaf }, ...k.fwd.map((kernel): Op => ({ op: 'dispatch', kernel })).reverse()];
  };
  const forwardOps: Op[] = [{ op: 'write', buffer: BUF.X, offset: 0, srcOffset: 0, size: 4 * Spad * L }];
  for (let c = 0; c < chunks; c++) {
    forwardOps.push(...forwardChunk(c), { op: 'copy', src: G_OF(c), srcOffset: 0, dst: BUF.READROOT, dstOffset: 4 * c * d * C, size: 4 * d * C });
  }
  forwardOps.push({ op: 'read', buffer: BUF.READROOT, offset: 0, size: 4 * Spad * d, dstOffset: 0 });
  const rootV = layout.nodes[0]!.vpos;
  const backwardOps = (doUpdate: boolean): Op[] => {
    const ops: Op[] = [{ op: 'write', buffer: BUF.DVROOT, offset: 0, srcOffset: io.dvRoot, size: 4 * Spad * d }];
    if (adam && doUpdate) ops.push({ op: 'write', buffer: BUF.U, offset: 0, srcOffset: io.adam, size: 16 });
    ops.push({ op: 'clear', buffer: BUF.GR });
    for (let c = 0; c < chunks; c++) {
      const k = perChunk[c]!;
      ops.push({ op: 'copy', src: BUF.DVROOT, srcOffset: 4 * c * d * C, dst: BUF.DV, dstOffset: 4 * rootV * C, size: 4 * d * C });
      for (const kernel of k.bwd) ops.push({ op: 'dispatch', kernel });
      for (const kernel of k.grad) ops.push({ op: 'dispatch', kernel });
    }
    if (doUpdate) ops.push({ op: 'dispatch', kernel: update });
    return ops;
  };
  return {
    C,
    chunks,
    Spad,
    buffers,
    kernels,
    io,
    forwardOps,
    backwardOps,
    evalOps: () => [
      { op: 'write', buffer: BUF.X, offset: 0, srcOffset: 0, size: 4 * C * L },
      ...forwardChunk(0),
      { op: 'copy', src: G_OF(0), srcOffset: 0, dst: BUF.READG, dstOffset: 0, size: 4 * Gw * C },
      { op: 'read', buffer: BUF.READG, offset: 0, size: 4 * Gw * C, dstOffset: 0 },
    ],
    sumsOps: [
      { op: 'write', buffer: BUF.X, offset: 0, srcOffset: 0, size: 4 * C * L },
      { op: 'write', buffer: BUF.Z, offset: 0, srcOffset: io.z, size: 4 * C * nI },
      { op: 'write', buffer: BUF.ROWS, offset: 0, srcOffset: io.rows, size: 16 },
      ...forwardChunk(0),
      { op: 'dispatch', kernel: sums },
      { op: 'copy', src: BUF.SUMS, srcOffset: 0, dst: BUF.READSUMS, dstOffset: 0, size: 12 * Gw },
      { op: 'read', buffer: BUF.READSUMS, offset: 0, size: 12 * Gw, dstOffset: 0 },
    ],
    uploadShift: [
      { op: 'write', buffer: BUF.SHIFT, offset: 0, srcOffset: io.shift, size: 4 * Gw },
      { op: 'write', buffer: BUF.UNODE, offset: 0, srcOffset: io.params, size: 4 * Gw },
    ],
    uploadParams: [{ op: 'write', buffer: BUF.P, offset: 0, srcOffset: io.params, size: 4 * nParams }],
    readParams: [
      { op: 'copy', src: BUF.P, srcOffset: 0, dst: BUF.READP, dstOffset: 0, size: 4 * nParams },
      { op: 'read', buffer: BUF.READP, offset: 0, size: 4 * nParams, dstOffset: 0 },
    ],
    readGradient: [
      { op: 'copy', src: BUF.GR, srcOffset: 0, dst: BUF.READP, dstOffset: 0, size: 4 * nParams },
      { op: 'read', buffer: BUF.READP, offset: 0, size: 4 * nParams, dstOffset: 0 },
    ],
  };
}
