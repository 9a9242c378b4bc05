// StrykerJS mutation testing (issue 12): `npm run mutation` (all folders) or
// `npm run mutation -- --mutate 'src/numeric/**/*.ts'` (one folder). Not part of `npm test`.
// Sized for a 2-core shared machine: perTest coverage (each mutant runs only the tests that
// reach it), concurrency 1, incremental (reuses results of unchanged code and tests), and the
// focused vitest config vitest.mutation.config.ts. Reports: reports/mutation/mutation.{html,json}.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  coverageAnalysis: 'perTest',
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 1),
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  mutate: [
    'src/numeric/**/*.ts',
    'src/hltm/**/*.ts',
    'src/network/**/*.ts',
    'src/losses/**/*.ts',
    'src/theory/**/*.ts',
    'src/engines/f32/**/*.ts',
    '!src/**/*.d.ts',
  ],
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  timeoutMS: 60_000,
  thresholds: { high: 90, low: 85, break: null },
};
