// The f32 engine's kernels as a group of their own (docs/mutation.md): its own sandbox and reports,
// so it can run beside another group. `npx stryker run stryker.f32.config.mjs --mutate <file>`.
import base from './stryker.config.mjs';

export default {
  ...base,
  mutate: ['src/engines/f32/**/*.ts'],
  tempDirName: '.stryker-tmp-f32',
  ignorePatterns: ['.stryker-tmp*', 'reports'],
  incrementalFile: 'reports/mutation/incremental-f32.json',
  htmlReporter: { fileName: 'reports/mutation/f32.html' },
  jsonReporter: { fileName: 'reports/mutation/f32.json' },
  timeoutMS: 10_000,
};
