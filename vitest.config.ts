import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { addLavapipeDriver } from './src/engines/webgpu/runtime.js';
import LongFilesFirst from './test/support/sequencer.js';

// The project's lavapipe (scripts/gpu/setup-lavapipe.sh), if installed, for the WebGPU engine's tests:
// set here, in the main process, because worker threads cannot set the environment native code reads.
addLavapipeDriver();

// One worker pool, no per-file isolation: importing @fast-check/vitest costs seconds per file.
// Every core: vitest's own default for `vitest run` is cores − 1, which on a 2-core CI machine is one
// worker and runs the whole suite serially (154 s against 113 s with two, measured on this machine).
// CI pins the property seed (COVCHECK_SEED, default 42) so test names and runs are stable.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'properties/**/*.test.ts', 'examples/**/*.test.ts'],
    isolate: false,
    pool: 'threads',
    maxWorkers: availableParallelism(),
    sequence: { sequencer: LongFilesFirst }, // the long files first (test/support/sequencer.ts)
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
