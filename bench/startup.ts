/**
 * Start-up of the compiled CLI (issue 7): `covcheck --version` (target < 0.25 s) and
 * `covcheck eval --case` on a shared example case (target < 0.4 s; 1.55 s and 270 MB before the
 * registry and TF.js were loaded lazily), each beside `node -e 0` measured in the same run, and
 * the peak resident memory of the eval. Each time is the median of several runs; never asserted
 * in tests (test/cli.test.ts checks instead which modules a command loads).
 */
import { spawnSync } from 'node:child_process';

/**
 * Preload printing the process's peak RSS (kB) on stderr at exit: VmHWM of /proc/self/status on
 * Linux (per address space, so it starts afresh at exec), else resourceUsage().maxRSS (which on
 * Linux keeps the high-water mark of the forked parent, here the bench process itself).
 */
const PEAK_RSS =
  'data:text/javascript,import{readFileSync}from"node:fs";process.on("exit",()=>{let kb=process.resourceUsage().maxRSS;' +
  'try{kb=Number(/VmHWM:\\s*(\\d+)/.exec(readFileSync("/proc/self/status","utf8"))[1])}catch{}' +
  'process.stderr.write("\\ncovcheck-bench-maxrss="+kb+"\\n")})';

export interface StartupTiming {
  /** Median wall time in seconds. */
  readonly seconds: number;
  /** Largest peak RSS over the runs, in MB. */
  readonly peakMB: number;
}

/** Runs `node ARGS` `runs` times (after one warm-up) and returns the median time and peak RSS. */
export function timeNode(args: readonly string[], runs = 7): StartupTiming {
  const times: number[] = [];
  let peakKB = 0;
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', PEAK_RSS, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    const dt = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 300)}`);
    const rss = /covcheck-bench-maxrss=(\d+)/.exec(r.stderr);
    if (i > 0) {
      times.push(dt);
      peakKB = Math.max(peakKB, Number(rss?.[1] ?? Number.NaN));
    }
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)]!, peakMB: peakKB / 1024 };
}

/** The three start-up timings: `node -e 0`, `covcheck --version`, `covcheck eval --case 01`. */
export function benchStartup(): { node: StartupTiming; version: StartupTiming; evalCase: StartupTiming } {
  return {
    node: timeNode(['-e', '0']),
    version: timeNode(['bin/covcheck.js', '--version']),
    evalCase: timeNode(['bin/covcheck.js', 'eval', '--case', 'fixtures/cases/01-tri-norm-relu.case.json']),
  };
}
