// Per-case detection rate of every expected-fail property check as the runner draws cases (fast-check's
// bias included): S seeds × R cases each, every case measured; p = hits/cases; the runs a check needs so
// that a miss at any seed is < 1e-6 (independent cases): ceil(ln(1e-6)/ln(1 − p)).
// npx tsx scripts/detection-rates.ts [seeds] [filter]
import * as fc from 'fast-check';
import { CHECKS } from '../properties/registry.js';
const S = Number(process.argv[2] ?? 10);
const filter = process.argv[3] ?? '';
for (const c of CHECKS) {
  if (c.type !== 'property' || c.expect !== 'fail' || !c.id.includes(filter)) continue;
  const t0 = Date.now();
  const R = c.runs.ci;
  let hit = 0;
  let minHits = Infinity;
  for (let seed = 1; seed <= S; seed++) {
    let h = 0;
    fc.check(fc.property(c.arbitrary('ci'), (v) => {
      try { if (!c.measure(v).ok) h++; } catch { h++; }
      return true;
    }), { numRuns: R, seed });
    hit += h;
    minHits = Math.min(minHits, h);
  }
  const p = hit / (S * R);
  const need = p >= 1 ? 1 : p === 0 ? Infinity : Math.ceil(Math.log(1e-6) / Math.log(1 - p));
  console.log(`${c.id}\truns ${R}\tp ${p.toFixed(3)} (${hit}/${S * R})\tfewest hits in a seed ${minHits}\tneed ${need}\t${Date.now() - t0} ms`);
}
