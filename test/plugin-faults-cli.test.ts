/**
 * The plugin fault matrix at the command line (issue 8 §2): `node bin/covcheck.js` with each faulty
 * loss plugin of test/fixtures/plugins-faulty: process.exit(0), a call that never returns (hang.ts,
 * blocked in Atomics.wait; the spinning loop.ts, with a 1 s limit, since a spinning cell burns a core
 * for its whole time limit), an allocation bomb, a throw, NaN, a wrong shape, a fake passing report on
 * stdout. Each must end with exit 2, one line on stderr naming the plugin file, nothing on stdout, no
 * report or corpus folder, within the limit (--plugin-timeout 3s, --plugin-memory 256; hunt --time 3s).
 * Without the isolation the exit plugins end the gate with exit 0 and the loop hangs it.
 *
 * Which cells: every fault under `eval` (the cheapest command: no registry), and under every other
 * command that runs user code (verify, hunt, train; verify and replay of a corpus file naming a
 * plugin) the faults that would break a gate — an exit (a silent green gate), a hang (a gate that never
 * ends), a fake report on stdout (a false pass) — and the memory limit (`bomb`) under verify, NaN
 * under train (where it could pass for a diverged run). The remaining faults (throw, NaN, wrong
 * shape) are classified in the isolated child, the same code for every command
 * (test/isolation.test.ts tries each); the commands differ only in how they wire it, which the gate
 * faults show. (All 7 faults × 4 commands: 33 processes and 19 s of CPU; these 23 cells: 13 s.)
 * The measured matrix is printed (exit code, elapsed ms, message). Runs several processes at once to
 * keep the wall time modest.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve('bin/covcheck.js');
const DIR = resolve('test/fixtures/plugins-faulty');
const CASE = resolve('fixtures/cases/02-nce-relu.case.json');
const FAULTS = ['exit', 'hang', 'bomb', 'throw', 'nan', 'shape', 'fakeStdout'] as const;
const LIMITS = ['--plugin-timeout', '3s', '--plugin-memory', '256'];
/** Start-up of the CLI (Node, the registry for verify) on a busy shared machine, beyond the plugin's limit. */
const STARTUP_MS = 60_000;
const AT_ONCE = 3;

interface Outcome {
  readonly code: number | null;
  readonly ms: number;
  readonly stdout: string;
  readonly stderr: string;
}

function covcheck(args: readonly string[], cwd = DIR): Promise<Outcome> {
  const t0 = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, ms: Math.round(performance.now() - t0), stdout, stderr }));
  });
}

/** Runs the jobs AT_ONCE at a time; answers in order. */
async function limited<T>(jobs: readonly (() => Promise<T>)[]): Promise<T[]> {
  const out = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: AT_ONCE }, worker));
  return out;
}

describe('loss plugins isolated at the command line', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'covcheck-plugin-faults-'));
  const rows: string[] = [];
  const commands = {
    verify: (f: string) => ['verify', '--loss', `./${f}.ts`, '--claims', 'C6', '--no-corpus', '--no-progress', '--report-dir', join(tmp, `reports-${f}`), ...LIMITS],
    hunt: (f: string) => ['hunt', '--claim', 'C6', '--loss', `./${f}.ts`, '--time', '3s', '--no-progress', '--out', join(tmp, `corpus-${f}`), ...LIMITS],
    eval: (f: string) => ['eval', '--case', CASE, '--loss', `./${f}.ts`, ...LIMITS],
    train: (f: string) => ['train', '--loss', `./${f}.ts`, '--epochs', '1', '--depth', '2', '--children', '2', '--hid', '2', '--samples-per-epoch', '64', '--batch', '16', '--eval-samples', '64', '--op-samples', '0', '--no-progress', '--report-dir', join(tmp, `train-${f}`), ...LIMITS],
  };
  // A corpus file that names a plugin (fixtures/counterexamples under a working folder): `verify`
  // replays it first, `replay FILE` replays it alone; both isolated.
  const corpusCwd = (f: string): string => {
    const dir = join(tmp, `cwd-${f}`, 'fixtures', 'counterexamples');
    mkdirSync(dir, { recursive: true });
    const file = JSON.parse(readFileSync(resolve('fixtures/counterexamples/C1-bias-c6c39334c44f.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, `C1-bias-${f}.json`), JSON.stringify({ ...file, loss: { spec: join(DIR, `${f}.ts`), name: `faulty_${f}`, params: {} } }));
    return join(tmp, `cwd-${f}`);
  };
  const CORPUS_FAULTS = ['exit', 'hang'] as const;
  const GATE_FAULTS = ['exit', 'hang', 'fakeStdout'] as const;
  const cell = (command: keyof typeof commands, fault: string) => ({ command, fault, args: commands[command](fault), cwd: DIR });
  const cells = [
    ...FAULTS.map((fault) => cell('eval', fault)),
    // The spinning plugin burns a core for its whole limit: 1 s here (the others' 3 s is for the hang cells' slow starts).
    { command: 'eval', fault: 'loop', args: [...commands.eval('loop'), '--plugin-timeout', '1s'], cwd: DIR },
    ...(['verify', 'hunt', 'train'] as const).flatMap((command) => GATE_FAULTS.map((fault) => cell(command, fault))),
    cell('verify', 'bomb'),
    cell('train', 'nan'),
    ...CORPUS_FAULTS.map((fault) => ({ command: 'verify (corpus)', fault, args: ['verify', '--claims', 'C1', '--check', 'corpus/C1-bias-', '--no-progress', '--report-dir', join(tmp, `reports-corpus-${fault}`), ...LIMITS], cwd: corpusCwd(fault) })),
    ...CORPUS_FAULTS.map((fault) => ({ command: 'replay (corpus)', fault, args: ['replay', join('fixtures', 'counterexamples', `C1-bias-${fault}.json`), ...LIMITS], cwd: join(tmp, `cwd-${fault}`) })),
  ];
  it('the matrix has every fault at the command line, and every command with the gate faults', () => {
    expect(new Set(cells.map((c) => c.fault))).toEqual(new Set([...FAULTS, 'loop']));
    for (const command of ['eval', 'verify', 'hunt', 'train']) for (const fault of GATE_FAULTS) expect(cells.some((c) => c.command === command && c.fault === fault), `${command} × ${fault}`).toBe(true);
  });
  let outcomes: Outcome[] = [];

  beforeAll(async () => {
    execFileSync(process.execPath, [resolve('bin/build-if-stale.js')], { stdio: 'ignore' });
    outcomes = await limited(cells.map((c) => () => covcheck(c.args, c.cwd)));
    for (const [i, c] of cells.entries()) {
      const o = outcomes[i]!;
      rows.push(`| ${c.command} | ${c.fault} | ${o.code} | ${o.ms} | ${o.stderr.trim().split('\n').pop()?.slice(0, 150) ?? ''} |`);
    }
  }, 600_000);
  afterAll(() => {
    console.log(`plugin fault matrix at the CLI (--plugin-timeout 3s, --plugin-memory 256, hunt --time 3s):\n| command | fault | exit | ms | message |\n|---|---|---|---|---|\n${rows.join('\n')}`);
    rmSync(tmp, { recursive: true, force: true });
  });

  for (const [i, c] of cells.entries()) {
    it(`${c.command} with ${c.fault}.ts: exit 2 naming the plugin, within the limit, no files`, () => {
      const o = outcomes[i]!;
      expect(o.code, o.stderr).toBe(2);
      const lines = o.stderr.trim().split('\n');
      expect(lines.at(-1)).toMatch(new RegExp(`^covcheck: loss plugin .*/${c.fault}\\.ts`));
      // the fake report never reaches stdout (train prints its header line before the child starts)
      if (c.command === 'train') expect(o.stdout).toMatch(/^covcheck train: [^\n]*\n$/);
      else expect(o.stdout).toBe('');
      const limit = c.command === "hunt" ? 3000 + 1000 + 3000 : 3000; // --time + shrink + loading (src/pool/pluginHunt.ts); the child's start (≤ 30 s) is in STARTUP_MS
      expect(o.ms).toBeLessThan(limit + STARTUP_MS);
      const folder = c.command === 'verify' ? join(tmp, `reports-${c.fault}`) : c.command === 'train' ? join(tmp, `train-${c.fault}`) : c.command === 'hunt' ? join(tmp, `corpus-${c.fault}`) : c.command === 'verify (corpus)' ? join(tmp, `reports-corpus-${c.fault}`) : null;
      if (folder !== null) expect(existsSync(folder) ? readdirSync(folder) : []).toEqual([]);
    });
  }

  it('bad limits are exit 2 naming the flag', async () => {
    const [t, m] = await Promise.all([covcheck(['eval', '--case', CASE, '--plugin-timeout', 'soon']), covcheck(['eval', '--case', CASE, '--plugin-memory', '10'])]);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/^covcheck: --plugin-timeout: /);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/^covcheck: --plugin-memory: expected an integer in \[64, 65536\]/);
  });
});
