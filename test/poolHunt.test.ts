/**
 * `hunt --jobs N` (issue 10): each search round's cases are evaluated on N workers; the
 * counterexample, the saved corpus file and the --json result (but for times) are the same bytes
 * as with --jobs 1. And the round search itself: the same result with every case evaluated here
 * (hunt) or by any evaluator that answers in order (huntWith), e.g. one that answers a round's cases
 * in reverse completion order.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/runCli.js';
import { HUNT_TARGETS } from '../src/hunt/targets.js';
import { hunt, huntWith } from '../src/hunt/search.js';
import { evaluate } from '../src/hunt/evaluate.js';

const target = (id: string) => HUNT_TARGETS.find((t) => t.id === id)!;

describe('hunt --jobs', () => {
  it('the round search gives the same result whoever evaluates the rounds', async () => {
    const t = target('C3/tanh');
    const here = hunt(t, { seed: 9, scale: 'ci', runs: 48 });
    const elsewhere = await huntWith(t, { seed: 9, scale: 'ci', runs: 48 }, async (cases) => {
      const out = await Promise.all([...cases].reverse().map(async (c) => evaluate(t, c, undefined)));
      return out.reverse();
    });
    const strip = (r: typeof here) => JSON.stringify({ ...r, searchMs: 0, shrinkMs: 0 });
    expect(strip(elsewhere)).toBe(strip(here));
  }, 120_000);

  it('--jobs 2: the same counterexample file and --json result as --jobs 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'covcheck-hunt-jobs-'));
    try {
      const outs: string[] = [];
      const files: string[] = [];
      for (const j of ['1', '2']) {
        const out = join(dir, `j${j}`);
        const r = await runCli(['hunt', '--claim', 'C1', '--variant', 'tanh', '--runs', '64', '--seed', '5', '--json', '--no-progress', '--jobs', j, '--out', out], { cwd: dir });
        // C1/tanh is an excluded variant: a counterexample found is exit 0.
        expect(r.code, r.err).toBe(0);
        expect(JSON.parse(r.out).found).toBe(true);
        outs.push(r.out.replace(/"(searchMs|shrinkMs)":\d+/g, '"$1":0').replaceAll(out, 'OUT'));
        const names = readdirSync(out);
        expect(names).toHaveLength(1);
        files.push(names[0]! + '\n' + readFileSync(join(out, names[0]!), 'utf8'));
      }
      expect(outs[1]).toBe(outs[0]);
      expect(files[1]).toBe(files[0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('--jobs 0 is exit 2 naming --jobs', async () => {
    const r = await runCli(['hunt', '--claim', 'C1', '--jobs', '0', '--no-save']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--jobs');
  });
});
