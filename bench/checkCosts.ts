/**
 * Measures the cost table of properties/checkCosts.ts: the CPU milliseconds of every check of the
 * registry at CI scale, seed 42, run one after the other in one thread (as `verify --jobs 1` runs
 * them; the training claims train here too). `verify --jobs N` starts the costlier checks first
 * (src/pool/runChecks.ts); only the order of the costs matters, so regenerate the table when a
 * check gets much slower or faster, or when checks are added:
 *   node bin/run-ts.js bench/checkCosts.ts > properties/checkCosts.ts
 */
import { CHECKS } from '../properties/registry.js';
import { runCheck } from '../src/runner/run.js';
import { taskSeed } from '../src/pool/taskSeed.js';
import { loadBackend } from '../src/engines/backend.js';

const costs: [string, number][] = [];
for (const c of CHECKS) {
  if (c.arithmetic === 'float32') await loadBackend('wasm');
  const c0 = process.cpuUsage();
  await runCheck(c, { scale: 'ci', seed: taskSeed(42, c.id), baseSeed: 42 });
  const u = process.cpuUsage(c0);
  costs.push([c.id, Math.max(1, Math.round((u.user + u.system) / 1000))]);
}
const lines = costs.map(([id, ms]) => `  '${id}': ${ms},`);
process.stdout.write(`/**
 * The estimated cost of each check of the registry: CPU milliseconds at CI scale, seed 42, measured
 * one after the other in one thread by bench/checkCosts.ts (which writes this file). \`verify
 * --jobs N\` starts the costlier checks first (src/pool/runChecks.ts), so that the run does not end
 * on one long check alone; the costs change the wall time only, never a result. A check missing here
 * gets DEFAULT_CHECK_COST.
 */
export const CHECK_COSTS: Readonly<Record<string, number>> = {
${lines.join('\n')}
};
`);
