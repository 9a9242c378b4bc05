/**
 * Runs checks (PAT: a regular expression on the id) as `verify --seed S` runs them, for S = 1..NSEEDS
 * (default 10), and prints each check's verdict counts and any unexpected verdict (issue 12: no false
 * reds after a generator or tolerance change). Usage: PAT='^C6/float64' NSEEDS=10 node bin/run-ts.js scripts/seed-sweep.ts
 */
import { CHECKS } from '../properties/registry.js';
import { runCheck } from '../src/runner/run.js';
import { deriveSeed } from '../src/numeric/random.js';
const pat = new RegExp(process.env.PAT ?? 'C6/float64|C2/float64/(finite|connection|batch)');
const seeds = Number(process.env.NSEEDS ?? 10);
for (const c of CHECKS) {
  if (!pat.test(c.id)) continue;
  const verdicts: Record<string, number> = {};
  const msgs: string[] = [];
  for (let s = 1; s <= seeds; s++) {
    const r = await runCheck(c, { seed: deriveSeed(s, c.id), scale: 'ci' });
    verdicts[r.verdict] = (verdicts[r.verdict] ?? 0) + 1;
    if (r.verdict !== 'pass' && r.verdict !== 'expected-fail' && r.verdict !== 'known-fail') msgs.push(`seed ${s}: ${r.message.slice(0, 300)}`);
  }
  console.log(c.id, JSON.stringify(verdicts), msgs.join('\n  '));
}
