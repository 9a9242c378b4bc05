/**
 * The part of the WebGPU API (as Dawn's Node binding, the npm package `webgpu`, exposes it) that
 * the GPU worker uses: declared here because the package and its @webgpu/types are optional
 * (runtime.ts) and must not be needed to type-check the project.
 */
export interface GpuBuffer {
  mapAsync(mode: number, offset?: number, size?: number): Promise<void>;
  getMappedRange(offset?: number, size?: number): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

export interface GpuBindGroupLayout {
  readonly __brand?: 'layout';
}

export interface GpuComputePipeline {
  getBindGroupLayout(index: number): GpuBindGroupLayout;
}

export interface GpuComputePass {
  setPipeline(p: GpuComputePipeline): void;
  setBindGroup(index: number, group: unknown): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

export interface GpuCommandEncoder {
  beginComputePass(): GpuComputePass;
  copyBufferToBuffer(src: GpuBuffer, srcOffset: number, dst: GpuBuffer, dstOffset: number, size: number): void;
  clearBuffer(b: GpuBuffer, offset?: number, size?: number): void;
  finish(): unknown;
}

export interface GpuError {
  readonly message: string;
}

export interface GpuDevice {
  readonly queue: {
    writeBuffer(b: GpuBuffer, offset: number, data: ArrayBuffer, dataOffset?: number, size?: number): void;
    submit(commands: unknown[]): void;
    onSubmittedWorkDone(): Promise<void>;
  };
  createBuffer(d: { size: number; usage: number }): GpuBuffer;
  createShaderModule(d: { code: string }): unknown;
  createComputePipeline(d: { layout: 'auto'; compute: { module: unknown; entryPoint: string } }): GpuComputePipeline;
  createBindGroup(d: { layout: GpuBindGroupLayout; entries: { binding: number; resource: { buffer: GpuBuffer; offset?: number; size?: number } }[] }): unknown;
  createCommandEncoder(): GpuCommandEncoder;
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope(): Promise<GpuError | null>;
  readonly lost: Promise<{ message: string }>;
  destroy(): void;
}

export interface GpuAdapter {
  readonly info: { vendor: string; architecture: string; device: string; description: string };
  readonly limits: { maxStorageBufferBindingSize: number; maxBufferSize: number };
  readonly isFallbackAdapter?: boolean;
  requestDevice(d?: { requiredLimits?: Record<string, number> }): Promise<GpuDevice>;
}

export interface Gpu {
  requestAdapter(o?: { powerPreference?: string }): Promise<GpuAdapter | null>;
}

/** The module `webgpu` (index.js): create(flags) and the WebGPU globals (GPUBufferUsage, ...). */
export interface DawnModule {
  create(flags: string[]): Gpu;
  readonly globals: Record<string, unknown>;
}

/** GPUBufferUsage and GPUMapMode bits (WebGPU specification). */
export const BUFFER_USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80 } as const;
export const MAP_READ = 0x1;
