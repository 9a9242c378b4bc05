/**
 * Issue 8 §3, every replay replays: a failing `covcheck verify --loss …` run prints replay commands
 * (console, report.json, counterexample files, junit.xml); each one, pasted into bash with `covcheck`
 * on PATH, must replay the failure (exit 1, FAIL). For a built-in loss spec and a plugin file whose
 * check id holds brackets and spaces.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const bin = mkdtempSync(join(tmpdir(), 'covcheck-bin-'));
writeFileSync(join(bin, 'covcheck'), `#!/bin/sh\nexec "${process.execPath}" "${join(root, 'bin/covcheck.js')}" "$@"\n`);
chmodSync(join(bin, 'covcheck'), 0o755);
const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, CI: 'true' };

const unXml = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function printedReplays(loss: string): { commands: string[]; stdout: string } {
  const dir = mkdtempSync(join(tmpdir(), 'covcheck-paste-'));
  const r = spawnSync(process.execPath, [join(root, 'bin/covcheck.js'), 'verify', '--claims', 'C6', '--check', 'balance[', '--loss', loss, '--no-corpus', '--no-progress', '--report-dir', dir], { cwd: root, env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(1);
  const commands = [...r.stdout.matchAll(/^\s*replay: (.*)$/gm)].map((m) => m[1]!);
  const run = join(dir, 'runs', readdirSync(join(dir, 'runs'))[0]!);
  const junit = readFileSync(join(run, 'junit.xml'), 'utf8');
  commands.push(...[...junit.matchAll(/replay: (.*)$/gm)].map((m) => unXml(m[1]!)));
  const report = JSON.parse(readFileSync(join(run, 'report.json'), 'utf8')) as { checks: { counterexample?: { replay: string } }[] };
  commands.push(...report.checks.flatMap((c) => (c.counterexample ? [c.counterexample.replay] : [])));
  return { commands, stdout: r.stdout };
}

describe('replay commands printed by a failing run replay the failure when pasted into bash', () => {
  for (const loss of ['builtin:unbalanced', './test/fixtures/plugins/buggy.ts']) {
    it(`--loss ${loss}`, () => {
      const { commands, stdout } = printedReplays(loss);
      expect(commands.length, stdout).toBeGreaterThanOrEqual(3);
      expect(commands.some((c) => /^covcheck replay \S+\/counterexamples\/\S+\.json$/.test(c)), 'the console prints the short form').toBe(true);
      for (const c of new Set(commands)) {
        const r = spawnSync('bash', ['-c', c], { cwd: root, env, encoding: 'utf8' });
        expect(r.status, `${c}\n${r.stdout}\n${r.stderr}`).toBe(1);
        expect(r.stdout).toMatch(/: FAIL/);
      }
    }, 180_000);
  }
  it('bash is there', () => expect(execFileSync('bash', ['-c', 'echo ok']).toString().trim()).toBe('ok'));
});
