import { defineConfig } from 'vitest/config';

// One worker pool, no per-file isolation: importing @fast-check/vitest costs seconds per file.
// CI pins the property seed (COVCHECK_SEED, default 42) so test names and runs are stable.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'properties/**/*.test.ts', 'examples/**/*.test.ts'],
    isolate: false,
    pool: 'threads',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
