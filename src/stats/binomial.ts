/**
 * Simultaneous binomial frequency tests with a stated false-failure rate (docs/theory.md §3; claim C9:
 * the HLTM sampler's counters, src/hltm/tupleLaw.ts, against the exact law).
 *
 * Each counter is k successes in n independent trials with claimed probability p. Test: the
 * Chernoff–Hoeffding bound P(|p̂ − p| ≥ |k/n − p|) ≤ 2·exp(−n·KL(k/n ‖ p)) (valid for every n, no
 * normal approximation; p ∈ {0, 1}: a single contrary trial rejects). With m tests and total α
 * (Bonferroni) a test rejects when its bound ≤ α/m, so P(any false rejection) ≤ α.
 * Power: a test is decisive when a true deviation of δ would be seen: t*(n) + 1.5/√n ≤ δ on each
 * side where p ± δ is a probability, t* being the smallest rejected |k/n − p| on that side and
 * 1.5/√n at least three standard deviations.
 * Verdict: 'fail' on any rejection; else 'inconclusive' when some test is not decisive; else 'pass'.
 */
export interface Counter {
  readonly label: string;
  readonly p: number;
  n: number;
  k: number;
}

export interface FrequencyVerdict {
  readonly verdict: 'pass' | 'fail' | 'inconclusive';
  readonly alpha: number;
  readonly alphaEach: number;
  readonly tests: number;
  readonly delta: number;
  /** The rejected counter with the smallest bound (fail), else the counter closest to rejection. */
  readonly worst?: { readonly label: string; readonly k: number; readonly n: number; readonly p: number; readonly logBound: number; readonly z: number };
  readonly undecided: readonly string[];
  /** Largest deviation that some decisive test might miss (max over tests of t* + 1.5/√n). */
  readonly detectable: number;
  readonly message: string;
}

/** KL(a ‖ b) for Bernoulli laws (natural log); +∞ when a puts mass where b has none. */
export function klBernoulli(a: number, b: number): number {
  const term = (x: number, y: number) => (x === 0 ? 0 : y === 0 ? Number.POSITIVE_INFINITY : x * Math.log(x / y));
  return term(a, b) + term(1 - a, 1 - b);
}

/** log of the two-sided Chernoff bound 2·exp(−n·KL(k/n ‖ p)), capped at 0. */
export function logTailBound(k: number, n: number, p: number): number {
  if (n === 0) return 0;
  return Math.min(0, Math.log(2) - n * klBernoulli(k / n, p));
}

/**
 * Smallest deviation t ≥ 0 towards `side` (+1 up, −1 down) that the test rejects at level a with n
 * trials; +∞ if none up to the boundary (0 or 1) is rejected.
 */
export function criticalDeviation(n: number, p: number, a: number, side: 1 | -1): number {
  const room = side > 0 ? 1 - p : p;
  const need = Math.log(2 / a) / n;
  if (n === 0 || room === 0 || klBernoulli(p + side * room, p) < need) return Number.POSITIVE_INFINITY;
  let lo = 0;
  let hi = room;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (klBernoulli(p + side * mid, p) >= need) hi = mid;
    else lo = mid;
  }
  return Math.max(hi, 1 / n);
}

/**
 * The deviation that a test might miss: max over the sides where a deviation of δ is possible
 * (p ± δ within [0, 1]) of t*(side) + 1.5/√n; 0 if there is no such side.
 */
export function missableDeviation(n: number, p: number, a: number, delta: number): number {
  let worst = 0;
  for (const side of [1, -1] as const) {
    if ((side > 0 ? 1 - p : p) < delta) continue;
    worst = Math.max(worst, criticalDeviation(n, p, a, side) + 1.5 / Math.sqrt(Math.max(1, n)));
  }
  return worst;
}

export function decideFrequencies(counters: readonly Counter[], alpha: number, delta: number): FrequencyVerdict {
  const tests = counters.length;
  const alphaEach = alpha / Math.max(1, tests);
  const logA = Math.log(alphaEach);
  let worst: FrequencyVerdict['worst'];
  const undecided: string[] = [];
  let detectable = 0;
  for (const c of counters) {
    const logBound = logTailBound(c.k, c.n, c.p);
    const sd = Math.sqrt((c.p * (1 - c.p)) / Math.max(1, c.n));
    const z = c.n === 0 ? 0 : sd === 0 ? (c.k === c.n * c.p ? 0 : Number.POSITIVE_INFINITY) : (c.k / c.n - c.p) / sd;
    if (!worst || logBound < worst.logBound) worst = { label: c.label, k: c.k, n: c.n, p: c.p, logBound, z };
    const d = missableDeviation(c.n, c.p, alphaEach, delta);
    detectable = Math.max(detectable, d);
    if (!(d <= delta)) undecided.push(c.label);
  }
  const show = (w: NonNullable<typeof worst>) =>
    `${w.label}: ${w.k}/${w.n} = ${(w.k / Math.max(1, w.n)).toFixed(4)}, expected ${w.p.toFixed(4)} (z = ${w.z.toFixed(2)}, Chernoff bound e^${w.logBound.toFixed(1)})`;
  const head = `${tests} binomial tests, α = ${alpha} total (Bonferroni, ${alphaEach.toExponential(2)} each)`;
  if (worst && worst.logBound <= logA) {
    return { verdict: 'fail', alpha, alphaEach, tests, delta, worst, undecided, detectable, message: `${head}: rejected ${show(worst)}` };
  }
  if (undecided.length > 0) {
    const message = `${head}: ${undecided.length} tests cannot detect a deviation of ${delta} with their samples (e.g. ${undecided[0]})`;
    return { verdict: 'inconclusive', alpha, alphaEach, tests, delta, worst, undecided, detectable, message };
  }
  const message = `${head}: none rejected; each detects |p̂ − p| ≥ ${detectable.toFixed(4)}; closest ${worst ? show(worst) : '-'}`;
  return { verdict: 'pass', alpha, alphaEach, tests, delta, worst, undecided, detectable, message };
}
