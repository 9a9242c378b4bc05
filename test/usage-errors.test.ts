/**
 * Issue 8 §5, "every command-line usage error names the flag": every command of
 * src/cli/commands/index.ts, every option that takes a value, with bad values (not a number,
 * negative, out of range, a missing value, control characters), and an unknown flag: exit 2,
 * nothing on stdout, one line on stderr naming the flag, control characters escaped.
 * A completeness check fails when a command gains an option this table does not try.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/main.js';
import { registryOf } from '../src/cli/context.js';
import { runCli } from './support/runCli.js';
import { failCheck, passCheck } from './support/fakeChecks.js';
import { TRAIN_LIMITS, trainSizeProblem } from '../src/train/limits.js';
import { PRESETS } from '../src/train/presets.js';

const cwd = mkdtempSync(join(tmpdir(), 'covcheck-usage-'));
writeFileSync(join(cwd, 'afile'), 'x');
const CASE = { depth: 1, children: 2, weights: { s: [[1, 0.5]] }, batch: { x: [[1, 0]], x_pos: [[1, 1]], x_neg: [[0, 1]] }, loss: { name: 'simp' } };
writeFileSync(join(cwd, 'case.json'), JSON.stringify(CASE));

/** An escape sequence that would recolour a terminal if echoed raw. */
const ESC = '\u001b[31mred\u0007';

/** Bad values by kind of option. */
const NUMBER = ['abc', '-1', '1e400', '', ESC];
const INTEGER = [...NUMBER, '1.5', '99999999999999999999'];
const COUNT = [...INTEGER, '0'];
/** Seeds are 32-bit integers, signed or unsigned: -1 is one. */
const SEED = ['abc', '-3000000000', '99999999999', '1.5', '', ESC];
const UNIT = ['abc', '-0.5', '1.5', '', ESC]; // a number in [0, 1]
const WORD = ['no-such-thing', '', ESC];
const LIST = ['abc', '-5', '1,,2', '', ESC];
const PATH_IN_FILE = ['afile/sub', '', ESC + '/afile/x'.replace('/afile', '/../afile')];
/** --plugin-timeout and --plugin-memory: on every command that may run a loss plugin file. */
const PLUGIN_LIMITS = { '--plugin-timeout': ['abc', '-1s', '0s', '', ESC], '--plugin-memory': ['abc', '-5', '1', '99999999', '', ESC] };

/** Per command: arguments that make a valid, quick run, and the bad values of each value option. */
const TABLE: Record<string, { base: string[]; bad: Record<string, readonly string[]> }> = {
  verify: {
    base: ['verify', '--no-progress', '--jobs', '1'],
    bad: {
      ...PLUGIN_LIMITS,
      '--claims': ['C99', ',', ESC],
      '--check': ['no-such-check', '', ESC],
      '--runs': COUNT,
      '--seed': SEED,
      '--scale': WORD,
      '--report-dir': PATH_IN_FILE,
      '--loss': ['no-such-loss', '', ESC, 'nce:tau=abc', 'nce:tau=-1'],
      '--jobs': COUNT,
      '--shard': ['abc', '0/2', '3/2', '-1/2', '', ESC],
      '--backend': WORD,
      '--table': WORD,
      '--engine': WORD,
      '--sampler-threads': INTEGER,
      '--impl': ['', ESC],
      '--impl-timeout': COUNT,
    },
  },
  eval: {
    base: ['eval', '--case', 'case.json'],
    bad: {
      '--case': ['no-such-file.json', '', ESC, '.'],
      '--loss': ['no-such-loss', '', ESC, 'nce:tau=abc'],
      ...PLUGIN_LIMITS,
    },
  },
  replay: {
    base: ['replay', '--check', 'C1/fake/pass', '--seed', '1', '--path', '0'],
    bad: {
      ...PLUGIN_LIMITS,
      '--check': ['no-such-check', '', ESC],
      '--seed': SEED,
      '--path': ['abc', '-1', '1:x', ESC],
      '--scale': WORD,
      '--loss': ['no-such-loss', ESC],
      '--impl': ['', ESC],
      '--impl-timeout': COUNT,
    },
  },
  hunt: {
    base: ['hunt', '--claim', 'C1', '--out', 'corpus', '--no-progress', '--runs', '2'],
    bad: {
      ...PLUGIN_LIMITS,
      '--claim': ['C99', '', ESC],
      '--variant': ['no-such-variant', '', ESC],
      '--loss': ['no-such-loss', ESC],
      '--runs': COUNT,
      '--time': ['abc', '-1s', '0s', '1e400s', '99999999h', '', ESC],
      '--seed': SEED,
      '--scale': WORD,
      '--out': PATH_IN_FILE,
      '--impl': ['', ESC],
      '--impl-timeout': COUNT,
      '--jobs': COUNT,
    },
  },
  compare: {
    base: ['compare', '--loss', 'simp', '--no-trends', '--no-progress', '--runs', '1'],
    bad: {
      ...PLUGIN_LIMITS,
      '--loss': ['no-such-loss', '', ESC],
      '--runs': COUNT,
      '--seed': SEED,
      '--scale': WORD,
      '--report-dir': PATH_IN_FILE,
      '--impl': ['', ESC],
      '--impl-timeout': COUNT,
    },
  },
  train: {
    base: ['train', '--epochs', '0', '--no-progress', '--depth', '2', '--children', '2', '--hid', '2', '--eval-samples', '8', '--op-samples', '0'],
    bad: {
      ...PLUGIN_LIMITS,
      '--preset': WORD,
      '--depth': COUNT,
      '--children': COUNT,
      '--hid': COUNT,
      '--batch': COUNT,
      '--epochs': INTEGER,
      '--samples-per-epoch': COUNT,
      '--lr': [...NUMBER, '0'],
      '--optimizer': WORD,
      '--loss': WORD,
      '--tau': NUMBER,
      '--r0': ['abc', '1e400', '', ESC],
      '--negatives': COUNT,
      '--eps': NUMBER,
      '--init': WORD,
      '--activation': WORD,
      '--delta-lower': UNIT,
      '--delta-upper': UNIT,
      '--augmentation': WORD,
      '--seed': SEED,
      '--backend': WORD,
      '--engine': WORD,
      '--sampler-threads': INTEGER,
      '--eval-samples': COUNT,
      '--op-samples': INTEGER,
      '--report-dir': PATH_IN_FILE,
    },
  },
  sweep: {
    base: ['sweep', '--steps', '0', '--seeds', '1', '--no-progress', '--jobs', '1', '--depth', '2', '--hid', '2', '--eval-samples', '8'],
    bad: {
      '--depth': LIST,
      '--hid': LIST,
      '--delta-lower': LIST,
      '--loss': ['no-such-loss', '', ESC],
      '--seeds': ['abc', '5-1', '1,,2', '1.5', '', ESC],
      '--preset': WORD,
      '--steps': INTEGER,
      '--batch': COUNT,
      '--lr': [...NUMBER, '0'],
      '--tau': NUMBER,
      '--negatives': COUNT,
      '--delta-upper': UNIT,
      '--augmentation': WORD,
      '--eval-samples': COUNT,
      '--eval-epochs': COUNT,
      '--engine': WORD,
      '--backend': WORD,
      '--name': ['', '../up', ESC],
      '--report-dir': PATH_IN_FILE,
      '--jobs': COUNT,
      '--shard': ['abc', '0/2', '3/2', '-1/2', '', ESC],
    },
  },
  merge: { base: ['merge', 'no-such-shard.json'], bad: { '--report-dir': PATH_IN_FILE } },
};

function cli(args: string[]) {
  return runCli(args, { cwd, claims: [], checks: [passCheck, failCheck] });
}

/** Exit 2, nothing on stdout, one line on stderr that names `flag`, no raw control character. */
function expectUsageError(r: { code: number; out: string; err: string }, flag: string, what: string) {
  expect(r.code, `${what}: ${r.err}`).toBe(2);
  expect(r.out, what).toBe('');
  const lines = r.err.split('\n').filter((l) => l !== '');
  // --impl alone may add the tail of the failed implementation's own standard error below its line.
  if (flag !== '--impl') expect(lines, `${what}: ${r.err}`).toHaveLength(1);
  expect(lines[0], what).toContain(flag);
  expect(r.err, what).toContain(flag);
  // eslint-disable-next-line no-control-regex
  for (const line of lines) expect(line, what).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
}

describe('every usage error names the flag (issue 8 §5)', () => {
  it('the table tries every value option of every command', async () => {
    const program = await buildProgram({ registry: registryOf({ claims: [], checks: [] }), stdout: { write() {} }, stderr: { write() {} }, stderrIsTTY: false, env: {}, cwd, version: '0', backend: 'x', debug: false, exitCode: 0 });
    const found = Object.fromEntries(program.commands.map((c) => [c.name(), c.options.filter((o) => o.required || o.optional).map((o) => o.long!).sort()]));
    expect(found).toEqual(Object.fromEntries(Object.entries(TABLE).map(([k, v]) => [k, Object.keys(v.bad).sort()])));
  });

  for (const [command, { base, bad }] of Object.entries(TABLE)) {
    describe(command, () => {
      it('an unknown flag', async () => {
        expectUsageError(await cli([...base, '--bogus']), '--bogus', `${command} --bogus`);
        expectUsageError(await cli([...base, `--b${ESC}`]), '--b', `${command} --b<ESC>`);
      });
      for (const [flag, values] of Object.entries(bad)) {
        it(`${flag}: a missing value and ${values.length} bad ones`, async () => {
          expectUsageError(await cli([...base, flag]), flag, `${command} ${flag} (missing value)`);
          for (const v of values) expectUsageError(await cli([...base, flag, v]), flag, `${command} ${flag} ${JSON.stringify(v)}`);
        });
      }
    });
  }
});

describe('size limits of train and sweep (src/train/limits.ts, docs/cli.md "Size limits")', () => {
  const train = TABLE.train!.base;
  const sweep = TABLE.sweep!.base;
  it.each([
    [[...train, '--samples-per-epoch', String(TRAIN_LIMITS.samplesPerEpoch + 1)], '--samples-per-epoch'],
    [[...train, '--samples-per-epoch', String(TRAIN_LIMITS.samplesPerEpoch), '--epochs', '101'], '--epochs'],
    [[...train, '--eval-samples', String(TRAIN_LIMITS.evalSamples + 1)], '--eval-samples'],
    [[...train, '--depth', '12', '--children', '2', '--eval-samples', '20000'], '--eval-samples'],
    [[...train, '--eval-samples', '100', '--op-samples', '101'], '--op-samples'],
    [[...train, '--batch', String(2 ** 20), '--depth', '5'], '--batch'],
    [[...sweep, '--steps', '100000000', '--batch', '1000'], '--steps'],
    [[...sweep, '--steps', '1000000', '--batch', '1000'], '--eval-epochs'],
  ])('%j is refused naming %s', async (argv, flag) => expectUsageError(await cli(argv), flag, argv.join(' ')));

  it('every preset is within the limits', () => {
    for (const [name, p] of Object.entries(PRESETS)) expect(trainSizeProblem(p), name).toBeNull();
  });
});

describe('control characters in echoed names are escaped by every command (issue 8 §5)', () => {
  // A plugin file whose name holds an escape sequence: its path is part of the check ids and labels.
  const file = `./evil${ESC}.mjs`;
  writeFileSync(join(cwd, file), "export default { name: 'lopsided', loss(ops, r) { return ops.sub(r.pos, ops.mul(2, ops.mean(r.neg))); } };\n");
  it.each([
    [['verify', '--claims', 'C6', '--check', 'balance', '--loss', file, '--no-report', '--jobs', '1', '--runs', '5']],
    [['compare', '--loss', file, '--no-report', '--no-trends', '--runs', '5', '--scale', 'ci']],
    [['hunt', '--claim', 'C6', '--loss', file, '--runs', '5', '--no-save']],
    [['eval', '--case', 'case.json', '--loss', file]],
    [['replay', '--check', `C6/float64/balance[${file}]`, '--seed', '1', '--loss', file]],
  ])('%j', async (argv) => {
    const r = await runCli(argv, { cwd, claims: undefined, checks: undefined });
    const all = r.out + r.err;
    expect(all.length, argv.join(' ')).toBeGreaterThan(0);
    // eslint-disable-next-line no-control-regex
    expect(all, `${r.code}: ${all.slice(0, 400)}`).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(r.code, all.slice(0, 400)).not.toBe(3);
  }, 120_000);
});
