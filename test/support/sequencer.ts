/**
 * The order vitest starts test files in. With `maxWorkers` = cores (2 on our CI machines) the suite
 * ends when its last long file ends, so the long files go first. Vitest's own order (BaseSequencer)
 * is longest-first only once it has a results cache from an earlier run; a clean clone (CI) has none
 * and it falls back to the largest file first, which put properties/claims.test.ts (a small file, the
 * longest run) near the end. Files named here start first, in this order; every other file keeps
 * vitest's order after them. Seconds: one file alone on an idle 2-core machine (vitest 4.1,
 * 2026-11-30, session 5); a stale entry only costs time, never a test.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const LONG_FILES_FIRST: readonly string[] = [
  'properties/claims.test.ts', // ≈ 17 s: every registered check at CI scale (verify --jobs 2, in its beforeAll)
  'test/plugin-faults-cli.test.ts', // ≈ 11 s: the CLI plugin fault matrix (processes, time limits)
  'test/impl-verify.test.ts', // ≈ 14 s: implementations under test as child processes
  'test/impl-protocol.test.ts', // ≈ 8 s
  'test/isolation.test.ts', // ≈ 6 s
  'test/pool.test.ts', // ≈ 6 s: worker faults, time limits
  'test/replay-paste.test.ts', // ≈ 5 s: printed commands run in bash
  'test/bad-input.test.ts', // ≈ 5 s
];

export default class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification): number => {
      const i = LONG_FILES_FIRST.findIndex((name) => f.moduleId.endsWith(`/${name}`));
      return i < 0 ? LONG_FILES_FIRST.length : i;
    };
    return sorted.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map(({ f }) => f);
  }
}
