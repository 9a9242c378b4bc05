/**
 * The loss-dependent checks (C2, C6, C7) of a `--loss` spec, each tagged with that spec so its
 * replay command and counterexample file carry it (`covcheck replay … --loss SPEC`). Shared by
 * `verify --loss` and `replay --loss`.
 */
import type { Check } from '../runner/check.js';
import { familyOf, resolveLossSpec } from '../losses/plugin/index.js';
import { lossChecks } from '../../properties/lossChecks.js';

export async function specLossChecks(spec: string, cwd: string, flag = '--loss'): Promise<Check[]> {
  const checks = lossChecks(familyOf(await resolveLossSpec(spec, cwd, flag)));
  return checks.map((c) => ({ ...c, lossSpec: spec }));
}
