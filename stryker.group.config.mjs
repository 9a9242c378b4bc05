// One mutation group of docs/mutation.md in a sandbox of its own, with its own incremental file and
// reports (reports/mutation/<group>.{html,json}), so that two groups can run side by side:
//   MUTATION_GROUP=hltm MUTATION_TESTS=test/hltm.test.ts,... \
//     nice -n 10 npx stryker run stryker.group.config.mjs --mutate 'src/hltm/**/*.ts'
// (docs/mutation.md lists each group's --mutate and MUTATION_TESTS.)
import base from './stryker.config.mjs';

const group = process.env.MUTATION_GROUP ?? 'group';

export default {
  ...base,
  tempDirName: `.stryker-tmp-${group}`,
  ignorePatterns: ['.stryker-tmp*', 'reports'],
  incrementalFile: `reports/mutation/incremental-${group}.json`,
  htmlReporter: { fileName: `reports/mutation/${group}.html` },
  jsonReporter: { fileName: `reports/mutation/${group}.json` },
  // An infinite-loop mutant is cut at 10 s instead of a minute.
  timeoutMS: 10_000,
};
