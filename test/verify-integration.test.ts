/**
 * `covcheck verify` with the real registry, end to end through main(): the failure corpus is
 * replayed first, and `--loss` adds the loss-dependent claims for a user's loss (issue 4); and
 * `covcheck train --loss ./plugin.ts` trains with a user's loss.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './support/runCli.js';

/** The real CLI with the real registry (no injected checks). */
const run = (args: string[]) => runCli(args, { claims: undefined, checks: undefined });

describe('verify with the real registry', () => {
  it('replays the failure corpus first (every corpus file, verdict as recorded)', async () => {
    const r = await run(['verify', '--check', 'corpus/', '--no-report']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/corpus\/C1-tanh-/);
    expect(r.out).toMatch(/expected-fail/);
  });
  it('--no-corpus leaves it out', async () => {
    const r = await run(['verify', '--claims', 'C8', '--no-corpus', '--no-report']);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/corpus\//);
  });
  it('--loss with a balanced built-in passes; the unbalanced example fails C6 (exit 1)', async () => {
    const ok = await run(['verify', '--claims', 'C6', '--no-corpus', '--no-report', '--loss', 'nce:tau=0.5']);
    expect(ok.code, ok.out + ok.err).toBe(0);
    const bad = await run(['verify', '--claims', 'C6', '--no-corpus', '--no-report', '--loss', 'builtin:unbalanced']);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/fail/);
  });
  it('--loss with a missing plugin file is bad input naming --loss', async () => {
    const r = await run(['verify', '--no-report', '--loss', './no-such-loss.ts']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--loss');
  });
});

describe('train with a loss plugin', () => {
  it('--loss ./file.ts:tau=… trains (f32 engine) and reports', async () => {
    const r = await run(['train', '--depth', '2', '--epochs', '1', '--samples-per-epoch', '256', '--eval-samples', '200', '--op-samples', '0', '--loss', './src/losses/builtin/nce.ts:tau=0.5', '--no-report', '--no-progress']);
    expect(r.code, r.err).toBe(0);
    expect(r.out + r.err).toMatch(/epoch 1\/1/);
  });
  it('an unknown loss names --loss (exit 2)', async () => {
    const r = await run(['train', '--loss', 'barlow', '--no-report']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--loss');
  });
});
