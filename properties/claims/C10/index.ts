/** Claim C10, the operator's rank is bounded by the information that survives augmentation: record and checks. */
import type { Check } from '../../../src/runner/check.js';
import { rankCheck } from './rank.js';
import { spectrumCheck } from './spectrum.js';

export { record } from './record.js';
export const checks: readonly Check[] = [rankCheck, spectrumCheck];
