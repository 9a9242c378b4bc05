/**
 * TensorFlow.js backends for the training engine (`--backend NAME`).
 *
 *  - `wasm` (default): @tensorflow/tfjs-backend-wasm, its .wasm binaries read from the package's
 *    own dist folder (setWasmPaths with a file path: Node reads it with fs). In Node the wasm
 *    backend is single-threaded (XNNPACK threads need SharedArrayBuffer workers, which tfjs
 *    disables under Node), so it uses one core, as the speed targets assume.
 *  - `cpu`: the pure-JavaScript backend shipped with @tensorflow/tfjs.
 *  - `tensorflow` (@tensorflow/tfjs-node), `tensorflow-gpu` (@tensorflow/tfjs-node-gpu),
 *    `webgpu` (@tensorflow/tfjs-backend-webgpu): optional; imported dynamically only when asked
 *    for, so an install without them works; a missing package is an InputError naming --backend.
 *
 * Measured (bench/train.ts, official tree network, one core): TF.js wasm trains 5–9× faster than
 * TF.js cpu (≈ 14–21k against ≈ 2.5k triples/s, level-batched graphs); the hand-written f32
 * engine (engines/f32) is ≈ 5–6× faster than wasm and is the default.
 *
 * TensorFlow.js itself is loaded here on first use (`loadBackend`, `syncBackend`), never at import
 * time: `covcheck eval`, `train --engine f32` and the float64 checks do not pay its ≈ 1 s start-up.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type * as tfType from '@tensorflow/tfjs';
import { InputError } from '../errors.js';

export const BACKEND_NAMES = ['wasm', 'cpu', 'tensorflow', 'tensorflow-gpu', 'webgpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** npm package that provides each optional backend. */
const OPTIONAL_PACKAGES: Readonly<Record<string, string>> = {
  tensorflow: '@tensorflow/tfjs-node',
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
};

let wasmPathsSet = false;

/** The @tensorflow/tfjs module once loaded (one instance: the package is CommonJS, so `import()` and `require` share it). */
let loaded: typeof tfType | undefined;

/**
 * Loads @tensorflow/tfjs (first call only), silenced. Through `require`: the package and its
 * backends are CommonJS bundles of several MB, which `import()` first scans for their export names
 * (Node's cjs-module-lexer): 0.26 s of CPU against 0.08 s, in every process and worker that loads it.
 */
function tfjs(): typeof tfType {
  loaded ??= quiet(createRequire(import.meta.url)('@tensorflow/tfjs') as typeof tfType);
  return loaded;
}

/** The folder holding tfjs-backend-wasm's .wasm binaries (with a trailing slash). */
export function wasmDistFolder(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/';
}

/** Silences tfjs' "install tfjs-node" banner (printed through backend_util.warn unless PROD). */
function quiet(tf: typeof tfType): typeof tfType {
  if (!tf.env().getBool('PROD')) tf.env().set('PROD', true);
  return tf;
}

/**
 * Makes `name` the active TensorFlow.js backend and returns tf. Idempotent; throws InputError
 * ('--backend', ...) for an unknown name, a backend whose package is not installed, or one that
 * fails to initialise.
 */
export async function loadBackend(name: string = 'wasm'): Promise<typeof tfType> {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new InputError('--backend', `unknown backend ${JSON.stringify(name)} (${BACKEND_NAMES.join(', ')})`);
  }
  const tf = tfjs();
  if (tf.getBackend() === name && tf.findBackend(name)) return tf;
  if (name === 'wasm') {
    const wasm = createRequire(import.meta.url)('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm'); // CommonJS: require, as in tfjs()
    if (!wasmPathsSet) {
      wasm.setWasmPaths(wasmDistFolder());
      wasmPathsSet = true;
    }
  } else if (name !== 'cpu') {
    const pkg = OPTIONAL_PACKAGES[name]!;
    try {
      // A variable specifier keeps bundlers and tsc from resolving optional packages.
      const spec = pkg;
      await import(spec);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
        throw new InputError('--backend', `backend "${name}" needs ${pkg}, which is not installed: npm install ${pkg}`);
      }
      throw new InputError('--backend', `backend "${name}" failed to load ${pkg}: ${(e as Error).message}`);
    }
  }
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (e) {
    throw new InputError('--backend', `backend "${name}" failed to initialise: ${(e as Error).message}`);
  }
  if (!ok || tf.getBackend() !== name) {
    throw new InputError('--backend', `backend "${name}" failed to initialise (tf.setBackend returned false)`);
  }
  return tf;
}

/**
 * The active backend for synchronous callers (property checks): the current one when initialised,
 * else `cpu`, which initialises synchronously (tf.setBackend runs to completion before its first
 * await for backends without async init).
 */
export function syncBackend(): typeof tfType {
  const tf = tfjs();
  const engine = tf.engine() as unknown as { backendName: string | null; registry: Record<string, unknown> };
  if (engine.backendName && engine.registry[engine.backendName]) return tf;
  void tf.setBackend('cpu');
  if (tf.getBackend() !== 'cpu') throw new Error('syncBackend: could not switch TensorFlow.js to the cpu backend synchronously');
  return tf;
}
