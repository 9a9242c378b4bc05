/**
 * `verify --jobs N` (issue 10, docs/scale.md): property checks run in pool workers, found by id in
 * the registry module, with the seed of their id; the report does not depend on N. The whole
 * CI-scale run at --jobs 2 (every check, the C11/C12 training runs split across the workers) is
 * compared byte for byte with fixtures/golden/verify-seed42-ci.report.json (written at --jobs 1) by
 * properties/claims.test.ts, which runs the registry that way once for all its tests (--jobs 1, in
 * one process, is what many other tests run).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './support/runCli.js';
import { REGISTRY_CHECK_SOURCE } from '../properties/cli.js';

const real = { claims: undefined, checks: undefined, version: '0.1.0', checkSource: REGISTRY_CHECK_SOURCE };

describe('verify --jobs', () => {
  it('--jobs must be a whole number from 1: exit 2 naming the flag', async () => {
    for (const bad of ['0', '-1', '1.5', 'two']) {
      const r = await runCli(['verify', '--jobs', bad, '--no-report'], real);
      expect(r.code, bad).toBe(2);
      expect(r.err, bad).toContain('--jobs');
    }
  });
});
