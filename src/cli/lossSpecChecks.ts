/**
 * The loss-dependent checks (C2, C6, C7) of a `--loss` spec, each tagged with that spec so its
 * replay command and counterexample file carry it (`covcheck replay … --loss SPEC`). Shared by
 * `verify --loss` and `replay --loss`; the checks come from the registry's lossChecks (src/ never
 * imports properties/).
 */
import type { Check } from '../runner/check.js';
import { familyOf, resolveLossSpec, type LossFamily } from '../losses/plugin/index.js';

export async function specLossChecks(spec: string, cwd: string, lossChecks: (family: LossFamily) => readonly Check[], flag = '--loss'): Promise<Check[]> {
  const checks = lossChecks(familyOf(await resolveLossSpec(spec, cwd, flag)));
  return checks.map((c) => ({ ...c, lossSpec: spec }));
}
