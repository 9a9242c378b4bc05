import { Rng } from '../src/numeric/random.js';
import { completeTree } from '../src/hltm/tree.js';
import { parseAugmentation } from '../src/hltm/augmentation.js';
import { allocBatch, sampleBatch } from '../src/hltm/batch.js';
import { sampleBatchBitsliced } from '../src/hltm/bitslicedBatch.js';
const cpu = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
for (const [depth, B] of [[5, 128], [10, 1024]] as const) for (const a of ['root', 'level(2)+flip(0.05)', 'none-shared']) {
  const tree = completeTree(depth, 2, (name) => (name.length % 2 === 0 ? 0.8 : -0.9));
  const aug = parseAugmentation(a);
  const time = (f: () => void) => { let best = Infinity; for (let r = 0; r < 3; r++) { const t = cpu(); let n = 0; while (cpu() - t < 300) { f(); n++; } best = Math.min(best, (cpu() - t) / n); } return best; };
  const ob = allocBatch(tree, 1, B);
  const rr = new Rng(1);
  const tOld = time(() => sampleBatch(tree, aug, 1, B, rr, ob));
  const tNew = time(() => sampleBatchBitsliced(tree, aug, 1, B, rr, ob));
  console.log(`depth ${depth} B ${B} ${a.padEnd(20)} sequential ${Math.round(B * 1000 / tOld)} bitsliced ${Math.round(B * 1000 / tNew)} triples/s (cpu time) ×${(tOld / tNew).toFixed(2)}`);
}
