import type { Verdict } from '../runner/check.js';

/** Every verdict, in report order (docs/theory.md §3). Only `fail` fails a run. */
export const VERDICTS: readonly Verdict[] = ['pass', 'fail', 'expected-fail', 'known-fail', 'inconclusive', 'skipped'];
