/**
 * Cases an expected-fail property check needs so that it finds its counterexample at every seed
 * (issue 8 §1): from a measured per-case detection rate (hits of `cases` drawn as the runner draws
 * them, scripts/detection-rates.ts), take the one-sided 99.9 % Wilson lower bound p_lo and the
 * smallest n with (1 − p_lo)^n < 1e-6. An expected-fail check stops at its first counterexample,
 * so the extra cases cost time only at a seed that would otherwise have missed.
 */

/** The miss probability per seed the runs are sized for. */
export const MISS_RATE = 1e-6;
const Z = 3.09; // one-sided 99.9 %

/** Wilson lower bound of a binomial rate: hits of cases. */
export function detectionLowerBound(hits: number, cases: number): number {
  const p = hits / cases;
  const z2 = Z * Z;
  return (p + z2 / (2 * cases) - Z * Math.sqrt((p * (1 - p)) / cases + z2 / (4 * cases * cases))) / (1 + z2 / cases);
}

/** Cases for a miss below MISS_RATE given a measured detection rate (hits of cases). */
export function runsToDetect(measured: { hits: number; cases: number }): number {
  const p = detectionLowerBound(measured.hits, measured.cases);
  if (!(p > 0)) throw new Error(`detection rate ${measured.hits}/${measured.cases} has no positive lower bound: generate into the failing region instead`);
  return p >= 1 ? 1 : Math.ceil(Math.log(MISS_RATE) / Math.log(1 - p));
}

/**
 * Measured detection rates of the expected-fail property checks (hits of cases, 40 seeds × the
 * check's CI runs, scripts/detection-rates.ts; 2026-11-30). test/detection.test.ts requires every
 * expected-fail property check to be listed here and to run at least runsToDetect of its rate.
 */
export const DETECTION: Readonly<Record<string, { readonly hits: number; readonly cases: number }>> = {
  'C1/rational/bias': { hits: 2375, cases: 2400 },
  'C1/float64/normalize': { hits: 3532, cases: 6000 },
  'C1/float64/tanh': { hits: 1778, cases: 6000 },
  'C1/float64/tanh-at-or-above-cut': { hits: 4167, cases: 6000 },
  'C1/float64/softplus': { hits: 2237, cases: 6000 },
  'C1/rational/single-node': { hits: 1517, cases: 2400 },
  'C2/rational/layer-form-bias': { hits: 210, cases: 3200 },
  'C3/rational/op-form-bias': { hits: 595, cases: 4000 },
  'C3/float64/op-form-tanh': { hits: 1693, cases: 4000 },
  'C3/float64/op-form-normalize': { hits: 3255, cases: 4000 },
  'C3/rational/node-without-siblings': { hits: 548, cases: 4000 },
  'C4/rational/single-node-norm': { hits: 637, cases: 8000 },
  'C5/rational/quadratic-form-bias': { hits: 191, cases: 1600 },
  'C6/rational/unbalanced': { hits: 2400, cases: 2400 },
  'C7/rational/non-symmetric-weights': { hits: 217, cases: 2400 },
  'C7/rational/closed-form-without-H': { hits: 217, cases: 2400 },
  'C7/rational/unbalanced': { hits: 1011, cases: 1200 },
};

/** The CI runs of an expected-fail check from its measured rate in DETECTION. */
export function detectionRuns(id: string): number {
  const m = DETECTION[id];
  if (!m) throw new Error(`no measured detection rate for expected-fail check ${id} (properties/claims/detectionRuns.ts)`);
  return runsToDetect(m);
}
