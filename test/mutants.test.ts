/**
 * The mutation self-check: every injected bug of src/mutants/catalogue.ts is caught by at least one
 * claim check (the registry's mutant checks, decided in properties/claims.test.ts's CI-scale run),
 * and the correct pipeline passes the very same checks (so "caught" means something).
 */
import { describe, expect, it } from 'vitest';
import { CORRECT, MUTANTS } from '../src/mutants/catalogue.js';
import { checks as mutantChecks, mutantsMarkdown, runPipeline } from '../properties/mutants/index.js';
import { runCheck } from '../src/runner/run.js';
import { balanceCheck } from '../properties/claims/C6/index.js';
import { pluginFamily } from '../src/losses/plugin/index.js';

const SEED = Number(process.env.COVCHECK_SEED ?? 42);

describe('mutation self-check', () => {
  it('the correct pipeline passes every check the mutants are tried with', async () => {
    const { failed, results } = await runPipeline(CORRECT, { seed: SEED, trends: true });
    expect(results.length).toBeGreaterThan(15);
    expect(failed.map((r) => `${r.check}: ${r.message}`)).toEqual([]);
  });

  // That every mutant is caught, and by one of the claims it names (expectedCatchers), is decided by
  // the registry's mutant checks (one per mutant, properties/mutants/checks.ts) in the CI-scale run of
  // properties/claims.test.ts, row by row: not run a second time here.
  it('the outcome table shows each mutant, caught or missed, with its claims and checks', () => {
    const caught = { mutant: 'exp-without-logsumexp', title: '', caught: true, caughtBy: [{ check: 'C6/float32/small-tau-nce', claim: 'C6' as const, message: '' }], claims: ['C6' as const], checksRun: 3, ms: 1 };
    const missed = { mutant: 'invisible', title: '', caught: false, caughtBy: [], claims: [], checksRun: 3, ms: 1 };
    const md = mutantsMarkdown([caught, missed]);
    expect(md).toMatch(/\| exp-without-logsumexp \| caught \| C6 \| C6\/float32\/small-tau-nce \|/);
    expect(md).toMatch(/\| invisible \| \*\*missed\*\* \| — \| — \|/);
    expect(MUTANTS.length).toBeGreaterThan(5);
  });

  it('registers one check per mutant whose verdict is expected-fail when caught', async () => {
    expect(mutantChecks).toHaveLength(MUTANTS.length);
    const r = await runCheck(mutantChecks.find((c) => c.id.endsWith('/eps-twice-in-normalisation'))!, { seed: SEED, scale: 'ci' });
    expect(r.verdict).toBe('expected-fail');
    expect(String(r.statistic?.caughtBy)).toMatch(/C2\/float64\/finite-differences-normalized/);
  });

  it('a plugin that throws inside a check makes that check fail with the plugin and the case named', async () => {
    // Balanced (a function of r_+ − r_−) but undefined where r_+ − r_− = 1/2.
    const family = pluginFamily({ name: 'brittle', loss: (ops, r) => ops.div(1, ops.sub(ops.sub(r.pos, r.neg[0]!), 0.5)) }, './brittle.ts');
    const r = await runCheck(balanceCheck({ family }, { runs: 200 }), { seed: 1, scale: 'ci' });
    expect(r.verdict).toBe('fail');
    // The runner keeps the exception of the shrunk case in the counterexample's note (and says so in the message).
    expect(`${r.message} ${r.counterexample?.measurement.note ?? ''}`).toMatch(/loss plugin "brittle" \(\.\/brittle\.ts\): (threw|returned \w+) on the case \(r_\+ = /);
  });
});
