/**
 * The registry's mutant checks: one custom check per mutant (`<claim>/mutant/<id>`, expect 'fail'),
 * expected-fail when some claim check catches it, fail when none does.
 */
import type { Check, CheckResult, CustomCheck, RunOptions } from '../../src/runner/check.js';
import { MUTANTS, type Mutant } from '../../src/mutants/catalogue.js';
import { catchOne } from './catch.js';

/** One registry check per mutant: expected-fail when some claim check catches it, fail otherwise. */
export function mutantCheck(m: Mutant): CustomCheck {
  const claim = m.expectedCatchers[0] ?? 'C2';
  return {
    type: 'custom',
    id: `${claim}/mutant/${m.id}`,
    claim,
    title: `Mutation self-check: ${m.title}`,
    variant: `mutant: ${m.description}`,
    expect: 'fail',
    arithmetic: 'float64',
    async run(options: RunOptions): Promise<Omit<CheckResult, 'ms'>> {
      const r = await catchOne(m, options.seed, options.numRuns);
      const names = r.caughtBy.map((c) => c.check);
      return {
        check: `${claim}/mutant/${m.id}`,
        claim,
        verdict: r.caught ? 'expected-fail' : 'fail',
        expect: 'fail',
        arithmetic: 'float64',
        variant: `mutant: ${m.description}`,
        cases: r.checksRun,
        worst: { ratio: Number.NaN, error: Number.NaN, tolerance: Number.NaN },
        seed: options.seed,
        statistic: { caughtBy: names.join(', ') || 'nothing', claims: r.claims.join(', ') || 'none', checksRun: r.checksRun },
        message: r.caught
          ? `caught by ${r.claims.join(', ')}: ${r.caughtBy.map((c) => `${c.check} (${c.message.length > 160 ? c.message.slice(0, 160) + '…' : c.message})`).join('; ')}`
          : `no claim check caught the mutant '${m.id}' (${r.checksRun} checks run): the suite cannot see this bug`,
      };
    },
  };
}

export const checks: readonly Check[] = MUTANTS.map(mutantCheck);
