/**
 * Where the optional pieces of the WebGPU engine come from (docs/gpu.md). None of them is a
 * dependency of `npm ci`; scripts/gpu/setup-lavapipe.sh installs them into the ignored .cache/.
 *
 *  - Dawn's Node binding, the npm package `webgpu`: $COVCHECK_WEBGPU_MODULE (its index.js, set by
 *    the GPU pack), else a normal install (node_modules/webgpu), else .cache/webgpu/node_modules.
 *  - The Vulkan loader libvulkan.so.1, which Dawn dlopens by name: the system's, else
 *    $COVCHECK_VULKAN_LOADER, else .cache/lavapipe's copy. It is preloaded into the process with
 *    RTLD_NODELETE, so Dawn's own dlopen finds it loaded (no LD_LIBRARY_PATH needed).
 *  - A Vulkan driver (ICD): the system's (a GPU vendor's driver), plus the project's lavapipe
 *    when .cache/lavapipe/icd.json exists and neither VK_ICD_FILENAMES nor VK_DRIVER_FILES is set
 *    (VK_ADD_DRIVER_FILES; only the main thread can set the environment native code reads:
 *    vitest.config.ts calls addLavapipeDriver() in vitest's main process for the tests' threads).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

/** The pinned `webgpu` version (scripts/gpu/versions.sh holds the same). */
export const WEBGPU_VERSION = '0.6.2';

/** How to get the engine running, printed with every "not available" error. */
export const INSTALL_HINT =
  'run scripts/gpu/setup-lavapipe.sh (installs the npm package webgpu@' +
  WEBGPU_VERSION +
  ' into .cache/webgpu and, for machines without a GPU, Mesa\'s software Vulkan driver lavapipe; ' +
  'with a GPU: scripts/gpu/setup-lavapipe.sh --no-lavapipe and the vendor\'s Vulkan driver, e.g. NVIDIA\'s nvidia_icd.json); see docs/gpu.md';

/** The covcheck checkout this module belongs to (the folder of its package.json), or null (a bundle). */
export function projectRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'covcheck') return dir;
      } catch {
        // not ours: keep walking up
      }
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** The project's cache folder (.cache), or null outside a checkout. */
export function cacheDir(): string | null {
  const root = projectRoot();
  return root ? join(root, '.cache') : null;
}

/** File URL of the `webgpu` package's entry, or null when it is not installed anywhere we look. */
export function webgpuModuleUrl(): string | null {
  const env = process.env.COVCHECK_WEBGPU_MODULE;
  if (env) return existsSync(env) ? pathToFileURL(resolve(env)).href : null;
  try {
    const require = createRequire(import.meta.url);
    return pathToFileURL(join(dirname(require.resolve('webgpu/package.json')), 'index.js')).href;
  } catch {
    // not installed normally
  }
  const cache = cacheDir();
  const local = cache ? join(cache, 'webgpu', 'node_modules', 'webgpu', 'index.js') : null;
  return local && existsSync(local) ? pathToFileURL(local).href : null;
}

/** The project's lavapipe folder (.cache/lavapipe) when the setup script installed it. */
export function lavapipeDir(): string | null {
  const cache = cacheDir();
  const dir = cache ? join(cache, 'lavapipe') : null;
  return dir && existsSync(join(dir, 'icd.json')) ? dir : null;
}

const RTLD_NODELETE = 0x1000;

/** dlopen's message for a library that is not there (as opposed to "did not self-register"). */
const notFound = (e: unknown) => /cannot open shared object|No such file/i.test((e as Error).message);

let loader: string | null | undefined;

/**
 * Loads libvulkan.so.1 into the process for good (a library without a Node module "fails" to
 * register: that is expected). Returns what was loaded, or null when there is no loader at all.
 */
export function preloadVulkanLoader(): string | null {
  if (loader !== undefined) return loader;
  if (process.platform !== 'linux') return (loader = 'system');
  const flags = constants.dlopen.RTLD_NOW | constants.dlopen.RTLD_GLOBAL | RTLD_NODELETE;
  const lvp = lavapipeDir();
  const candidates = [
    'libvulkan.so.1',
    process.env.COVCHECK_VULKAN_LOADER,
    lvp ? join(lvp, 'root', 'usr', 'lib', 'x86_64-linux-gnu', 'libvulkan.so.1') : undefined,
  ].filter((c): c is string => typeof c === 'string' && c.length > 0);
  for (const c of candidates) {
    try {
      process.dlopen({ exports: {} }, c, flags);
      return (loader = c);
    } catch (e) {
      if (!notFound(e)) return (loader = c);
    }
  }
  return (loader = null);
}

/** Adds the project's lavapipe ICD for native code (main thread only; see the module comment). */
export function addLavapipeDriver(): string | null {
  const lvp = lavapipeDir();
  if (!lvp || !isMainThread) return null;
  const env = process.env;
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES) return null;
  const icd = join(lvp, 'icd.json');
  const added = (env.VK_ADD_DRIVER_FILES ?? '').split(':').filter((s) => s.length > 0);
  if (!added.includes(icd)) env.VK_ADD_DRIVER_FILES = [...added, icd].join(':');
  return icd;
}
