/**
 * Corpus files (fixtures/counterexamples) whose loss is a user's plugin file are code too: `verify`
 * replays them in isolated children (./pluginRun.ts, task replayCorpusCase), never in its own
 * process. `isolateCorpus` swaps such a corpus check for a stand-in and answers what replays the
 * selected ones first (`prepare`): a fault of the plugin is an IsolationError (exit 2) before any
 * report, never a verdict. Files with a built-in loss replay in-process as before.
 */
import { join, resolve } from 'node:path';
import type { Check, CheckResult, CustomCheck } from '../runner/check.js';
import { isPluginFileSpec } from '../losses/plugin/spec.js';
import { readCounterexampleFile } from '../hunt/counterexampleFile.js';
import { corpusResults, replayCounterexample, type ReplayOutcome } from '../hunt/corpus.js';
import { runPluginTask, type PluginLimits } from './pluginRun.js';

const CORPUS_ID = 'corpus/';

export interface IsolatedCorpus {
  readonly checks: Check[];
  /** Replays the plugin files among `selected` (isolated, one child each), with their run seeds. */
  prepare(selected: readonly Check[], seedOf: (check: Check) => number): Promise<void>;
}

/** The corpus checks of `dir` with those naming a plugin file replaced by isolated stand-ins. */
export function isolateCorpus(checks: readonly Check[], dir: string, cwd: string, limits: PluginLimits): IsolatedCorpus {
  const abs = resolve(cwd, dir);
  const done = new Map<string, CheckResult>();
  const replays = new Map<string, (seed: number) => Promise<CheckResult>>();
  const out = checks.map((check): Check => {
    if (!check.id.startsWith(CORPUS_ID)) return check;
    const name = check.id.slice(CORPUS_ID.length);
    const shown = join(dir, name);
    const file = readCounterexampleFile(join(abs, name), shown); // already read by corpusChecks: a bad file failed there
    if (file.loss === null || !isPluginFileSpec(file.loss.spec)) return check;
    const spec = file.loss.spec;
    const replay = async (seed: number): Promise<CheckResult> => {
      const t0 = performance.now();
      const outcome = await runPluginTask<ReplayOutcome>(`replay ${shown}`, 'replayCorpusCase', { abs: join(abs, name), shown, cwd }, { spec, limits });
      return { ...corpusResults([outcome], seed)[0]!, ms: Math.round(performance.now() - t0) };
    };
    replays.set(check.id, replay);
    const standIn: CustomCheck = {
      type: 'custom',
      id: check.id,
      claim: check.claim,
      title: check.title,
      variant: check.variant,
      expect: check.expect,
      arithmetic: check.arithmetic,
      async run(options) {
        return done.get(`${check.id}#${options.seed}`) ?? (await replay(options.seed));
      },
    };
    return standIn;
  });
  return {
    checks: out,
    async prepare(selected, seedOf) {
      for (const c of selected) {
        const replay = replays.get(c.id);
        if (replay) done.set(`${c.id}#${seedOf(c)}`, await replay(seedOf(c)));
      }
    },
  };
}

/** `covcheck replay FILE` of a corpus file: isolated when its loss is a plugin file, else in-process. */
export async function replayCorpusFile(abs: string, shown: string, cwd: string, limits: PluginLimits): Promise<ReplayOutcome> {
  const file = readCounterexampleFile(abs, shown);
  if (file.loss === null || !isPluginFileSpec(file.loss.spec)) return replayCounterexample(file, shown, cwd);
  return runPluginTask<ReplayOutcome>(`replay ${shown}`, 'replayCorpusCase', { abs, shown, cwd }, { spec: file.loss.spec, limits });
}
