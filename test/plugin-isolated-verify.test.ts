/**
 * A well-behaved plugin run isolated gives the report an in-process run gives (issue 8 §2): `verify
 * --loss ./x.ts` with the loss checks in children (ctx.lossCheckSource, as bin/covcheck.js wires it)
 * writes the same report.json as with the plugin loaded in this process, and loads the plugin only
 * in children (the fixture records the pid of each process that loads it).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOSS_CHECK_SOURCE } from '../properties/cli.js';
import { runCli } from './support/runCli.js';

const PLUGIN = './test/fixtures/plugins/recordingNce.ts';
const tmp = mkdtempSync(join(tmpdir(), 'covcheck-isolated-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** report.json of one run, and the exit code. */
async function verifyReport(isolated: boolean, dir: string): Promise<{ code: number; json: string; err: string }> {
  const args = ['verify', '--loss', PLUGIN, '--check', 'recording_nce', '--no-corpus', '--no-progress', '--jobs', '1', '--runs', '8', '--report-dir', dir];
  const r = await runCli(args, { claims: undefined, checks: undefined, ...(isolated ? { lossCheckSource: LOSS_CHECK_SOURCE } : {}) });
  const run = r.out.match(/report: (\S+)/)?.[1];
  return { code: r.code, json: run ? readFileSync(join(run, 'report.json'), 'utf8').replace(/"node": "[^"]*"/, '') : '', err: r.err };
}

describe('a well-behaved plugin isolated', () => {
  it('verify --loss: the same report.json as in-process', async () => {
    const pids = join(tmp, 'pids');
    process.env.COVCHECK_TEST_PID_FILE = pids;
    try {
      const here = await verifyReport(false, join(tmp, 'here'));
      const loadedHere = readFileSync(pids, 'utf8').split('\n').filter((l) => l !== '');
      rmSync(pids);
      const there = await verifyReport(true, join(tmp, 'there'));
      const loadedThere = readFileSync(pids, 'utf8').split('\n').filter((l) => l !== '');
      expect(loadedHere).toContain(String(process.pid));
      expect(loadedThere.length).toBeGreaterThan(0); // loaded, but only in children
      expect(loadedThere).not.toContain(String(process.pid));
      expect([0, 1]).toContain(here.code);
      expect(there.code, there.err).toBe(here.code);
      expect(there.json).not.toBe('');
      expect(there.json).toBe(here.json);
    } finally {
      delete process.env.COVCHECK_TEST_PID_FILE;
    }
  });
});
