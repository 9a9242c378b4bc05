/**
 * `covcheck eval --case FILE|- [--loss SPEC]`: one case in, one JSON result out (docs/case-format.md).
 * float64 numbers are printed in JavaScript's shortest round-trip form. Bad input (malformed JSON,
 * unknown or duplicated field, wrong shape, NaN, polarity outside [-1,1], a case above the limits
 * of src/case/limits.ts, …) is an InputError naming the field: exit 2 and nothing on stdout.
 *
 * Besides a bare case it reads the files covcheck saves: a hunt counterexample file (its `case`, with
 * the loss its `loss.spec` names) and a verify counterexample file whose `value` is a case.
 * `--loss SPEC` evaluates the case under that loss (a plugin file or a built-in), overriding the case's.
 */
import { fstatSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { parseCase } from '../../case/parseCase.js';
import { parseJsonText } from '../../case/jsonText.js';
import { CASE_LIMITS } from '../../case/limits.js';
import { evaluateCase } from '../../case/evaluateCase.js';
import { isObject } from '../../case/jsonValues.js';
import { BUILTIN_SPEC_HELP, isPluginFileSpec, resolveLossSpec } from '../../losses/plugin/index.js';
import { runPluginTask } from '../../pool/pluginRun.js';
import type { EvaluateArgs } from '../../pool/pluginTasks.js';
import { parsePluginLimits, pluginFlags, type PluginRaw } from '../pluginOptions.js';
import type { CliContext } from '../context.js';

const tooLarge = (bytes: number) => `${bytes} bytes, larger than the limit of ${CASE_LIMITS.bytes} bytes (docs/case-format.md, Limits)`;

function readCase(file: string | undefined, cwd: string): { text: string; source: string } {
  if (file === undefined) throw new InputError('--case', 'missing: give a case file or - for standard input');
  const fd = file === '-' ? 0 : null;
  const shown = file === '-' ? 'standard input' : `'${file}'`;
  try {
    const st = fd === null ? statSync(resolve(cwd, file)) : fstatSync(fd);
    if (st.isDirectory()) throw new InputError('--case', `${shown} is a directory, expected a case file`);
    if (st.isFile() && st.size > CASE_LIMITS.bytes) throw new InputError('--case', `${shown} is ${tooLarge(st.size)}`);
    const text = readFileSync(fd ?? resolve(cwd, file), 'utf8');
    if (text.length > CASE_LIMITS.bytes) throw new InputError('--case', `${shown} is ${tooLarge(text.length)}`);
    return { text, source: fd === null ? file : 'stdin' };
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError('--case', `cannot read ${shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The case in a file covcheck saved (hunt, verify), with the loss spec it records; a bare case as it is. */
function unwrap(json: unknown, source: string): { caseJson: unknown; lossSpec: string | undefined; field: string } {
  if (!isObject(json)) return { caseJson: json, lossSpec: undefined, field: 'case' };
  if (json.covcheck === 'counterexample') {
    const loss = isObject(json.loss) && typeof json.loss.spec === 'string' ? json.loss.spec : undefined;
    return { caseJson: json.case, lossSpec: loss, field: `${source}: loss.spec` };
  }
  if (typeof json.check === 'string' && 'value' in json && 'seed' in json) {
    const v = json.value;
    if (!isObject(v) || !('batch' in v)) {
      throw new InputError(source, `a replay file of check ${json.check} (its value is not a case): run covcheck replay ${source}`);
    }
    return { caseJson: v, lossSpec: typeof json.loss === 'string' ? json.loss : undefined, field: `${source}: loss` };
  }
  return { caseJson: json, lossSpec: undefined, field: 'case' };
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('eval')
    .description('evaluate one case (docs/case-format.md) in float64 and print its JSON result')
    .option('--case <file>', 'the case file (or a counterexample file saved by hunt or verify), or - for standard input')
    .option('--loss <spec>', `evaluate under this loss instead of the case's: ${BUILTIN_SPEC_HELP}`)
    .option('--connections', 'also print the per-sample connections K (mode "grad")')
    .option('--exact', 'compute in exact rational arithmetic; numbers are printed as strings "num/den" (relu/leaky_relu/linear, no normalisation, loss simp or official_subtract)')
    .addHelpText(
      'after',
      '\nmode "grad": loss, f, grads, grads_bias, connection_grads (and K with --connections).\n' +
        'mode "expect": exact enumeration under the root augmentation, at most 16 leaves (65 536 configurations).\n' +
        `Limits: ${CASE_LIMITS.bytes} bytes of text, B·(2 + H) ≤ ${CASE_LIMITS.samples} samples, ${CASE_LIMITS.nodes} tree nodes, ${CASE_LIMITS.parameters} parameters.\n` +
        'Exit codes: 0 ok, 2 bad input (the message names the field).',
    )
    .addOption(pluginFlags.timeout())
    .addOption(pluginFlags.memory())
    .action(async (opts: { case?: string; loss?: string; connections?: boolean; exact?: boolean } & PluginRaw) => {
      const limits = parsePluginLimits(opts);
      const { text, source } = readCase(opts.case, ctx.cwd);
      const { caseJson, lossSpec, field } = unwrap(parseJsonText(text, 'case'), source);
      if (opts.exact && opts.connections) throw new InputError('--connections', 'not available with --exact');
      const spec = opts.loss ?? lossSpec;
      const flag = opts.loss !== undefined ? '--loss' : field;
      const how = { connections: opts.connections === true, exact: opts.exact === true };
      let result: unknown;
      if (spec !== undefined && isPluginFileSpec(spec)) {
        // A user's plugin file: loaded and evaluated in an isolated child (src/pool/pluginRun.ts).
        const args: EvaluateArgs = { spec, cwd: ctx.cwd, flag, caseJson, ...how };
        result = await runPluginTask('eval', 'evaluateWithLoss', args, { spec, limits });
      } else {
        const loss = spec === undefined ? undefined : await resolveLossSpec(spec, ctx.cwd, flag);
        result = evaluateCase(parseCase(caseJson, loss ? { loss } : {}), how);
      }
      const bad = firstNonFinite(result, '');
      if (bad !== null) throw new InputError(bad.path, `the result is ${bad.value} (not finite in float64): the case overflows or divides by zero here`);
      ctx.stdout.write(JSON.stringify(result) + '\n');
      ctx.exitCode = 0;
    });
}

/**
 * The first number in a result that is not finite, with its path ("loss", "grads[0][1]"), or null.
 * JSON.stringify would print it as null with exit 0 (issue 8 §2): a non-finite result is an error.
 */
export function firstNonFinite(v: unknown, path: string): { path: string; value: number } | null {
  if (typeof v === 'number') return Number.isFinite(v) ? null : { path: path || 'result', value: v };
  if (Array.isArray(v)) {
    for (const [i, e] of v.entries()) {
      const r = firstNonFinite(e, `${path}[${i}]`);
      if (r) return r;
    }
  } else if (typeof v === 'object' && v !== null) {
    for (const [k, e] of Object.entries(v)) {
      const r = firstNonFinite(e, path ? `${path}.${k}` : k);
      if (r) return r;
    }
  }
  return null;
}
