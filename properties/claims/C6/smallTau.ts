/**
 * C6 at small τ for a loss under test: for τ down to 1e-3 the value and weights are finite and
 * balanced, in float64 and in float32 (the float32 tolerance from the table).
 */
import { F64 } from '../../../src/numeric/arith.js';
import { tolerance } from '../../../src/numeric/tolerance.js';
import type { Measurement, PropertyCheck } from '../../../src/runner/check.js';
import { fmt } from '../../../src/runner/run.js';
import type { Params } from '../../../src/losses/plugin/index.js';
import { F32 } from '../../../src/losses/dual.js';
import { idSuffix, NOT_APPLICABLE, pipelineLoss, type LossUnderTest } from '../../lossUnderTest.js';
import { arbSmallTau, type SmallTauCase } from './generators.js';
import { record } from './record.js';

function measureSmallTau(u: LossUnderTest, c: SmallTauCase): Measurement {
  const base: Params = { ...u.family.params, tau: c.tau };
  if (u.family.params.r0 !== undefined) Object.assign(base, { r0: u.family.params.r0 });
  const loss = pipelineLoss(u, base);
  if (!loss) return NOT_APPLICABLE;
  const batch64 = { rPos: [c.rPos], rNeg: [c.rNeg], dim: 2, reduction: 'mean' as const };
  const batch32 = { rPos: [Math.fround(c.rPos)], rNeg: [c.rNeg.map(Math.fround)], dim: 2, reduction: 'mean' as const };
  let worst: Measurement = { ok: true, error: 0, tolerance: 0 };
  let worstRatio = -1;
  for (const [A, name, batch] of [[F64, 'float64', batch64], [F32, 'float32', batch32]] as const) {
    let v;
    try {
      v = loss.evaluate(A, batch);
    } catch (e) {
      return { ok: false, error: Number.NaN, tolerance: 0, note: `${name}: ${e instanceof Error ? e.message : String(e)}` };
    }
    const all = [v.value, ...v.betaPos, ...v.betaNeg.flat()];
    if (!all.every(Number.isFinite)) {
      return { ok: false, error: Number.NaN, tolerance: 0, note: `${name}: non-finite value or weight at τ = ${c.tau}: L = ${v.value}, β = [${[...v.betaPos, ...v.betaNeg.flat()].join(', ')}]` };
    }
    const betas = [v.betaPos[0]!, ...v.betaNeg[0]!];
    const err = Math.abs(betas.reduce((p, q) => p + q, 0));
    const t = tolerance(name, 'identity', 4 * (betas.length + 1), 1 + betas.reduce((p, q) => p + Math.abs(q), 0));
    if (err / t.tol > worstRatio) {
      worstRatio = err / t.tol;
      worst = { ok: err <= t.tol, error: err, tolerance: t.tol, derivation: `${name} balance at small τ: ${t.derivation}`, note: `${name}: β = [${betas.map(fmt).join(', ')}]` };
    }
  }
  return worst;
}

/** C6 small τ: finite, balanced values and weights for τ down to 1e-3 in float64 and float32. */
export function smallTauCheck(u: LossUnderTest, o: { id?: string; runs?: number } = {}): PropertyCheck<SmallTauCase> {
  return {
    type: 'property',
    id: o.id ?? `C6/float32/small-tau${idSuffix(u)}`,
    claim: 'C6',
    title: record.title,
    variant: `${u.family.label}: τ ∈ [1e-3, 1], finite and balanced in float64 and float32`,
    expect: 'hold',
    arithmetic: 'float32',
    runs: { ci: o.runs ?? 60, full: (o.runs ?? 60) * 10 },
    arbitrary: () => arbSmallTau(u),
    measure: (c) => measureSmallTau(u, c),
    describe: (c) => c,
  };
}
