/**
 * `--impl "COMMAND"` on verify / hunt / compare and `replay --impl "COMMAND" FILE` (docs/impl.md):
 * runs the implementation checks (runImplChecks.ts), prints the verdict table, saves the failing
 * case of every failing check as a case file named with the implementation's name (written to a
 * temp file, then renamed), writes the run's report folder (implReport.ts) when asked, and returns the exit code: 1 on any fail, else 0. Faults (ImplError,
 * an InputError) propagate to the CLI: exit 2 with the message.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { InputError } from '../../errors.js';
import { slug } from '../../report/write.js';
import type { ImplCase } from '../implCase.js';
import { formatImplRun, runImplChecks } from './runImplChecks.js';
import { writeImplReport } from './implReport.js';

export interface ImplCliOptions {
  readonly command: string;
  readonly seed: number;
  readonly runs: number | null;
  readonly implTimeoutMs: number | null;
  readonly cwd: string;
  /** Where failing cases are saved; null: not saved. */
  readonly saveDir: string | null;
  /** Replay: judge only this case file. */
  readonly caseFile?: string;
  /** Write a report folder under this --report-dir (implReport.ts); absent: none. */
  readonly report?: { readonly dir: string; readonly command: 'verify' | 'compare'; readonly version: string };
}

interface Out {
  write(chunk: string): unknown;
}

const quoteArg = (s: string) => (/^[A-Za-z0-9_./=:-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

function readCaseFile(path: string, shown: string): ImplCase {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new InputError('file', `${shown}: not a readable JSON case file (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || !('weights' in json) || !('batch' in json)) throw new InputError('file', `${shown}: not a case file (no weights or batch)`);
  return json as ImplCase;
}

/**
 * Saves a case as `<saveDir>/<implementation>--<label>.case.json` (temp file, then rename) and
 * returns the lines telling the user where it is and how to replay it.
 */
export function saveImplCase(o: Pick<ImplCliOptions, 'saveDir' | 'cwd' | 'command'>, implName: string, label: string, c: ImplCase, what: string): string {
  mkdirSync(o.saveDir!, { recursive: true });
  const file = join(o.saveDir!, `${slug(implName)}--${slug(label)}.case.json`);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(c, null, 1)}\n`);
  renameSync(`${file}.tmp`, file);
  const shown = relative(o.cwd, file) || file;
  return `saved ${what}: ${shown}\n  feed it to your code, or replay it: covcheck replay --impl ${quoteArg(o.command)} ${quoteArg(shown)}`;
}

export async function implVerify(o: ImplCliOptions, stdout: Out): Promise<number> {
  const cases = o.caseFile === undefined ? undefined : [readCaseFile(join(o.cwd, o.caseFile), o.caseFile)];
  const run = await runImplChecks(o.command, {
    seed: o.seed,
    cwd: o.cwd,
    ...(o.runs === null ? {} : { runs: o.runs }),
    ...(o.implTimeoutMs === null ? {} : { implTimeoutMs: o.implTimeoutMs }),
    ...(cases ? { cases } : {}),
  });
  stdout.write(`${formatImplRun(run)}\n`);
  const failed = run.results.filter((r) => r.verdict === 'fail');
  if (o.saveDir !== null && o.caseFile === undefined) {
    for (const r of failed) stdout.write(`\n${saveImplCase(o, run.name, r.id, r.failure!.case, `the failing case of ${r.id}`)}\n`);
  }
  if (o.report && o.caseFile === undefined) {
    let where: string;
    try {
      where = await writeImplReport(o.report.dir, run, { command: o.report.command, implCommand: o.command, seed: o.seed, runs: o.runs, version: o.report.version });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === undefined) throw e;
      // all or nothing (writeRunFolder): exit 2, the verdicts above stand
      throw new InputError('--report-dir', `cannot write the report under ${o.report.dir} (${code}); the verdicts above stand, no report was kept`);
    }
    stdout.write(`\nreport: ${relative(o.cwd, where) || where}\n`);
  }
  return failed.length > 0 ? 1 : 0;
}
