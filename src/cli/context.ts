/**
 * What every covcheck command receives (`register(program, ctx)`), and the overrides that tests
 * and embedders pass to `main(argv, overrides)`. Commands import this module, never cli/main.ts.
 */
import type { Check, ClaimRecord } from '../runner/check.js';
import type { Registry, RegistryLoader } from '../runner/registry.js';
import type { CheckSource } from '../pool/checkTask.js';

/** Something text can be written to (process.stdout, process.stderr, or a test's capture). */
export interface TextOut {
  write(chunk: string): unknown;
}

/**
 * Commands write only through `stdout`/`stderr`, read claims and checks only through `registry()`
 * (tests inject fake ones), and report their exit code by setting `exitCode` (or by throwing:
 * InputError → 2, anything else → 3).
 */
export interface CliContext {
  /**
   * The claim registry, loaded on the first call (then cached). Only commands that run claims
   * call it, so `eval`, `train`, `--help` and `--version` load no claim module.
   */
  readonly registry: () => Promise<Registry>;
  readonly stdout: TextOut;
  readonly stderr: TextOut;
  /** Whether stderr is an interactive terminal (progress bars need it, and env CI unset). */
  readonly stderrIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative paths (report dirs, files) resolve against this. */
  readonly cwd: string;
  /** covcheck's package version. */
  readonly version: string;
  /** The numeric backend recorded in reports. */
  readonly backend: string;
  /** Failure-corpus folders that `verify` replays first (default: covcheck's own and ./fixtures/counterexamples). */
  readonly corpusDirs?: readonly string[];
  /**
   * Where a pool worker finds the registry's checks (`verify --jobs N`): the registry module's URL
   * and export. Absent (tests injecting checks, another loader): every check runs in-process.
   */
  readonly checkSource?: CheckSource;
  /**
   * Where an isolated child finds the loss checks of a user's plugin file (module and export of a
   * function of { spec, cwd, flag, options }). Absent: plugins run in this process, unisolated.
   */
  readonly lossCheckSource?: CheckSource;
  /** --debug: print stacks of internal errors. */
  readonly debug: boolean;
  /** The command's exit code; 0 unless the command sets it. */
  exitCode: number;
}

/** Test and embedding hooks: anything given replaces the process/registry default. */
export interface CliOverrides extends Partial<Omit<CliContext, 'exitCode' | 'debug' | 'registry'>> {
  /** Loads the claim registry; called at most once, and only by commands that run claims. */
  readonly registry?: RegistryLoader;
  /** Replace the loaded registry's claim records (tests inject fake ones). */
  readonly claims?: readonly ClaimRecord[];
  /** Replace the loaded registry's checks (tests inject fake ones). */
  readonly checks?: readonly Check[];
}

/**
 * The registry a context serves, loaded on the first call and cached: the loader's, with
 * `claims`/`checks` replaced where overridden. Without a loader, overridden claims and checks
 * alone make a registry whose `lossChecks` throws; with neither, the call rejects.
 */
export function registryOf(o: Pick<CliOverrides, 'registry' | 'claims' | 'checks'>): () => Promise<Registry> {
  let served: Promise<Registry> | undefined;
  const serve = async (): Promise<Registry> => {
    if (o.registry === undefined) {
      if (o.claims === undefined || o.checks === undefined) throw new Error('no claim registry was given to the CLI (main(argv, { registry: loader }))');
      return { claims: o.claims, checks: o.checks, lossChecks: () => { throw new Error('loss checks need the claim registry, and none was given to the CLI'); } };
    }
    const r = await o.registry();
    return { claims: o.claims ?? r.claims, checks: o.checks ?? r.checks, lossChecks: (...args) => r.lossChecks(...args), ...(r.costs ? { costs: r.costs } : {}), ...(r.largeChecks ? { largeChecks: r.largeChecks.bind(r) } : {}) };
  };
  return () => (served ??= serve());
}
