/**
 * `verify --impl` end to end (docs/impl.md): the TF.js example (examples/impl-tfjs/impl.js) passes
 * the implementation checks; its two broken variants fail (exit 1) naming the check — a detached
 * negative and a gradient scaled by ½ both fail C2 (derivative of its own loss, connection form from
 * its own outputs) and agreement — and the failing case is saved named with the implementation and
 * replays (`replay --impl`); protocol faults exit 2 with the implementation, request, fault and
 * standard error's tail. Few, small cases (--runs 1) to stay fast.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

const EXAMPLE = join(import.meta.dirname, '..', 'examples', 'impl-tfjs', 'impl.js');
const tfjs = (...flags: string[]) => [process.execPath, EXAMPLE, ...flags].map((a) => JSON.stringify(a)).join(' ');

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'covcheck-impl-verify-'));
  let out = '';
  let err = '';
  const code = await main(argv, { cwd: dir, checks: [], claims: [], stdout: { write: (s: string) => void (out += s) }, stderr: { write: (s: string) => void (err += s) } });
  return { code, out, err, dir };
}

describe('verify --impl', { timeout: 120_000 }, () => {
  it('the TF.js example passes agreement, C2, C3 and C7 (exact enumeration) and C6 (distances)', async () => {
    const r = await cli('verify', '--impl', tfjs(), '--runs', '1');
    expect(r.err).toBe('');
    expect(r.code, r.out).toBe(0);
    for (const id of ['impl/agreement', 'impl/C2-derivative', 'impl/C2-connection', 'impl/C3-expectation', 'impl/C7-pairwise', 'impl/C6-weights', 'impl/C6-balance']) expect(r.out).toMatch(new RegExp(`pass +${id}`));
  });

  for (const bug of ['detach-negative', 'half-grad']) {
    it(`--bug ${bug} fails C2 (exit 1), saves the case with the implementation's name, and replays${bug === 'half-grad' ? ' (green once fixed)' : ''}`, async () => {
      const r = await cli('verify', '--impl', tfjs('--bug', bug), '--runs', '1', '--report-dir', 'reports');
      expect(r.code, r.out).toBe(1);
      expect(r.out).toMatch(/fail +impl\/C2-derivative/);
      expect(r.out).toMatch(/fail +impl\/C2-connection/);
      expect(r.out).toMatch(/fail +impl\/C3-expectation/);
      expect(r.out).toMatch(/fail +impl\/C7-pairwise/);
      expect(r.out).toContain(`FAIL impl/C2-derivative (C2) on tfjs-example (bug: ${bug})`);
      const saved = readdirSync(join(r.dir, 'reports', 'impl'));
      expect(saved).toContain(`tfjs-example-bug-${bug}--impl-C2-derivative.case.json`);
      const file = join('reports', 'impl', `tfjs-example-bug-${bug}--impl-C2-derivative.case.json`);
      let out = '';
      const again = await main(['replay', '--impl', tfjs('--bug', bug), file], { cwd: r.dir, checks: [], claims: [], stdout: { write: (s: string) => void (out += s) }, stderr: { write: () => {} } });
      expect(again, out).toBe(1);
      if (bug === 'detach-negative') return; // the fixed implementation's replay: once (half-grad) is enough
      let fixedOut = '';
      const fixed = await main(['replay', '--impl', tfjs(), file], { cwd: r.dir, checks: [], claims: [], stdout: { write: (s: string) => void (fixedOut += s) }, stderr: { write: () => {} } });
      expect(fixed, fixedOut).toBe(0);
    });
  }

  // Before the first request, an answer that is not a number (never a verdict), a crash midway: the
  // other faults (garbage, wrong id) take the same path and are each tried in impl-protocol.test.ts.
  for (const fault of ['no-handshake', 'nan', 'crash-midway']) {
    it(`--fault ${fault}: exit 2 naming the implementation, request and fault, nothing on stdout`, async () => {
      const r = await cli('verify', '--impl', tfjs('--fault', fault), '--runs', '1', '--no-report');
      expect(r.code, r.err).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toContain('--impl');
      expect(r.err).toMatch(/implementation "(tfjs-example|.*impl\.js.*)"/);
      expect(r.err).toMatch(/no-handshake|not-json|non-finite|exited/);
    });
  }

  it('--fault timeout with --impl-timeout: exit 2 (timeout)', async () => {
    const r = await cli('verify', '--impl', tfjs('--fault', 'timeout'), '--impl-timeout', '1500', '--runs', '1', '--no-report');
    expect(r.code).toBe(2);
    expect(r.err).toContain('timeout');
  });

  it('a bad --impl-timeout exits 2 naming the flag', async () => {
    const r = await cli('verify', '--impl', tfjs(), '--impl-timeout', 'soon');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--impl-timeout');
  });
});

describe('verify --impl, in-batch negatives', { timeout: 120_000 }, () => {
  it('an implementation announcing only in-batch negatives is checked (agreement, C2 both ways), not refused', async () => {
    const r = await cli('verify', '--impl', tfjs('--negatives', 'in-batch'), '--runs', '1', '--no-report');
    expect(r.err).toBe('');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/pass +impl\/agreement +agreement 5 cases/);
    expect(r.out).toMatch(/pass +impl\/C2-derivative/);
    expect(r.out).toMatch(/pass +impl\/C2-connection +C2 +\d+ cases, \d+ skipped/); // ntxent (normalised): skipped
    expect(r.out).toMatch(/not-run +impl\/C3-expectation/);
    expect(r.out).toMatch(/not-run +impl\/C7-pairwise/);
  });

  it('a detached negative in the in-batch loss fails agreement and the in-batch connection form (exit 1)', async () => {
    const r = await cli('verify', '--impl', tfjs('--negatives', 'in-batch', '--bug', 'detach-negative'), '--runs', '1', '--no-report');
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/fail +impl\/agreement/);
    expect(r.out).toMatch(/fail +impl\/C2-connection/);
    expect(r.out).toContain('in-batch negatives');
  });
});

describe('hunt --impl', { timeout: 120_000 }, () => {
  it('finds a failing case of a gradient scaled by ½, shrinks it through the implementation, saves it named with the implementation; replay --impl replays it', async () => {
    const r = await cli('hunt', '--impl', tfjs('--bug', 'half-grad'), '--runs', '20', '--no-progress');
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/FAIL impl\/(agreement|C2-derivative|C2-connection) on tfjs-example \(bug: half-grad\): shrunk in \d+ steps/);
    expect(r.out).toContain('depth 1, children 1, hid 1, out 1');
    const saved = readdirSync(join(r.dir, 'reports', 'impl')).filter((f) => f.includes('--hunt-'));
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatch(/^tfjs-example-bug-half-grad--hunt-impl-/);
    const file = join('reports', 'impl', saved[0]!);
    let out = '';
    const again = await main(['replay', '--impl', tfjs('--bug', 'half-grad'), file], { cwd: r.dir, checks: [], claims: [], stdout: { write: (s: string) => void (out += s) }, stderr: { write: () => {} } });
    expect(again, out).toBe(1);
    const fixed = await main(['replay', '--impl', tfjs(), file], { cwd: r.dir, checks: [], claims: [], stdout: { write: () => {} }, stderr: { write: () => {} } });
    expect(fixed).toBe(0);
  });

  it('--claim C2 hunts only C2; a correct implementation: no failing case, exit 0', async () => {
    const r = await cli('hunt', '--impl', tfjs('--bug', 'detach-negative'), '--claim', 'C2', '--runs', '20', '--no-save', '--no-progress');
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/FAIL impl\/C2-(derivative|connection)/);
    const ok = await cli('hunt', '--impl', tfjs(), '--runs', '8', '--no-progress');
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toContain('no failing case found');
  });

  it('--claim outside agreement / C2 exits 2 naming the flag', async () => {
    const r = await cli('hunt', '--impl', tfjs(), '--claim', 'C9');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--claim');
  });
});

describe('verify --impl report folder', { timeout: 120_000 }, () => {
  it('writes report.json, report.md, junit.xml and the failing cases; the same seed gives the same report.json bytes', async () => {
    const r = await cli('verify', '--impl', tfjs('--negatives', 'in-batch', '--bug', 'half-grad'), '--runs', '1', '--report-dir', 'reports');
    expect(r.code, r.out).toBe(1);
    const runs = readdirSync(join(r.dir, 'reports', 'runs'));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatch(/^verify-impl-tfjs-example-bug-half-grad-seed42-/);
    const run = join(r.dir, 'reports', 'runs', runs[0]!);
    expect(readdirSync(run).sort()).toEqual(['cases', 'junit.xml', 'report.json', 'report.md']);
    const report = JSON.parse(readFileSync(join(run, 'report.json'), 'utf8'));
    expect(report.exitCode).toBe(1);
    expect(report.implementation.name).toBe('tfjs-example (bug: half-grad)');
    expect(report.checks.find((c: { id: string }) => c.id === 'impl/agreement').verdict).toBe('fail');
    expect(readFileSync(join(run, 'junit.xml'), 'utf8')).toContain('<failure');
    expect(readdirSync(join(run, 'cases'))).toContain('impl-agreement.case.json');
    const again = await main(['verify', '--impl', tfjs('--negatives', 'in-batch', '--bug', 'half-grad'), '--runs', '1', '--report-dir', 'again'], { cwd: r.dir, checks: [], claims: [], stdout: { write: () => {} }, stderr: { write: () => {} } });
    expect(again).toBe(1);
    const second = join(r.dir, 'again', 'runs', runs[0]!, 'report.json');
    expect(readFileSync(second, 'utf8')).toBe(readFileSync(join(run, 'report.json'), 'utf8'));
  });

  it('a --report-dir that cannot be written exits 2 before the implementation starts', async () => {
    const r = await cli('verify', '--impl', tfjs(), '--report-dir', '/proc/covcheck-no');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--report-dir');
    expect(r.out).toBe('');
  });
});
