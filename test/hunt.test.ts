/**
 * Counterexample hunting (search, structural shrinking), the failure corpus (replay, deduplication)
 * and `covcheck hunt` (help, bad input, exit codes). The whole fixtures/counterexamples corpus is
 * replayed here, as `covcheck verify` does first.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { parseCase } from '../src/case/parseCase.js';
import { writeCase } from '../src/case/writeCase.js';
import type { NestedCaseJson as CaseJson } from '../src/case/schema.js';
import { arbCaseJson } from '../src/hunt/caseDomain.js';
import { projectCase, shapeOf } from '../src/hunt/caseMoves.js';
import { hunt, parseDuration } from '../src/hunt/search.js';
import { HUNT_TARGETS } from '../src/hunt/targets.js';
import { CORPUS_DIR, corpusChecks, replayCorpus, replayFile } from '../src/hunt/corpus.js';
import { corpusDuplicates, counterexampleFile, readCounterexampleFile, saveCounterexample } from '../src/hunt/counterexampleFile.js';
import { runCheck } from '../src/runner/run.js';
import { runCli as runCliIn } from './support/runCli.js';

const root = resolve(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'covcheck-hunt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const target = (id: string) => HUNT_TARGETS.find((t) => t.id === id)!;

describe('the failure corpus (fixtures/counterexamples)', () => {
  it('replays: every excluded-variant case still violates, every recorded bug stays fixed', async () => {
    const outcomes = await replayCorpus(CORPUS_DIR, root);
    expect(outcomes.length).toBeGreaterThan(0);
    for (const o of outcomes) expect(['pass', 'expected-fail'], `${o.file}: ${o.message}`).toContain(o.verdict);
  });

  it('is small, deduplicated, named by content, and every case is valid in the case format', () => {
    const files = readdirSync(join(root, CORPUS_DIR)).filter((n) => n.endsWith('.json'));
    expect(files.length).toBeLessThanOrEqual(12);
    expect(corpusDuplicates(join(root, CORPUS_DIR))).toEqual([]);
    for (const name of files) {
      const f = readCounterexampleFile(join(root, CORPUS_DIR, name), name);
      expect(name.startsWith(`${f.claim}-${f.variant}-`), name).toBe(true);
      expect(() => parseCase(f.case), name).not.toThrow();
      expect(f.versions['fast-check']).toBeDefined();
    }
  });

  it('runs as checks (corpus/<file>) with the verdict of the replay', async () => {
    const checks = corpusChecks(CORPUS_DIR, root);
    const r = await runCheck(checks.find((c) => c.id.startsWith('corpus/C1-tanh'))!, { seed: 1, scale: 'ci' });
    expect(r.verdict).toBe('expected-fail');
    expect(r.claim).toBe('C1');
  });
});

describe('hunting', () => {
  // Its time (issue: within 30 s at CI scale) is measured by `npm run bench`, not asserted here.
  it('C1 with tanh: finds a counterexample and shrinks it to depth 2, ≤ 2 children, hid ≤ 2', () => {
    const r = hunt(target('C1/tanh'), { seed: 42, scale: 'ci' });
    expect(r.shrunk).not.toBeNull();
    const s = shapeOf(r.shrunk!.json);
    expect(s.depth).toBe(2);
    expect(s.children).toBeLessThanOrEqual(2);
    expect(s.hid).toBeLessThanOrEqual(2);
    // Minimal numbers: every entry is a short dyadic fraction (replays exactly).
    const nums = JSON.stringify(r.shrunk!.json.weights).match(/-?\d+(\.\d+)?/g)!.map(Number);
    expect(nums.every((v) => Number.isInteger(v * 64))).toBe(true);
  });

  it('finds nothing where the claim holds (C1 on bias-free homogeneous networks)', () => {
    const r = hunt(target('C1/homogeneous'), { seed: 3, scale: 'ci', runs: 150 });
    expect(r.shrunk).toBeNull();
    expect(r.evaluations).toBe(150);
  });

  it('is reproducible for a seed and respects a time budget', () => {
    const a = hunt(target('C3/tanh'), { seed: 9, scale: 'ci', runs: 60 });
    const b = hunt(target('C3/tanh'), { seed: 9, scale: 'ci', runs: 60 });
    expect(JSON.stringify(a.shrunk?.json)).toBe(JSON.stringify(b.shrunk?.json));
    // A time budget replaces the run count: the search stops by itself (no timing asserted).
    const timed = hunt(target('C1/homogeneous'), { seed: 1, scale: 'ci', timeMs: 200 });
    expect(timed.evaluations).toBeGreaterThan(0);
    expect(timed.shrunk).toBeNull();
    expect(parseDuration('--time', '10m')).toBe(600_000);
    expect(() => parseDuration('--time', 'soon')).toThrow(InputError);
  });

  it('projects cases onto smaller shapes that stay valid', () => {
    fc.assert(
      fc.property(
        arbCaseJson({ ...target('C3/op-form').domain('ci'), bias: true }),
        fc.record({ dd: fc.nat(2), dc: fc.nat(1), dh: fc.nat(2), db: fc.nat(1), first: fc.boolean() }),
        (c, d) => {
          const s = shapeOf(c);
          const to = { depth: Math.max(1, s.depth - d.dd), children: Math.max(1, s.children - d.dc), hid: Math.max(1, s.hid - d.dh), out: s.out, B: Math.max(1, s.B - d.db), H: s.H };
          const p = projectCase(c, to, { dropFirstTuple: d.first });
          const parsed = parseCase(p);
          expect(parsed.tree.leaves.length).toBe(to.children ** to.depth);
          expect(shapeOf(p).B).toBe(to.B);
        },
      ),
      { numRuns: 60, seed: 5 },
    );
  });

  it('writes what it reads: parseCase(writeCase(parseCase(c))) has the numbers of parseCase(c)', () => {
    const numbers = (c: ReturnType<typeof parseCase>) => ({ spec: c.spec, params: c.params, batch: c.batch, tree: c.tree, loss: c.lossSpec, rest: [c.reduction, c.mode, c.flatNegatives, c.hasPolarities] });
    fc.assert(
      fc.property(fc.constantFrom(...HUNT_TARGETS), fc.constantFrom<'ci' | 'full'>('ci', 'full'), fc.nat(), (t, scale, seed) => {
        const [c] = fc.sample(arbCaseJson(t.domain(scale)), { seed, numRuns: 1 });
        const once = parseCase(c);
        const written = writeCase(once);
        expect(numbers(parseCase(written))).toEqual(numbers(once));
        expect(parseCase(JSON.parse(JSON.stringify(written))).params).toEqual(once.params);
      }),
      { numRuns: 40, seed: 7 },
    );
    // H = 1 written without the H axis stays so.
    const flat = parseCase({ depth: 1, children: 2, weights: { s: [[1, 2]] }, batch: { x: [[1, 0]], x_pos: [[1, 1]], x_neg: [[0, 1]] }, loss: { name: 'simp' }, root_prior: 0.25, activation: 'tanh' });
    expect(writeCase(flat)).toEqual({ depth: 1, children: 2, root_prior: 0.25, activation: 'tanh', weights: { s: [[1, 2]] }, batch: { x: [[1, 0]], x_pos: [[1, 1]], x_neg: [[0, 1]] }, loss: { name: 'simp' } });
  });

  it('saves one file per distinct minimal case', () => {
    const r = hunt(target('C1/bias'), { seed: 42, scale: 'ci' });
    const f = counterexampleFile({ target: target('C1/bias'), json: r.shrunk!.json, measurement: r.shrunk!.measurement, seed: 42, path: r.path, version: 'test' });
    const out = join(dir, 'corpus');
    expect(saveCounterexample(out, f).created).toBe(true);
    expect(saveCounterexample(out, { ...f, seed: 7, path: 'elsewhere' }).created).toBe(false);
    expect(readdirSync(out)).toHaveLength(1);
  });
});

// ---- covcheck hunt / replay of corpus files ----

/** The real CLI, in process, in the test folder. */
const runCli = (args: string[]) => runCliIn(args, { cwd: dir });

describe('covcheck hunt', () => {
  it('has --help listing the targets', async () => {
    const r = await runCli(['hunt', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/C1\/tanh/);
    expect(r.out).toMatch(/Exit codes/);
  });

  it('rejects bad input with exit 2 naming the flag', async () => {
    const cases: [string[], RegExp][] = [
      [['hunt'], /--claim: required/],
      [['hunt', '--claim', 'C99'], /--claim: cannot hunt/],
      [['hunt', '--claim', 'C1', '--variant', 'sigmoid'], /--variant: C1 has no variant/],
      [['hunt', '--claim', 'C1', '--runs', '5', '--time', '1s'], /--time: give either --runs or --time/],
      [['hunt', '--claim', 'C1', '--time', 'soon'], /--time: expected a duration/],
      [['hunt', '--claim', 'C1', '--runs', '-3'], /--runs/],
      [['hunt', '--claim', 'C1', '--loss', 'nce'], /--loss: C1\/homogeneous does not depend on the loss/],
      [['hunt', '--claim', 'C6', '--loss', './nope.ts'], /--loss: no such loss file/],
      [['hunt', '--claim', 'C1', '--scale', 'huge'], /--scale/],
    ];
    for (const [args, re] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toMatch(re);
    }
  });

  it('exit 0 and a saved, replayable file for an excluded variant; exit 0 with nothing found where the claim holds', async () => {
    const out = join(dir, 'cli-corpus');
    const r = await runCli(['hunt', '--claim', 'C1', '--variant', 'tanh', '--out', out, '--json']);
    expect(r.code, r.err).toBe(0);
    const res = JSON.parse(r.out) as { found: boolean; saved: { path: string; created: boolean } };
    expect(res.found).toBe(true);
    expect(existsSync(res.saved.path)).toBe(true);
    expect(r.err).toMatch(/shrunk in \d+ steps .* to depth 2/);
    const replay = await replayFile(res.saved.path, dir);
    expect(replay.verdict).toBe('expected-fail');
    const ok = await runCli(['hunt', '--claim', 'C1', '--runs', '50', '--no-save']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/PASSED: no counterexample/);
  });

  it('exit 1 when a claim that should hold is violated (C6 with an unbalanced plugin)', async () => {
    const plugin = join(dir, 'unbalanced.mjs');
    writeFileSync(plugin, "export default { name: 'lopsided', loss(ops, r) { return ops.sub(r.pos, ops.mul(2, ops.mean(r.neg))); } };\n");
    const r = await runCli(['hunt', '--claim', 'C6', '--loss', plugin, '--runs', '30', '--out', join(dir, 'c6')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAILED: C6 is violated/);
    const saved = readdirSync(join(dir, 'c6'));
    expect(saved).toHaveLength(1);
    const f = JSON.parse(readFileSync(join(dir, 'c6', saved[0]!), 'utf8')) as { loss: { spec: string } };
    expect(f.loss.spec).toBe(plugin);
    expect((await replayFile(join(dir, 'c6', saved[0]!), dir)).verdict).toBe('fail');
  });

  it('issue 8 §3: a hunted plugin case carries the plugin (not the built-in nce), keeps the worst violation beside the minimal one, and eval reads the file under its loss', async () => {
    const plugin = join(dir, 'lopsided3.mjs');
    writeFileSync(plugin, "export default { name: 'lopsided3', params: { tau: 0.5 }, loss(ops, r, p) { return ops.add(ops.sub(r.pos, ops.mul(3, ops.mean(r.neg))), ops.mul(0, p.tau)); } };\n");
    const out = join(dir, 'c6-worst');
    const r = await runCli(['hunt', '--claim', 'C6', '--loss', plugin, '--runs', '30', '--out', out]);
    expect(r.code).toBe(1);
    const name = readdirSync(out)[0]!;
    const f = JSON.parse(readFileSync(join(out, name), 'utf8')) as { case: { loss: Record<string, unknown> }; worst?: { case: unknown; measurement: { error: number } } };
    expect(f.case.loss).toEqual({ name: 'lopsided3', tau: 0.5 });
    expect(f.worst, 'the worst violation found is kept').toBeDefined();
    const e = await runCli(['eval', '--case', join(out, name)]);
    expect(e.code, e.err).toBe(0);
    // eval under the plugin (r_+ − 3·mean r_−), not under nce or simp: the same as evaluating the bare case with --loss.
    writeFileSync(join(dir, 'bare.json'), JSON.stringify(f.case));
    const bare = await runCli(['eval', '--case', join(dir, 'bare.json'), '--loss', plugin]);
    expect(bare.code, bare.err).toBe(0);
    expect(JSON.parse(e.out)).toEqual(JSON.parse(bare.out));
    // The worst case (not all zero) tells the losses apart: under the plugin it differs from nce.
    writeFileSync(join(dir, 'worst.json'), JSON.stringify(f.worst!.case));
    const [w, wNce] = [await runCli(['eval', '--case', join(dir, 'worst.json'), '--loss', plugin]), await runCli(['eval', '--case', join(dir, 'worst.json'), '--loss', 'nce'])];
    expect(w.code, w.err).toBe(0);
    expect(JSON.parse(w.out).loss).not.toEqual(JSON.parse(wNce.out).loss);
  });

  it('issue 8 §3: --out that is a file is refused before searching (no search time spent)', async () => {
    writeFileSync(join(dir, 'a-file'), '');
    const t0 = performance.now();
    const r = await runCli(['hunt', '--claim', 'C1', '--variant', 'tanh', '--time', '30s', '--out', join(dir, 'a-file')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--out: .* not a folder \(checked before searching\)/);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });

  it('a malformed corpus file is bad input naming the file and field', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ covcheck: 'counterexample', format: 1, target: 'C9/none', case: {} }));
    await expect(replayFile(bad, dir)).rejects.toThrow(/bad\.json: target: unknown hunt target/);
    const c: CaseJson = JSON.parse(readFileSync(join(root, CORPUS_DIR, readdirSync(join(root, CORPUS_DIR))[0]!), 'utf8')).case;
    writeFileSync(bad, JSON.stringify({ covcheck: 'counterexample', format: 1, claim: 'C1', target: 'C1/tanh', variant: 'tanh', expect: 'fail', loss: null, seed: 1, path: '', versions: {}, measurement: { error: 1, tolerance: 0 }, case: { ...c, depth: 'two' } }));
    const o = await replayFile(bad, dir);
    expect(o.verdict).toBe('fail');
    expect(o.message).toMatch(/depth/);
  });
});
