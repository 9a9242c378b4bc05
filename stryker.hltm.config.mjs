// src/hltm as a group of its own (docs/mutation.md): its own sandbox and reports, so it can run
// beside another group. `npx stryker run stryker.hltm.config.mjs`.
import base from './stryker.config.mjs';

export default {
  ...base,
  mutate: ['src/hltm/**/*.ts'],
  tempDirName: '.stryker-tmp-hltm',
  ignorePatterns: ['.stryker-tmp*', 'reports'],
  incrementalFile: 'reports/mutation/incremental-hltm.json',
  htmlReporter: { fileName: 'reports/mutation/hltm.html' },
  jsonReporter: { fileName: 'reports/mutation/hltm.json' },
  timeoutMS: 10_000,
};
