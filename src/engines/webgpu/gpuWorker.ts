/**
 * The GPU worker (a worker thread): owns Dawn's device and executes the engine's requests
 * (protocol.ts) one at a time, replying through the shared status words so that the engine can
 * wait synchronously (Atomics.wait) while this thread awaits Dawn's promises.
 *
 * Dawn notes: the GPU object returned by create() must stay reachable (if it is collected the
 * device dies and the process crashes), and queue.writeBuffer must not be handed views of a
 * SharedArrayBuffer (the input area is copied into a private scratch buffer first).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { BUFFER_USAGE, MAP_READ, type DawnModule, type Gpu, type GpuBuffer, type GpuCommandEncoder, type GpuComputePipeline, type GpuDevice } from './dawn.js';
import { CTL_LENGTH, CTL_STATE, REPLY_BYTES, STATE_ERROR, STATE_OK, type AdapterDescription, type KernelSpec, type Op, type Request, type WorkerData } from './protocol.js';

const data = workerData as WorkerData;

/**
 * Dawn's binding waits for the device by re-queueing a tick with setImmediate while any promise is
 * pending: a busy loop on this thread, which on a software adapter (lavapipe) takes a core from the
 * driver's own threads. On a software adapter: spin for the first SPIN_MS of a wait, then tick
 * once a millisecond (a GPU keeps the busy loop: it answers within a step's few milliseconds).
 */
const SPIN_MS = 2;
const immediate = globalThis.setImmediate;
let throttle = false;
let waitStart = 0;
let lastTick = 0;
globalThis.setImmediate = ((fn: (...a: unknown[]) => void, ...args: unknown[]) => {
  if (!throttle) return immediate(fn, ...args);
  const now = performance.now();
  if (now - lastTick > 1.5) waitStart = now;
  lastTick = now;
  return now - waitStart < SPIN_MS ? immediate(fn, ...args) : setTimeout(fn, 1, ...args);
}) as typeof setImmediate;
const encoder = new TextEncoder();

function reply(ok: boolean, value: unknown): void {
  let bytes = encoder.encode(JSON.stringify(value ?? null));
  if (bytes.length > REPLY_BYTES) bytes = encoder.encode(JSON.stringify(String(value).slice(0, REPLY_BYTES / 4)));
  data.reply.set(bytes);
  Atomics.store(data.ctl, CTL_LENGTH, bytes.length);
  Atomics.store(data.ctl, CTL_STATE, ok ? STATE_OK : STATE_ERROR);
  Atomics.notify(data.ctl, CTL_STATE);
}

let gpu: Gpu | null = null; // kept reachable on purpose (see the module comment)
let device: GpuDevice | null = null;
let lost: string | null = null;
const buffers = new Map<number, GpuBuffer>();
const kernels = new Map<number, { pipeline: GpuComputePipeline; group: unknown; groups: readonly [number, number, number] }>();
const pipelines = new Map<string, GpuComputePipeline>();
let scratch = new ArrayBuffer(0);

async function open(powerPreference: string): Promise<AdapterDescription> {
  const dawn = (await import(data.moduleUrl)) as DawnModule;
  Object.assign(globalThis, dawn.globals);
  gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference });
  if (!adapter) throw new Error('Dawn found no WebGPU adapter (no Vulkan driver, or none that Dawn accepts)');
  const { maxStorageBufferBindingSize, maxBufferSize } = adapter.limits;
  device = await adapter.requestDevice({ requiredLimits: { maxStorageBufferBindingSize, maxBufferSize } });
  void device.lost.then((info) => (lost = info.message));
  const info = adapter.info;
  const software = /llvmpipe|lavapipe|swiftshader|software/i.test(`${info.architecture} ${info.device} ${info.description}`) || adapter.isFallbackAdapter === true;
  throttle = software;
  return { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, software, maxStorageBufferBindingSize, maxBufferSize };
}

function dev(): GpuDevice {
  if (!device) throw new Error('GPU worker: no device (open first)');
  if (lost !== null) throw new Error(`GPU device lost: ${lost}`);
  return device;
}

function buffer(id: number): GpuBuffer {
  const b = buffers.get(id);
  if (!b) throw new Error(`GPU worker: no buffer ${id}`);
  return b;
}

async function setup(specs: Extract<Request, { type: 'setup' }>): Promise<number> {
  const d = dev();
  d.pushErrorScope('validation');
  d.pushErrorScope('out-of-memory');
  for (const s of specs.buffers) {
    const usage =
      s.usage === 'read'
        ? BUFFER_USAGE.MAP_READ | BUFFER_USAGE.COPY_DST
        : s.usage === 'uniform'
          ? BUFFER_USAGE.UNIFORM | BUFFER_USAGE.COPY_DST
          : BUFFER_USAGE.STORAGE | BUFFER_USAGE.COPY_SRC | BUFFER_USAGE.COPY_DST;
    buffers.get(s.id)?.destroy();
    buffers.set(s.id, d.createBuffer({ size: s.size, usage }));
  }
  for (const k of specs.kernels) kernels.set(k.id, compile(d, k));
  const oom = await d.popErrorScope();
  const invalid = await d.popErrorScope();
  if (oom) throw new Error(`GPU out of memory while allocating: ${oom.message}`);
  if (invalid) throw new Error(`GPU setup rejected: ${invalid.message}`);
  return buffers.size;
}

function compile(d: GpuDevice, k: KernelSpec) {
  let pipeline = pipelines.get(k.code);
  if (!pipeline) {
    pipeline = d.createComputePipeline({ layout: 'auto', compute: { module: d.createShaderModule({ code: k.code }), entryPoint: 'main' } });
    pipelines.set(k.code, pipeline);
  }
  const entries = k.bindings.map((b, binding) => ({
    binding,
    resource: { buffer: buffer(b.buffer), ...(b.offset !== undefined ? { offset: b.offset } : {}), ...(b.size !== undefined ? { size: b.size } : {}) },
  }));
  return { pipeline, group: d.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }), groups: k.groups };
}

async function run(ops: readonly Op[]): Promise<void> {
  const d = dev();
  let enc: GpuCommandEncoder | null = null;
  const flush = () => {
    if (enc) d.queue.submit([enc.finish()]);
    enc = null;
  };
  const reads: Extract<Op, { op: 'read' }>[] = [];
  for (const op of ops) {
    if (op.op === 'write') {
      flush();
      if (scratch.byteLength < op.size) scratch = new ArrayBuffer(op.size);
      new Uint8Array(scratch, 0, op.size).set(new Uint8Array(data.input, op.srcOffset, op.size));
      d.queue.writeBuffer(buffer(op.buffer), op.offset, scratch, 0, op.size);
      continue;
    }
    if (op.op === 'read') {
      reads.push(op);
      continue;
    }
    const e: GpuCommandEncoder = enc ?? (enc = d.createCommandEncoder());
    if (op.op === 'clear') e.clearBuffer(buffer(op.buffer));
    else if (op.op === 'copy') e.copyBufferToBuffer(buffer(op.src), op.srcOffset, buffer(op.dst), op.dstOffset, op.size);
    else {
      const k = kernels.get(op.kernel);
      if (!k) throw new Error(`GPU worker: no kernel ${op.kernel}`);
      const pass = e.beginComputePass();
      pass.setPipeline(k.pipeline);
      pass.setBindGroup(0, k.group);
      pass.dispatchWorkgroups(k.groups[0], k.groups[1], k.groups[2]);
      pass.end();
    }
  }
  flush();
  const out = new Uint8Array(data.output);
  for (const r of reads) {
    const b = buffer(r.buffer);
    await b.mapAsync(MAP_READ, r.offset, r.size);
    out.set(new Uint8Array(b.getMappedRange(r.offset, r.size)), r.dstOffset);
    b.unmap();
  }
  if (lost !== null) throw new Error(`GPU device lost: ${lost}`);
}

/** Validation errors of a run surface at the next `check` (error scopes cost a round trip). */
async function handle(req: Request): Promise<unknown> {
  switch (req.type) {
    case 'open':
      return open(req.powerPreference);
    case 'setup':
      return setup(req);
    case 'run':
      return run(req.ops);
    case 'close':
      for (const b of buffers.values()) b.destroy();
      buffers.clear();
      device?.destroy();
      device = null;
      gpu = null;
      return null;
  }
}

parentPort!.on('message', (req: Request) => {
  handle(req).then(
    (v) => {
      reply(true, v);
      if (req.type === 'close') parentPort!.close();
    },
    (e: unknown) => reply(false, e instanceof Error ? e.message : String(e)),
  );
});
reply(true, 'ready');
void gpu;
