/**
 * Golden reports (issue 7, "behaviour stays"). Two files in fixtures/golden/:
 * - verify-seed42-ci.report.json: every check at CI scale, seed 42. properties/claims.test.ts runs
 *   the registry once (`covcheck verify --seed 42 --jobs 2`) and requires these bytes (but `node`).
 * - verify-seed42-ci-C1-C2-C5-C8-nocorpus.report.json: the set written by the commit before the
 *   architecture work (`covcheck verify --claims C1,C2,C5,C8 --seed 42 --no-corpus`).
 * A check's row does not depend on which other checks run (its seed comes from the run's seed and its
 * id), so the older set must be the full report restricted to its claims: then the full comparison
 * keeps the older pin too, without a second run (6 s of CPU). This test states that, row by row and
 * for the header a filtered run writes. A change made on purpose (a bug fixed, a generator widened)
 * regenerates both files (`covcheck verify --seed 42 --report-dir DIR` and the filtered command above)
 * and says so in its commit.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Row {
  readonly check: string;
  readonly claim: string;
  readonly verdict: string;
}
interface Report {
  readonly filters: { readonly claims: readonly string[] | null; readonly check: string | null };
  readonly summary: Record<string, number>;
  readonly claims: readonly { readonly id: string }[];
  readonly checks: readonly Row[];
  readonly [key: string]: unknown;
}

const load = (name: string): Report => JSON.parse(readFileSync(new URL(`../fixtures/golden/${name}`, import.meta.url), 'utf8')) as Report;
const full = load('verify-seed42-ci.report.json');
const older = load('verify-seed42-ci-C1-C2-C5-C8-nocorpus.report.json');
const CLAIMS = ['C1', 'C2', 'C5', 'C8'];

describe('golden reports', () => {
  it('the older set is the full report restricted to C1, C2, C5, C8 without the corpus: the same rows, in order', () => {
    const restricted = full.checks.filter((r) => CLAIMS.includes(r.claim) && !r.check.startsWith('corpus/'));
    expect(restricted.length).toBeGreaterThan(20);
    expect(older.checks).toEqual(restricted);
  });

  it('its header is the full header, filtered: the claims, the filter, the counts of its rows', () => {
    const counts: Record<string, number> = Object.fromEntries(Object.keys(full.summary).map((k) => [k, 0]));
    counts.checks = older.checks.length;
    for (const r of older.checks) counts[r.verdict] = (counts[r.verdict] ?? 0) + 1;
    expect(older.summary).toEqual(counts);
    expect(older.filters).toEqual({ claims: CLAIMS, check: null });
    expect(older.claims).toEqual(full.claims.filter((c) => CLAIMS.includes(c.id)));
    const rest = (r: Report) => Object.fromEntries(Object.entries(r).filter(([k]) => !['filters', 'summary', 'claims', 'checks'].includes(k)));
    expect(rest(older)).toEqual(rest(full));
  });
});
