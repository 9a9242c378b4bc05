/**
 * The public entry of the covcheck package (`import … from 'covcheck'`; docs/api.md):
 * the claim registry, running its checks, evaluating a case, the fast-check generators, and the
 * command line itself. Vitest users: `covcheck/vitest` (properties/vitest.ts).
 */

// The claim registry (docs/theory.md §2) and running its checks.
export { registry, CLAIMS, CHECKS } from './registry.js';
export { runClaims, selectedChecks, checkRunOptions, expectedVerdicts, type ClaimSelection } from './runClaims.js';
export { runCheck } from '../src/runner/run.js';
export { deriveSeed } from '../src/numeric/random.js';
export type { Registry } from '../src/runner/registry.js';
export type {
  Check,
  CheckResult,
  ClaimId,
  ClaimRecord,
  Counterexample,
  CustomCheck,
  Measurement,
  PropertyCheck,
  RunOptions,
  Scale,
  Verdict,
} from '../src/runner/check.js';

// One case in, one result out (docs/case-format.md; `covcheck eval`).
export { parseCase, parseCaseText, type ParsedCase } from '../src/case/parseCase.js';
export { evaluateCase } from '../src/case/evaluateCase.js';

// The generators (fast-check arbitraries; constraints objects with documented defaults).
export { arbShape, arbPolarity, arbRootPrior, arbTree, type ShapeConstraints, type PolarityConstraints, type TreeConstraints } from './generators/tree.js';
export { arbNetwork, arbBatch, arbInput, arbValue, type NetworkConstraints, type BatchConstraints, type GeneratedNetwork } from './generators/network.js';
export { arbModel, arbAugmentation, type ModelConstraints, type AugmentationConstraints, type Model } from './generators/model.js';

// The command line (`covcheck …`), in process: run(argv) returns the exit code.
export { run } from './cli.js';
