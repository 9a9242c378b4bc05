/**
 * `covcheck sweep`: grid parsing, bad input (InputError naming the option), resuming an interrupted
 * sweep from its state file (with a fake, synthetic train function), the report folder.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import type { CliContext } from '../src/cli/main.js';
import { parseSweepOptions, runSweepCommand, type SweepRawOptions } from '../src/cli/commands/sweep.js';
import { cellKey, cellsOf, parseIntList, parseLossList, parseNumberList, type Grid, type SweepTraining } from '../src/sweep/grid.js';
import { runSweep } from '../src/sweep/run.js';
import { loadState, saveState, STATE_FILE, emptyState } from '../src/sweep/state.js';
import { syntheticTrainFn } from '../src/sweep/synthetic.js';
import { engineOptions } from '../src/sweep/engineTrain.js';
import type { TrainFn } from '../src/sweep/trainFn.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'covcheck-sweep-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const TRAINING: SweepTraining = { children: 2, deltaUpper: 1, tau: 0.1, H: 1, augmentation: 'root', steps: 200, batch: 128, lr: 0.1, evalSamples: 8000, preset: 'readme' };
const GRID: Grid = { depths: [3, 4], hids: [5, 10], deltaLowers: [0.7, 0.9], losses: ['official_nce'], seeds: [1, 2, 3] };

function ctxIn(cwd: string): CliContext & { out: string; err: string } {
  const c = {
    registry: async () => ({ claims: [], checks: [], lossChecks: () => [] }),
    out: '',
    err: '',
    stdout: { write: (s: string) => (c.out += s) },
    stderr: { write: (s: string) => (c.err += s) },
    stderrIsTTY: false,
    env: {},
    cwd,
    version: '0.0.0-test',
    backend: 'test',
    debug: false,
    exitCode: 0,
  };
  return c;
}

const RAW: SweepRawOptions = { depth: '3,4', hid: '5,10', deltaLower: '0.7,0.9', loss: 'official_nce', seeds: '1-3', preset: 'readme', steps: '200', reportDir: 'reports', report: true, progress: true };

function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('no InputError');
}

describe('grid options', () => {
  it('parses lists and ranges', () => {
    expect(parseIntList('--seeds', '1-10', 0, 100)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(parseIntList('--seeds', '7, 1-3,2', 0, 100)).toEqual([1, 2, 3, 7]);
    expect(parseIntList('--depth', '-2..-1', -5, 5)).toEqual([-2, -1]);
    expect(parseNumberList('--delta-lower', '0.9,0.7,0.8,0.7', 0, 1)).toEqual([0.7, 0.8, 0.9]);
    expect(parseLossList('--loss', 'official_nce,nce,nce')).toEqual(['official_nce', 'nce']);
    expect(cellsOf(GRID)).toHaveLength(24);
  });

  it.each([
    ['--seeds', () => parseIntList('--seeds', '3-1', 0, 10)],
    ['--seeds', () => parseIntList('--seeds', '1,,2', 0, 10)],
    ['--seeds', () => parseIntList('--seeds', 'a', 0, 10)],
    ['--hid', () => parseIntList('--hid', '0', 1, 10)],
    ['--delta-lower', () => parseNumberList('--delta-lower', '0.7,1.2', 0, 1)],
    ['--delta-lower', () => parseNumberList('--delta-lower', '0.7,x', 0, 1)],
    ['--loss', () => parseLossList('--loss', 'official_nce,bogus')],
  ])('names %s on bad input', (field, f) => {
    expect(inputError(f).field).toBe(field);
  });

  it.each<[string, Partial<SweepRawOptions>]>([
    ['--depth', { depth: '0' }],
    ['--depth', { depth: '3,x' }],
    ['--hid', { hid: '5-' }],
    ['--delta-lower', { deltaLower: '0.9', deltaUpper: '0.8' }],
    ['--loss', { loss: 'info_nce' }],
    ['--seeds', { seeds: '1-200000' }],
    ['--steps', { steps: '-1' }],
    ['--eval-epochs', { steps: '10', evalEpochs: '3' }],
    ['--lr', { lr: 'fast' }],
    ['--lr', { lr: '0' }],
    ['--tau', { tau: '-1' }],
    ['--negatives', { loss: 'tri', negatives: '2' }],
    ['--augmentation', { augmentation: 'sideways' }],
    ['--engine', { engine: 'gpu' }],
    ['--preset', { preset: 'paper' }],
    ['--name', { name: '../escape' }],
  ])('the command refuses %s %j before training', (field, patch) => {
    const ctx = ctxIn(tmp());
    expect(inputError(() => parseSweepOptions({ ...RAW, ...patch }, ctx)).field).toBe(field);
  });

  it('a file in the way of --report-dir is an InputError before training', async () => {
    const d = tmp();
    writeFileSync(join(d, 'file'), 'x');
    const train = syntheticTrainFn();
    await expect(runSweepCommand({ ...RAW, reportDir: 'file' }, ctxIn(d), train)).rejects.toMatchObject({ field: '--report-dir' });
    expect(train.calls).toBe(0);
  });

  it('maps a setting to the engine options (fixed steps as one epoch, init only as zero epochs)', () => {
    const s = { ...TRAINING, depth: 4, hid: 10, deltaLower: 0.8, loss: 'official_nce' as const };
    expect(engineOptions(s, 7)).toMatchObject({ epochs: 1, samplesPerEpoch: 200 * 128, seed: 7, opSamples: 0, negatives: 1 });
    expect(engineOptions({ ...s, steps: 0 }, 7)).toMatchObject({ epochs: 0 });
    expect(engineOptions({ ...s, evalEpochs: 4 }, 7)).toMatchObject({ epochs: 4, samplesPerEpoch: 50 * 128 });
  });
});

describe('resuming', () => {
  it('an interrupted sweep resumes where it stopped, training only the missing cells', async () => {
    const d = tmp();
    const path = join(d, 'runs', 'x', STATE_FILE);
    const inner = syntheticTrainFn();
    let budget = 10;
    const interrupted: TrainFn = async (s, seed) => {
      if (budget-- <= 0) throw new Error('interrupted');
      return inner(s, seed);
    };
    await expect(runSweep({ grid: GRID, training: TRAINING }, interrupted, path)).rejects.toThrow('interrupted');
    const saved = await loadState(path);
    expect(Object.keys(saved.cells)).toHaveLength(10);
    expect(readdirSync(join(d, 'runs', 'x'))).toEqual([STATE_FILE]); // no temporary files left

    const train = syntheticTrainFn();
    const seen: boolean[] = [];
    const o = await runSweep({ grid: GRID, training: TRAINING }, train, path, { onCell: (_d, _t, _c, skipped) => seen.push(skipped) });
    expect(train.calls).toBe(14);
    expect(o.trained).toBe(14);
    expect(o.resumed).toBe(10);
    expect(seen.filter((s) => s)).toHaveLength(10);
    // the resumed records are the ones an uninterrupted sweep computes
    const full = await runSweep({ grid: GRID, training: TRAINING }, syntheticTrainFn(), null);
    expect(o.records).toEqual(full.records);
    // a third run trains nothing; --fresh retrains everything
    const again = syntheticTrainFn();
    expect((await runSweep({ grid: GRID, training: TRAINING }, again, path)).trained).toBe(0);
    expect(again.calls).toBe(0);
    const fresh = syntheticTrainFn();
    expect((await runSweep({ grid: GRID, training: TRAINING }, fresh, path, {}, true)).trained).toBe(24);
  });

  it('other training options are other cells; a larger grid reuses the finished ones', async () => {
    const path = join(tmp(), STATE_FILE);
    await runSweep({ grid: GRID, training: TRAINING }, syntheticTrainFn(), path);
    const other = syntheticTrainFn();
    await runSweep({ grid: GRID, training: { ...TRAINING, lr: 0.05 } }, other, path);
    expect(other.calls).toBe(24);
    const bigger = syntheticTrainFn();
    await runSweep({ grid: { ...GRID, seeds: [1, 2, 3, 4] }, training: TRAINING }, bigger, path);
    expect(bigger.calls).toBe(8);
    const c = cellsOf(GRID)[0]!;
    expect(cellKey(c, TRAINING)).not.toBe(cellKey(c, { ...TRAINING, lr: 0.05 }));
  });

  it('a corrupt state file is refused (InputError naming --name), --fresh starts over', async () => {
    const d = tmp();
    const ctx = ctxIn(d);
    const o = parseSweepOptions(RAW, ctx);
    const path = join(d, 'reports', 'runs', o.name, STATE_FILE);
    await saveState(path, emptyState());
    writeFileSync(path, '{"tool": "something else"}');
    await expect(runSweepCommand(RAW, ctx, syntheticTrainFn())).rejects.toMatchObject({ field: '--name' });
    writeFileSync(path, '{ not json');
    await expect(runSweepCommand(RAW, ctx, syntheticTrainFn())).rejects.toMatchObject({ field: '--name' });
    expect(await runSweepCommand({ ...RAW, fresh: true }, ctx, syntheticTrainFn())).toBe(0);
  });
});

describe('the command', () => {
  it('writes the report folder (JSON, Markdown, plots, state); a rerun resumes everything and writes the same report', async () => {
    const d = tmp();
    const ctx = ctxIn(d);
    const train = syntheticTrainFn();
    expect(await runSweepCommand(RAW, ctx, train)).toBe(0);
    expect(train.calls).toBe(24);
    const name = parseSweepOptions(RAW, ctx).name;
    expect(name).toMatch(/^sweep-[0-9a-f]{12}$/);
    const dir = join(d, 'reports', 'runs', name);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['plots', 'report.json', 'report.md', STATE_FILE]);
    const plots = readdirSync(join(dir, 'plots')).sort();
    expect(plots).toContain('final-vs-hid--depth4-delta0.7-official_nce.svg');
    expect(plots).toContain('final-vs-delta--depth3-hid10-official_nce.svg');
    expect(readFileSync(join(dir, 'plots', plots[0]!), 'utf8')).toMatch(/^<svg/);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.cells).toHaveLength(24);
    expect(report.groups).toHaveLength(8);
    expect(report.groups[0].final).toHaveLength(3);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(/\| depth \| hid \| δ_lower \|/);
    expect(ctx.out).toMatch(/24 cells: 24 trained, 0 resumed/);
    expect(existsSync(join(d, 'reports', 'latest', 'report.json'))).toBe(true);

    const ctx2 = ctxIn(d);
    const again = syntheticTrainFn();
    expect(await runSweepCommand(RAW, ctx2, again)).toBe(0);
    expect(again.calls).toBe(0);
    expect(ctx2.out).toMatch(/0 trained, 24 resumed/);
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe(JSON.stringify(report, null, 2) + '\n');
  });

  it('--no-report keeps no state; --json prints report.json', async () => {
    const d = tmp();
    const ctx = ctxIn(d);
    expect(await runSweepCommand({ ...RAW, report: false, json: true, seeds: '1' }, ctx, syntheticTrainFn())).toBe(0);
    expect(existsSync(join(d, 'reports'))).toBe(false);
    expect(JSON.parse(ctx.out).cells).toHaveLength(8);
    expect(ctx.err).toMatch(/8 cells/);
  });
});
