/**
 * The loss checks of a `--loss` spec as a check source of JSON arguments (src/pool/checkTask.ts):
 * what an isolated child builds after loading a user's plugin file (src/pool/pluginChecks.ts), so
 * the plugin is never loaded in the covcheck process. properties/cli.ts hands its URL to the CLI.
 */
import { specLossChecks } from '../src/cli/lossSpecChecks.js';
import type { LossCheckSourceArgs } from '../src/pool/pluginChecks.js';
import type { Check } from '../src/runner/check.js';
import { lossChecks } from './lossChecks.js';

/** The checks `verify --loss SPEC` (options: those of compare) runs, each tagged with the spec. */
export function lossChecksOfSpec(args: LossCheckSourceArgs): Promise<Check[]> {
  return specLossChecks(args.spec, args.cwd, (family) => lossChecks(family, args.options ?? {}), args.flag);
}
