/**
 * Pure statistics (docs/statistics.md): one-sample and paired tests over seeds with three-way
 * decisions, t quantiles, power and sample size, sequential looks with Bonferroni
 * spending, the α budget of the training claims, simultaneous binomial frequency tests (C9), and
 * test results in words. No training, no checks, no plots: the experiment plumbing of C11, C12 and
 * the sweep is src/sweep/experiment.ts; the error-bar charts are src/report/errorBarPlot.ts.
 */
export { type Decision, combineAll } from './decision.js';
export { tQuantileUpper, noncentralTCdf } from './distributions.js';
export { type Summary, summarize, tHalfWidth, pairedDifferences } from './summary.js';
export { powerOneSided, sampleSizeOneSided, minimumDetectableEffect, powerEquivalence } from './power.js';
export { type DirectionalOptions, type DirectionalResult, directionalTest } from './directional.js';
export { type EquivalenceOptions, type EquivalenceResult, equivalenceTest } from './equivalence.js';
export { type Look, type Design, type SequentialOutcome, makeDesign, runSequential, describeDesign } from './sequential.js';
export { TRAINING_CLAIMS_ALPHA, CLAIM_ALPHA, C11_PARTS, C12_PARTS, splitAlpha, c11Alpha, c12Alpha, bonferroni } from './budget.js';
export { type Counter, type FrequencyVerdict, decideFrequencies } from './binomial.js';
export { type TestResult, num, flatten, describe, worstOf } from './describe.js';
