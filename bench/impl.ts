/**
 * Issue 9's protocol throughput: grad requests/s through the implementation protocol with the
 * TF.js example (examples/impl-tfjs/impl.js), on depth-3 binary cases (hid 4, B 8, H 1, relu,
 * simp, like bench/core.ts's C2 case). Target ≥ 2 000/s. Measured two ways:
 *  - pipelined: a window of requests in flight (answers still come in order), what the checks use;
 *  - one at a time: each request waits for the previous answer (the round-trip latency).
 * Baseline in the same run: the in-process float64 reference (parseCase + evaluateCase) on the same
 * cases, so the ratio says what the protocol and the float32 autograd cost relative to covcheck's
 * own evaluation. Run alone: `node bin/run-ts.js bench/impl.ts`; bench/main.ts may import benchImpl.
 */
import { join, resolve } from 'node:path';
import { Rng } from '../src/numeric/random.js';
import { blockShapes, type CaseJson } from '../src/hunt/caseJson.js';
import { parseCase } from '../src/case/parseCase.js';
import { evaluateCase } from '../src/case/evaluateCase.js';
import { ImplClient } from '../src/impl/index.js';

const EXAMPLE = join(import.meta.dirname, '..', 'examples', 'impl-tfjs', 'impl.js');

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

async function rate(budgetMs: number, run: (n: number) => Promise<void>, chunk: number): Promise<number> {
  await run(chunk); // warm-up
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < budgetMs) {
    await run(chunk);
    n += chunk;
  }
  return (n * 1000) / (performance.now() - t0);
}

export async function benchImpl(budgetMs = 2000): Promise<Record<string, number>> {
  const cases = Array.from({ length: 64 }, (_, i) => benchCase(1000 + i));
  const reference = await rate(budgetMs, async (n) => {
    for (let i = 0; i < n; i++) evaluateCase(parseCase(cases[i % cases.length]));
  }, 64);
  const impl = await ImplClient.start(`"${process.execPath}" "${EXAMPLE}"`);
  try {
    const window = 32;
    const pipelined = await rate(budgetMs, async (n) => {
      await Promise.all(Array.from({ length: n }, (_, i) => impl.grad(cases[i % cases.length]!)));
    }, window);
    const sequential = await rate(budgetMs, async (n) => {
      for (let i = 0; i < n; i++) await impl.grad(cases[i % cases.length]!);
    }, 16);
    return {
      'float64 reference (in process) requests/s': reference,
      'TF.js example, pipelined (32 in flight) requests/s': pipelined,
      'TF.js example, one at a time requests/s': sequential,
    };
  } finally {
    await impl.close();
  }
}

if (process.argv[2] !== undefined && resolve(process.argv[2]) === import.meta.filename) {
  const r = await benchImpl();
  const base = r['float64 reference (in process) requests/s']!;
  for (const [k, v] of Object.entries(r)) {
    const target = k.startsWith('TF.js') ? '  target ≥ 2000' : '';
    console.log(`${k.replace(/ requests\/s$/, '').padEnd(52)} ${v.toFixed(0).padStart(8)} requests/s  ${(v / base).toFixed(3)}× reference${target}`);
  }
}
