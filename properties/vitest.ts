/**
 * `covcheck/vitest`: the registry's claims as vitest tests in your own suite (docs/api.md).
 *
 *   import { claimTests } from 'covcheck/vitest';
 *   claimTests({ claims: ['C1', 'C3'] });
 *
 * One `describe` per claim, one `it` per check, run with the seeds `covcheck verify --seed` uses.
 * A test passes when the verdict is the one the check declares (expectedVerdicts); a check decided only
 * at full scale is shown as skipped at CI scale, with the reason. On failure its message
 * holds fast-check's seed and counterexample path and the `covcheck replay` command that replays it.
 */
import { describe, expect, it } from 'vitest';
import type { Check, CheckResult, Scale } from '../src/runner/check.js';
import { runCheck } from '../src/runner/run.js';
import { checkRunOptions, expectedVerdicts, selectedChecks, type ClaimSelection } from './runClaims.js';

export interface ClaimTestOptions extends ClaimSelection {
  /** Per-test timeout in ms (default 120 000: some checks train networks). */
  readonly timeout?: number;
}

/** Registers the selected checks as vitest tests (call it at the top level of a test file). */
export function claimTests(o: ClaimTestOptions = {}): void {
  const checks = selectedChecks(o);
  const scale: Scale = o.scale ?? 'ci';
  for (const claim of [...new Set(checks.map((c) => c.claim))]) {
    describe(claim, () => {
      for (const check of checks.filter((c) => c.claim === claim)) {
        it(`${check.id} (${check.expect === 'hold' ? 'holds' : 'expected to fail'})`, async (ctx) => {
          const result = await runCheck(check, checkRunOptions(check, o));
          expect(expectedVerdicts(check, scale), failureText(check, result)).toContain(result.verdict);
          if (result.verdict === 'skipped') ctx.skip(result.message); // decided only at full scale: shown as skipped
        }, o.timeout ?? 120_000);
      }
    });
  }
}

/** What a failing test prints: verdict, message, the shrunk counterexample, seed, path and replay. */
export function failureText(check: Check, r: CheckResult): string {
  const lines = [`${check.id}: verdict ${r.verdict} (${r.message})`];
  const cx = r.counterexample;
  if (cx) {
    const value = JSON.stringify(cx.value);
    lines.push(
      `counterexample (${cx.shrinks} shrinks): ${value.length > 2000 ? `${value.slice(0, 2000)}…` : value}`,
      `measured: error ${cx.measurement.error}, tolerance ${cx.measurement.tolerance}${cx.measurement.note ? ` (${cx.measurement.note})` : ''}`,
      `fast-check seed ${cx.seed}, path "${cx.path}"`,
      `replay: ${cx.replay}`,
    );
  } else if (r.statistic) {
    lines.push(`statistic: ${JSON.stringify(r.statistic)}`);
  } else {
    lines.push(`seed ${r.seed} (covcheck replay --check ${check.id} --seed ${r.seed})`);
  }
  return lines.join('\n');
}
