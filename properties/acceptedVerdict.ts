/**
 * The one verdict a check may have at a scale (docs/theory.md §3): what it declares, nothing else.
 *   - registered as known-fail (src/runner/knownFails.ts) → `known-fail`;
 *   - cannot run at this scale (decided only at full scale) → `skipped`;
 *   - expect 'fail' (an excluded variant) → `expected-fail`;
 *   - expect 'hold' → `pass`.
 * `fail`, `inconclusive` and any other verdict than the declared one fail the vitest test.
 */
import type { Check, Verdict } from '../src/runner/check.js';
import { knownFailFor } from '../src/runner/knownFails.js';

export function acceptedVerdict(check: Pick<Check, 'id' | 'expect'>, o: { readonly fullScaleOnly?: boolean } = {}): Verdict {
  if (knownFailFor(check.id)) return 'known-fail';
  if (o.fullScaleOnly) return 'skipped';
  return check.expect === 'fail' ? 'expected-fail' : 'pass';
}
