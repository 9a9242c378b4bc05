/**
 * impl/C6-weights and impl/C6-balance (src/impl/checks/lossWeights.ts) can fail: a stand-in
 * implementation whose distances answer states β_+ = 2/B for L_simp = mean_b(r_+ − mean_k r_k) (true β_+ = 1/B)
 * fails both; the same stand-in with the true β passes both.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImplClient } from '../src/impl/index.js';
import { lossWeightsThroughDistances } from '../src/impl/checks/lossWeights.js';

function standIn(betaPosFactor: number): string {
  const file = join(mkdtempSync(join(tmpdir(), 'covcheck-c6-')), 'simp.mjs');
  const hs = { protocol: 'covcheck-impl/1', name: 'simp-stand-in', dtype: 'float64', supports: { activations: ['relu'], bias: false, normalize: [], losses: ['simp'], negatives: ['explicit'], distances: true } };
  writeFileSync(
    file,
    `import { createInterface } from 'node:readline';
process.stdout.write(${JSON.stringify(JSON.stringify(hs))} + '\\n');
createInterface({ input: process.stdin }).on('line', (l) => {
  const q = JSON.parse(l);
  if (q.op === 'bye') process.exit(0);
  const B = q.r_pos.length;
  const H = q.r_neg[0].length;
  const loss = q.r_pos.reduce((s, r, b) => s + r - q.r_neg[b].reduce((a, v) => a + v, 0) / H, 0) / B;
  process.stdout.write(JSON.stringify({ id: q.id, loss, beta_pos: q.r_pos.map(() => ${betaPosFactor} / B), beta_neg: q.r_neg.map((row) => row.map(() => -1 / (B * H))) }) + '\\n');
});
`,
  );
  return [process.execPath, file].map((a) => JSON.stringify(a)).join(' ');
}

describe('C6 through distances', () => {
  for (const [factor, ok] of [
    [1, true],
    [2, false],
  ] as const) {
    it(`β_+ = ${factor}/B for L_simp: ${ok ? 'passes' : 'fails'} weights and balance`, async () => {
      const impl = await ImplClient.start(standIn(factor));
      try {
        const m = await lossWeightsThroughDistances(impl, { name: 'simp' }, 7);
        expect(m.weights.ok, m.weights.note).toBe(ok);
        expect(m.balance?.ok, m.balance?.note).toBe(ok);
      } finally {
        await impl.close();
      }
    });
  }
});
