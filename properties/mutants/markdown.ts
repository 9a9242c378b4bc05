/** The mutation self-check as a Markdown table (for reports and the docs). */
import type { MutantOutcome } from './catch.js';

/** A Markdown table of mutant outcomes (mutant, caught by which claims and checks). */
export function mutantsMarkdown(outcomes: readonly MutantOutcome[]): string {
  const rows = outcomes.map((o) => `| ${o.mutant} | ${o.caught ? 'caught' : '**missed**'} | ${o.claims.join(', ') || '—'} | ${o.caughtBy.map((c) => c.check).join('<br>') || '—'} |`);
  return ['| Mutant | Outcome | Claims | Checks that failed |', '|---|---|---|---|', ...rows].join('\n') + '\n';
}
