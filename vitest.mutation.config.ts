import { defineConfig } from 'vitest/config';

// The focused test subset StrykerJS runs for each mutant (stryker.config.mjs): the unit tests of
// the mutated folders (src/numeric, src/hltm, src/network, src/losses, src/theory, engine kernels),
// not the CI-scale claim suite (minutes per run). MUTATION_TESTS (comma-separated globs) overrides it;
// docs/mutation.md lists the focused set used for each folder.
const DEFAULT = [
  'test/core.test.ts', 'test/hltm.test.ts', 'test/hltm-claims.test.ts', 'test/losses.test.ts', 'test/numeric.test.ts', 'test/engine-f32.test.ts',
  // Written for the mutation score (docs/mutation.md): independent oracles per folder.
  'test/mutation-*.test.ts',
];

export default defineConfig({
  test: {
    include: process.env.MUTATION_TESTS ? process.env.MUTATION_TESTS.split(',') : DEFAULT,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
