/**
 * Issue 9's protocol throughput: grad requests/s through the implementation protocol with the
 * TF.js example (examples/impl-tfjs/impl.js), on depth-3 binary cases (hid 4, B 8, H 1, relu,
 * simp, like bench/core.ts's C2 case). Target ≥ 2 000/s. Measured:
 *  - pipelined: 32 requests in flight (answers still come in order), as the checks send them,
 *    after a warm-up (TF.js needs a few thousand requests to reach its steady speed);
 *  - one at a time: each request waits for the previous answer (round-trip latency);
 *  - CPU per request of the implementation's process group (Linux /proc) and of covcheck's side,
 *    and the capacity they allow when each has a core of its own: 1 / max(the two) — the rate on
 *    an idle machine with two cores, where the wall-clock rate on a shared machine is lower;
 *  - the protocol alone: a stand-in implementation answering a canned answer (no JSON parsing, no
 *    autograd), i.e. what transport, id matching and answer validation cost.
 * Baseline in the same run: the in-process float64 reference (parseCase + evaluateCase) on the same
 * cases. And issue 9's second target: the exact C3 enumeration of a depth-2 binary tree through the
 * protocol (src/impl/checks/expectation.ts: 4 096 grad requests, pipelined, plus covcheck's side),
 * target < 10 s, printed beside its grad requests/s. Run alone: `node bin/run-ts.js bench/impl.ts`; bench/main.ts may import benchImpl.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Rng } from '../src/numeric/random.js';
import { blockShapes } from '../src/case/names.js';
import type { CaseJson } from '../src/case/schema.js';
import { parseCase } from '../src/case/parseCase.js';
import { evaluateCase } from '../src/case/evaluateCase.js';
import { ImplClient } from '../src/impl/index.js';
import { expectedGradientThroughImpl } from '../src/impl/checks/expectation.js';

const EXAMPLE = join(import.meta.dirname, '..', 'examples', 'impl-tfjs', 'impl.js');
const quoted = (...args: string[]) => args.map((a) => JSON.stringify(a)).join(' ');

/** A depth-3 binary case (hid 4, out 4, B 8, H 1), weights ~ N(0, 1/in), 0/1 inputs. */
export function benchCase(seed: number): CaseJson {
  const rng = new Rng(seed);
  const weights = Object.fromEntries(
    blockShapes(3, 2, 4, 4).map(({ name, rows, cols }) => [name, Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal() / Math.sqrt(cols)))]),
  );
  const bits = () => Array.from({ length: 8 }, () => rng.bernoulli(0.5));
  const rows = (n: number) => Array.from({ length: n }, bits);
  return { depth: 3, children: 2, weights, batch: { x: rows(8), x_pos: rows(8), x_neg: rows(8).map((r) => [r]) }, loss: { name: 'simp' } };
}

/** CPU seconds (user + system) of every process in the group (Linux; NaN elsewhere). */
function groupCpuSeconds(pgid: number | undefined): number {
  if (pgid === undefined || process.platform !== 'linux') return Number.NaN;
  let ticks = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) === pgid) ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14, 15)
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks / 100; // USER_HZ
}

interface Rate {
  readonly perSecond: number;
  /** CPU seconds per request: the implementation's process group, covcheck's process. */
  readonly implCpu: number;
  readonly clientCpu: number;
}

/**
 * Requests/s after a warm-up of `warmMs`: TF.js's kernels reach their steady speed only after a
 * few thousand requests (JIT), about twice as fast as over the first thousand.
 */
async function measure(budgetMs: number, chunk: number, run: (n: number) => Promise<void>, pgid?: number, warmMs = 0): Promise<Rate> {
  const warmUntil = performance.now() + warmMs;
  do await run(chunk);
  while (performance.now() < warmUntil);
  let n = 0;
  const cpu0 = process.cpuUsage();
  const impl0 = groupCpuSeconds(pgid);
  const t0 = performance.now();
  while (performance.now() - t0 < budgetMs) {
    await run(chunk);
    n += chunk;
  }
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(cpu0);
  return { perSecond: n / wall, implCpu: (groupCpuSeconds(pgid) - impl0) / n, clientCpu: (c.user + c.system) / 1e6 / n };
}

/** Pipelined and one-at-a-time rates of grad requests through an implementation. */
async function throughImpl(command: string, cases: readonly CaseJson[], budgetMs: number): Promise<{ pipelined: Rate; sequential: Rate }> {
  const impl = await ImplClient.start(command, { handshakeTimeoutMs: 120_000 });
  try {
    const pipelined = await measure(budgetMs, 32, async (n) => void (await Promise.all(Array.from({ length: n }, (_, i) => impl.grad(cases[i % cases.length]!)))), impl.pid, 2 * budgetMs);
    const sequential = await measure(budgetMs, 16, async (n) => {
      for (let i = 0; i < n; i++) await impl.grad(cases[i % cases.length]!);
    });
    return { pipelined, sequential };
  } finally {
    await impl.close();
  }
}

/** A stand-in implementation that answers every request with one canned answer (the protocol's own cost). */
function cannedImplementation(dir: string, answer: unknown): string {
  const file = join(dir, 'canned.mjs');
  const handshake = { protocol: 'covcheck-impl/1', name: 'canned', dtype: 'float64', supports: { activations: ['relu'], bias: false, normalize: false, losses: ['simp'], negatives: ['explicit'], distances: false } };
  const body = JSON.stringify(answer).slice(1); // without the opening brace
  writeFileSync(
    file,
    `import { createInterface } from 'node:readline';
process.stdout.write(${JSON.stringify(JSON.stringify(handshake) + '\n')});
const body = ${JSON.stringify(body)};
createInterface({ input: process.stdin }).on('line', (l) => {
  if (l.includes('"op":"bye"')) process.exit(0);
  process.stdout.write('{"id":' + /"id":(\\d+)/.exec(l)[1] + ',' + body + '\\n');
});
`,
  );
  return quoted(process.execPath, file);
}

/** The exact C3 enumeration of a depth-2 binary tree through the protocol, end to end (after the handshake). */
async function c3Enumeration(): Promise<{ seconds: number; requestsPerSecond: number }> {
  const impl = await ImplClient.start(quoted(process.execPath, EXAMPLE), { handshakeTimeoutMs: 120_000 });
  try {
    const t0 = performance.now();
    const e = await expectedGradientThroughImpl(impl, 42);
    const seconds = (performance.now() - t0) / 1000;
    if (!e.measurement.ok) throw new Error(`C3 through the TF.js example failed: ${e.measurement.note}`);
    return { seconds, requestsPerSecond: e.requests / (e.ms / 1000) };
  } finally {
    await impl.close();
  }
}

export async function benchImpl(budgetMs = 2000): Promise<Record<string, number>> {
  const cases = Array.from({ length: 64 }, (_, i) => benchCase(1000 + i));
  const reference = await measure(
    budgetMs,
    64,
    async (n) => {
      for (let i = 0; i < n; i++) evaluateCase(parseCase(cases[i % cases.length]));
    },
    undefined,
    budgetMs,
  );
  const tfjs = await throughImpl(quoted(process.execPath, EXAMPLE), cases, budgetMs);
  const c3 = await c3Enumeration();
  const dir = mkdtempSync(join(tmpdir(), 'covcheck-bench-impl-'));
  try {
    const { connection_grads: _c, ...answer } = evaluateCase(parseCase(cases[0])) as Record<string, unknown>;
    const same = cases.map(() => cases[0]!); // the canned answer fits the first case only
    const canned = await throughImpl(cannedImplementation(dir, answer), same, budgetMs);
    const capacity = (r: Rate) => 1 / Math.max(r.implCpu, r.clientCpu);
    return {
      'float64 reference, in process requests/s': reference.perSecond,
      'TF.js example, pipelined (32 in flight) requests/s': tfjs.pipelined.perSecond,
      'TF.js example, one at a time requests/s': tfjs.sequential.perSecond,
      'TF.js example, CPU per request, implementation ms': tfjs.pipelined.implCpu * 1000,
      'TF.js example, CPU per request, covcheck side ms': tfjs.pipelined.clientCpu * 1000,
      'TF.js example, capacity with a core each requests/s': capacity(tfjs.pipelined),
      'protocol alone (canned answers), pipelined requests/s': canned.pipelined.perSecond,
      'protocol alone, capacity with a core each requests/s': capacity(canned.pipelined),
      'C3 exact enumeration through the protocol (depth 2, binary, TF.js example) s': c3.seconds,
      'C3 enumeration, grad requests (4 096 tuples, pipelined) requests/s': c3.requestsPerSecond,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] !== undefined && resolve(process.argv[2]) === import.meta.filename) {
  const r = await benchImpl();
  const base = r['float64 reference, in process requests/s']!;
  for (const [k, v] of Object.entries(r)) {
    const unit = k.endsWith(' ms') ? 'ms' : k.endsWith(' s') ? 's' : 'requests/s';
    const ratio = unit !== 'requests/s' ? '' : `${(v / base).toFixed(3)}× reference`;
    const target = unit === 's' ? '  (target < 10)' : unit !== 'ms' && k.startsWith('TF.js') ? '  (target ≥ 2000)' : '';
    console.log(`${k.replace(/ (requests\/s|ms|s)$/, '').padEnd(56)} ${(unit === 'requests/s' ? v.toFixed(0) : v.toFixed(3)).padStart(8)} ${unit.padEnd(10)}  ${ratio}${target}`);
  }
}
