/**
 * Opening a WebGPU device for the engine: the optional pieces (runtime.ts), the worker
 * (channel.ts), the adapter. Every way of not getting one is an InputError naming --engine with
 * the install and driver instructions (exit 2 on the CLI).
 */
import { InputError } from '../../errors.js';
import { GpuChannel } from './channel.js';
import type { AdapterDescription } from './protocol.js';
import { addLavapipeDriver, INSTALL_HINT, preloadVulkanLoader, webgpuModuleUrl } from './runtime.js';

export interface GpuSession {
  readonly channel: GpuChannel;
  readonly adapter: AdapterDescription;
}

/** Opens a device with input/output areas of the given sizes (bytes); throws InputError('--engine'). */
export function openGpu(inputBytes: number, outputBytes: number): GpuSession {
  const url = webgpuModuleUrl();
  if (!url) throw new InputError('--engine', `engine "webgpu" needs the npm package webgpu (Dawn), which is not installed: ${INSTALL_HINT}`);
  if (process.platform === 'linux' && preloadVulkanLoader() === null) {
    throw new InputError('--engine', `engine "webgpu" needs the Vulkan loader libvulkan.so.1, which is not installed (apt-get install libvulkan1): ${INSTALL_HINT}`);
  }
  addLavapipeDriver();
  const channel = new GpuChannel(url, inputBytes, outputBytes);
  try {
    const adapter = channel.call<AdapterDescription>({ type: 'open', powerPreference: 'high-performance' });
    return { channel, adapter };
  } catch (e) {
    channel.close();
    throw new InputError('--engine', `engine "webgpu": ${(e as Error).message}. ${INSTALL_HINT}`);
  }
}

let probed: { adapter: AdapterDescription } | { error: InputError } | undefined;

/**
 * The adapter the engine gets, or throws the InputError saying why there is none (cached per
 * process; the first call opens and closes a device, well under a second).
 */
export function webgpuAdapter(): AdapterDescription {
  if (probed === undefined) {
    try {
      const s = openGpu(64, 64);
      s.channel.close();
      probed = { adapter: s.adapter };
    } catch (e) {
      probed = { error: e instanceof InputError ? e : new InputError('--engine', (e as Error).message) };
    }
  }
  if ('error' in probed) throw probed.error;
  return probed.adapter;
}

/** The adapter, or the reason there is none (tests skip with it; scales are offered with it). */
export function probeWebGpu(): AdapterDescription | string {
  try {
    return webgpuAdapter();
  } catch (e) {
    return (e as Error).message;
  }
}

/** A one-line name of the adapter: "llvmpipe (software)" or the GPU's description. */
export function adapterName(a: AdapterDescription): string {
  const name = a.description || a.device || a.architecture || a.vendor || 'unknown adapter';
  return a.software ? `${name.split(':')[0]} (software)` : name;
}
