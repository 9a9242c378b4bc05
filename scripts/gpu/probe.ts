/**
 * Probe of the WebGPU route (scripts/gpu/setup-lavapipe.sh runs it): which adapter Dawn gives the
 * engine, and whether a small compute shader gives exact results (y = 2x + 1 on 4096 floats whose
 * results are exactly representable). Exit 0 when both hold, 1 otherwise.
 */
import { adapterName, openGpu } from '../../src/engines/webgpu/device.js';

const n = 4096;
try {
  const t0 = performance.now();
  const { channel, adapter } = openGpu(n * 4, n * 4);
  const code = `@group(0) @binding(0) var<storage, read_write> a: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3u) { if (id.x < ${n}u) { a[id.x] = a[id.x] * 2.0 + 1.0; } }`;
  channel.call({
    type: 'setup',
    buffers: [
      { id: 0, size: n * 4, usage: 'storage' },
      { id: 1, size: n * 4, usage: 'read' },
    ],
    kernels: [{ id: 0, code, bindings: [{ buffer: 0 }], groups: [n / 64, 1, 1] }],
  });
  const x = new Float32Array(channel.input, 0, n);
  for (let i = 0; i < n; i++) x[i] = (i - n / 2) * 0.25;
  channel.call({
    type: 'run',
    ops: [
      { op: 'write', buffer: 0, offset: 0, srcOffset: 0, size: n * 4 },
      { op: 'dispatch', kernel: 0 },
      { op: 'copy', src: 0, srcOffset: 0, dst: 1, dstOffset: 0, size: n * 4 },
      { op: 'read', buffer: 1, offset: 0, size: n * 4, dstOffset: 0 },
    ],
  });
  const y = new Float32Array(channel.output, 0, n);
  const wrong = Array.from(y).findIndex((v, i) => v !== x[i]! * 2 + 1);
  channel.close();
  const ms = (performance.now() - t0).toFixed(0);
  console.log(`[gpu-probe] adapter: ${adapterName(adapter)} (vendor ${adapter.vendor}, ${adapter.architecture}); max storage binding ${adapter.maxStorageBufferBindingSize} B`);
  console.log(`[gpu-probe] compute shader y = 2x + 1 on ${n} floats: ${wrong < 0 ? 'exact' : `WRONG at ${wrong}: ${y[wrong]} != ${x[wrong]! * 2 + 1}`} (${ms} ms)`);
  process.exitCode = wrong < 0 ? 0 : 1;
} catch (e) {
  console.log(`[gpu-probe] no WebGPU: ${(e as Error).message}`);
  process.exitCode = 1;
}
