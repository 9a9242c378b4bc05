/**
 * Issue 12 item 6: how often the generic C2 float32 TF.js checks catch the shipped float32 sigmoid
 * cancellation. Run through scripts/sigmoid-mutant.sh, which plants `tf.sigmoid` (gradient
 * y·(1 − y), cancels once σ(u) rounds near 1) in src/engines/tfjs/lossOps.ts for the run and
 * restores the file. Prints, per seed 1..N, which checks failed, and the count caught.
 * Each check runs exactly as `covcheck verify --seed S` runs it (its own arbitrary, deriveSeed(S, id),
 * its CI number of cases) but stops at the first failing case (no shrinking: only whether it is
 * caught matters); a case whose predicate throws is counted as an error, never as a catch.
 * Usage: node bin/run-ts.js scripts/sigmoid-mutant.ts [N=20] [first seed=1]
 * Measured (seeds 1..20): planted 20/20 caught (17/20 before the engine cases saturated σ by
 * construction, properties/claims/C2/engines/cases.ts); PLANT=0: 0/20 false reds; IDS=
 * C2/float32/f32-kernels,C2/float32/tfjs-forward without the plant: 0/20.
 */
import * as fc from 'fast-check';
import { CHECKS } from '../properties/registry.js';
import type { PropertyCheck } from '../src/runner/check.js';
import { deriveSeed } from '../src/numeric/random.js';

const N = Number(process.argv[3] ?? 20);
const FIRST = Number(process.argv[4] ?? 1); // argv: node, bin/run-ts.js, this file, N
// IDS=id1,id2 checks others (e.g. that C2/float32/f32-kernels stays green on the same cases).
const ids = process.env.IDS ? process.env.IDS.split(',') : ['C2/float32/tfjs-autograd', 'C2/float32/tfjs-level-autograd'];
let caught = 0;
for (let seed = FIRST; seed < FIRST + N; seed++) {
  const failed: string[] = [];
  for (const id of ids) {
    const c = CHECKS.find((x) => x.id === id) as PropertyCheck<unknown> | undefined;
    if (!c) throw new Error(`no check ${id}`);
    let errors = 0;
    const property = fc.property(c.arbitrary('ci'), (v) => {
      try {
        return c.measure(v).ok;
      } catch {
        errors++;
        return true;
      }
    });
    const d = fc.check(property, { seed: deriveSeed(seed, id), numRuns: c.runs.ci, endOnFailure: true });
    if (d.failed) failed.push(`${id}: caught at case ${d.numRuns}`);
    if (errors > 0) failed.push(`${id} ERRORED in ${errors} cases (not a catch)`);
  }
  const hit = failed.some((f) => !f.includes('ERRORED'));
  if (hit) caught++;
  console.log(`seed ${seed}: ${hit ? 'CAUGHT' : 'missed'}${failed.length ? `\n  ${failed.join('\n  ')}` : ''}`);
}
console.log(`caught in ${caught} of ${N} seeds`);
