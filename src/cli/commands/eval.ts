/**
 * `covcheck eval --case FILE|-`: one case in, one JSON result out (docs/case-format.md).
 * float64 numbers are printed in JavaScript's shortest round-trip form. Bad input (malformed JSON,
 * unknown field, wrong shape, NaN, polarity outside [-1,1], …) is an InputError naming the field:
 * exit 2 and nothing on stdout.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../../errors.js';
import { parseCaseText } from '../../case/parseCase.js';
import { evaluateCase } from '../../case/evaluateCase.js';
import type { CliContext } from '../context.js';

function readCase(file: string | undefined): { text: string; source: string } {
  if (file === undefined) throw new InputError('--case', 'missing: give a case file or - for standard input');
  if (file === '-') return { text: readFileSync(0, 'utf8'), source: 'stdin' };
  try {
    return { text: readFileSync(file, 'utf8'), source: file };
  } catch (e) {
    throw new InputError('--case', `cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('eval')
    .description('evaluate one case (docs/case-format.md) in float64 and print its JSON result')
    .option('--case <file>', 'the case file, or - for standard input')
    .option('--connections', 'also print the per-sample connections K (mode "grad")')
    .option('--exact', 'compute in exact rational arithmetic; numbers are printed as strings "num/den" (relu/leaky_relu/linear, no normalisation, loss simp or official_subtract)')
    .addHelpText(
      'after',
      '\nmode "grad": loss, f, grads, grads_bias, connection_grads (and K with --connections).\n' +
        'mode "expect": exact enumeration under the root augmentation, at most 16 leaves (65 536 configurations).\n' +
        'Exit codes: 0 ok, 2 bad input (the message names the field).',
    )
    .action((opts: { case?: string; connections?: boolean; exact?: boolean }) => {
      const { text } = readCase(opts.case);
      const parsed = parseCaseText(text, 'case');
      if (opts.exact && opts.connections) throw new InputError('--connections', 'not available with --exact');
      const result = evaluateCase(parsed, { connections: opts.connections === true, exact: opts.exact === true });
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
