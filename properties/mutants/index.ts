/**
 * The mutation self-check: run the claim checks against every injected bug (./catch.ts), the
 * registry's one check per mutant (./checks.ts), and the outcome table (./markdown.ts).
 */
export { catchMutants, runPipeline, pipelineChecks, MUTANT_LOSSES, type MutantOutcome } from './catch.js';
export { checks, mutantCheck } from './checks.js';
export { mutantsMarkdown } from './markdown.js';
