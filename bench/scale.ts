/**
 * Issue 10's command-level speed-ups, each a pair timed in the same run from the compiled CLI
 * (`bin/covcheck.js`), with the report bytes compared: a small `sweep` grid and the C11 + C12
 * claims at `--jobs 2` against `--jobs 1`, and `hunt --jobs 2` against `--jobs 1`. The ratio is
 * time(--jobs 1) / time(--jobs 2) (target ≥ 1.8 on a quiet 2-core machine); the load average is
 * printed beside it, since a shared machine makes any ratio meaningless.
 * Run alone: `node bin/build-if-stale.js && node bin/run-ts.js bench/scale.ts [--full]` (--full: C11 + C12 at
 * full scale, about 21 minutes at --jobs 1).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ScaleRow {
  readonly what: string;
  readonly jobs1: number;
  readonly jobs2: number;
  /** CPU seconds (user + sys) of the two runs. */
  readonly cpu1: number;
  readonly cpu2: number;
  /** jobs1 / jobs2. */
  readonly ratio: number;
  /** The --jobs 2 report has the --jobs 1 bytes. */
  readonly same: boolean;
  /** 1-minute load average before and after the pair. */
  readonly load: readonly [number, number];
}

/**
 * Preload printing the process's CPU seconds (user + sys, every thread) on stderr at exit: the
 * load-insensitive figure beside the wall time. On a shared machine with autogroup scheduling
 * (Linux's default for sessions) a process gets its session's fair share of the cores whatever
 * its thread count, so while another session is busy a --jobs 2 run cannot show its speed-up.
 */
const CPU_AT_EXIT = 'data:text/javascript,process.on("exit",()=>{const u=process.cpuUsage();process.stderr.write("\\ncovcheck-bench-cpu="+(u.user+u.system)/1e6+"\\n")})';

/** Wall and CPU seconds of one covcheck run. */
function run(args: readonly string[]): { wall: number; cpu: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', CPU_AT_EXIT, 'bin/covcheck.js', ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: 'true' } });
  if (r.status !== 0 && r.status !== 1) throw new Error(`covcheck ${args.join(' ')} exited ${r.status}: ${String(r.stderr).slice(0, 300)}`);
  const wall = (performance.now() - t0) / 1000;
  return { wall, cpu: Number(/covcheck-bench-cpu=([\d.]+)/.exec(String(r.stderr))?.[1] ?? Number.NaN) };
}

/** report.json of the one run folder under dir/runs, without the "node" line. */
function report(dir: string): string {
  const runs = join(dir, 'runs');
  const name = readdirSync(runs)[0]!;
  return readFileSync(join(runs, name, 'report.json'), 'utf8').replace(/^\s*"node": .*\n/m, '');
}

/** Times `args` at --jobs 1 and --jobs 2 (each with its own report folder) and compares the reports. */
function pair(what: string, args: readonly string[], compare: (a: string, b: string) => boolean = (a, b) => report(a) === report(b)): ScaleRow {
  const dir = mkdtempSync(join(tmpdir(), 'covcheck-bench-scale-'));
  try {
    const before = loadavg()[0]!;
    const one = run([...args, '--jobs', '1', '--report-dir', join(dir, 'j1')]);
    const two = run([...args, '--jobs', '2', '--report-dir', join(dir, 'j2')]);
    return { what, jobs1: one.wall, jobs2: two.wall, cpu1: one.cpu, cpu2: two.cpu, ratio: one.wall / two.wall, same: compare(join(dir, 'j1'), join(dir, 'j2')), load: [before, loadavg()[0]!] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const SWEEP_CELLS = 8;
const SWEEP_STEPS = 5000;

export function benchScale(full = false): ScaleRow[] {
  // A small grid whose cells are not tiny: 8 cells of about 2 s each (5000 steps), so the ratio
  // measures the parallelism and not the run's serial start (Node, the CLI, the pool: ≈ 0.4 s, which
  // bounds the ratio at T₁ / (0.4 s + T₁/2): 1.8× on cells of 0.93 s, 1.72× measured; docs/scale.md).
  const sweep = ['sweep', '--depth', '4', '--hid', '10', '--delta-lower', '0.8', '--seeds', '1-8', '--steps', String(SWEEP_STEPS), '--preset', 'readme', '--name', 'bench', '--no-progress'];
  const claims = ['verify', '--claims', 'C11,C12', '--scale', full ? 'full' : 'ci', '--no-corpus', '--no-progress'];
  return [
    pair(`sweep ${SWEEP_CELLS} cells (depth 4, hid 10, ${SWEEP_STEPS} steps)`, sweep),
    pair(`verify --claims C11,C12 (${full ? 'full' : 'CI'} scale)`, claims),
  ];
}

const isMain = process.argv.slice(1).some((a) => resolve(a) === fileURLToPath(import.meta.url));
if (isMain) {
  for (const r of benchScale(process.argv.includes('--full'))) {
    const perCell = r.what.startsWith('sweep') ? ` (≈ ${(r.jobs1 / SWEEP_CELLS).toFixed(2)} s a cell at --jobs 1)` : '';
    console.log(`${r.what}${perCell}: --jobs 1 ${r.jobs1.toFixed(1)} s (CPU ${r.cpu1.toFixed(1)} s), --jobs 2 ${r.jobs2.toFixed(1)} s (CPU ${r.cpu2.toFixed(1)} s), ratio ${r.ratio.toFixed(2)}× (target >= 1.8), reports ${r.same ? 'identical' : 'DIFFER'}, load average ${r.load[0].toFixed(1)} -> ${r.load[1].toFixed(1)}`);
  }
}
