/**
 * Issue 12 item 6: how often the generic C2 float32 TF.js checks catch the shipped float32 sigmoid
 * cancellation. Run through scripts/sigmoid-mutant.sh, which plants `tf.sigmoid` (gradient
 * y·(1 − y), cancels once σ(u) rounds near 1) in src/engines/tfjs/lossOps.ts for the run and
 * restores the file. Prints, per seed 1..N, which checks failed, and the count caught.
 * Usage: node bin/run-ts.js scripts/sigmoid-mutant.ts [N=20]
 */
import { CHECKS } from '../properties/registry.js';
import { runCheck } from '../src/runner/run.js';
import { deriveSeed } from '../src/numeric/random.js';

const N = Number(process.argv[3] ?? 20);
const FIRST = Number(process.argv[4] ?? 1); // argv: node, bin/run-ts.js, this file, N
const ids = ['C2/float32/tfjs-autograd', 'C2/float32/tfjs-level-autograd'];
let caught = 0;
for (let seed = FIRST; seed < FIRST + N; seed++) {
  const failed: string[] = [];
  for (const id of ids) {
    const c = CHECKS.find((x) => x.id === id);
    if (!c) throw new Error(`no check ${id}`);
    const r = await runCheck(c, { seed: deriveSeed(seed, id), baseSeed: seed, scale: 'ci' });
    if (r.verdict === 'fail' && !r.errored) failed.push(`${id}: ${r.message.slice(0, 120)}`);
    else if (r.errored) failed.push(`${id} ERRORED (not a catch): ${r.message.slice(0, 120)}`);
  }
  const hit = failed.some((f) => !f.includes('ERRORED'));
  if (hit) caught++;
  console.log(`seed ${seed}: ${hit ? 'CAUGHT' : 'missed'}${failed.length ? `\n  ${failed.join('\n  ')}` : ''}`);
}
console.log(`caught in ${caught} of ${N} seeds`);
