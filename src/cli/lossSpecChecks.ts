/**
 * The loss-dependent checks (C2, C6, C7) of a `--loss` spec, each tagged with that spec so its
 * replay command and counterexample file carry it (`covcheck replay … --loss SPEC`). Shared by
 * `verify --loss`, `replay --loss` and `compare`; the checks come from the registry's lossChecks
 * (src/ never imports properties/). A user's plugin file is loaded only in isolated children
 * (src/pool/pluginChecks.ts) when the CLI knows where they find the checks (ctx.lossCheckSource).
 */
import type { Check } from '../runner/check.js';
import { familyOf, isPluginFileSpec, resolveLossSpec, type LossFamily } from '../losses/plugin/index.js';
import { isolatedLossChecks, type IsolatedLossChecks, type LossCheckSourceArgs } from '../pool/pluginChecks.js';
import type { PluginLimits } from '../pool/pluginRun.js';
import type { CliContext } from './context.js';

export async function specLossChecks(spec: string, cwd: string, lossChecks: (family: LossFamily) => readonly Check[], flag = '--loss'): Promise<Check[]> {
  const checks = lossChecks(familyOf(await resolveLossSpec(spec, cwd, flag)));
  return checks.map((c) => ({ ...c, lossSpec: spec }));
}

/**
 * The loss checks of `spec` for a command: isolated for a plugin file (their `run` goes to a child;
 * `isolated.runAll` runs many in one child), in-process for built-ins (`isolated` null), as before.
 */
export async function commandLossChecks(
  spec: string,
  ctx: Pick<CliContext, 'cwd' | 'lossCheckSource'>,
  lossChecks: (family: LossFamily) => readonly Check[],
  limits: PluginLimits,
  flag = '--loss',
): Promise<{ readonly checks: readonly Check[]; readonly isolated: IsolatedLossChecks | null }> {
  const where = ctx.lossCheckSource;
  if (where === undefined || !isPluginFileSpec(spec)) return { checks: await specLossChecks(spec, ctx.cwd, lossChecks, flag), isolated: null };
  const args: LossCheckSourceArgs = { spec, cwd: ctx.cwd, flag };
  const isolated = await isolatedLossChecks({ module: where.module, export: where.export }, args, limits);
  return { checks: isolated.checks, isolated };
}
