/**
 * The messages between the WebGPU engine (main thread, synchronous) and its GPU worker (which owns
 * Dawn's device and awaits its promises). The worker is a plain executor: every buffer, WGSL
 * kernel and program is described here by the engine (plan.ts), so the worker needs no knowledge
 * of networks. Data travels through two SharedArrayBuffers: `input` (host → GPU) and `output`
 * (GPU → host); each call's reply is a status word plus a JSON text (channel.ts).
 */

/** A GPU buffer: `storage` (read/write by kernels, copy source and target), `read` (mappable), `uniform`. */
export interface BufferSpec {
  readonly id: number;
  /** Bytes (a multiple of 4). */
  readonly size: number;
  readonly usage: 'storage' | 'read' | 'uniform';
}

/** One binding of a kernel: a buffer, optionally a byte range of it (offset a multiple of 256). */
export interface Binding {
  readonly buffer: number;
  readonly offset?: number;
  readonly size?: number;
}

/**
 * A compute kernel: WGSL with entry point `main`, its bindings (group 0, binding i = bindings[i];
 * `read` bindings are declared `var<storage, read>` in the WGSL) and its workgroup grid.
 */
export interface KernelSpec {
  readonly id: number;
  readonly code: string;
  readonly bindings: readonly Binding[];
  readonly groups: readonly [number, number, number];
}

export type Op =
  /** Bytes [srcOffset, srcOffset + size) of the input area → buffer at offset. */
  | { readonly op: 'write'; readonly buffer: number; readonly offset: number; readonly srcOffset: number; readonly size: number }
  | { readonly op: 'clear'; readonly buffer: number }
  | { readonly op: 'dispatch'; readonly kernel: number }
  | { readonly op: 'copy'; readonly src: number; readonly srcOffset: number; readonly dst: number; readonly dstOffset: number; readonly size: number }
  /** After the program's commands complete: bytes [offset, offset + size) of a `read` buffer → output area at dstOffset. */
  | { readonly op: 'read'; readonly buffer: number; readonly offset: number; readonly size: number; readonly dstOffset: number };

export type Request =
  | { readonly type: 'open'; readonly powerPreference: 'high-performance' | 'low-power' }
  | { readonly type: 'setup'; readonly buffers: readonly BufferSpec[]; readonly kernels: readonly KernelSpec[] }
  /** Runs the ops in order: writes split the command stream, reads are served after the last submit. */
  | { readonly type: 'run'; readonly ops: readonly Op[] }
  | { readonly type: 'close' };

export interface AdapterDescription {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** A CPU (software) adapter such as lavapipe's llvmpipe. */
  readonly software: boolean;
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
}

/** Control words of the status area (Int32Array over a SharedArrayBuffer). */
export const CTL_STATE = 0;
export const CTL_LENGTH = 1;
export const STATE_PENDING = 0;
export const STATE_OK = 1;
export const STATE_ERROR = 2;
/** Bytes of the reply text area. */
export const REPLY_BYTES = 1 << 16;

export interface WorkerData {
  /** File URL of the `webgpu` package entry (runtime.ts). */
  readonly moduleUrl: string;
  readonly ctl: Int32Array;
  readonly reply: Uint8Array;
  readonly input: SharedArrayBuffer;
  readonly output: SharedArrayBuffer;
}
