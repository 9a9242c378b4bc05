/**
 * The standard normal CDF Φ written independently of erf (the oracle of the GELU tests in
 * test/mutation-network.test.ts and test/mutation-network2.test.ts), with its rounding count.
 */

/** The roundings of phiCdf, its truncation counted as one more (below). */
export const PHI_OPS = 14;

/**
 * Φ(x) by composite Simpson on the density (independent of erf) over [0, min(|x|, 8.5)], the sum
 * compensated (Neumaier), n = 60000. Its roundings: h = X/n, i·h, t·t, exp(−t²/2) (its argument's
 * relative rounding 3ε amplified by t²/2: Σ weighs it by φ, ∫t²φ/2·3ε ≤ ¾ε of the total: one), /√(2π)
 * and √(2π) itself, the compensated sum (≤ 2ε of the one-signed total, Higham ASNA §4.3: two), s + c,
 * ·h, /3, 0.5 ±: 13; its truncation is below one rounding of the total (≥ ½): Simpson's
 * X·h⁴·max|φ⁗|/180 = X⁵·(3/√(2π))/(180·n⁴) ≤ 2.3e-17 (X ≤ 8.5; φ⁗ = (t⁴ − 6t² + 3)φ peaks at t = 0), and
 * the tail beyond 8.5, 1 − Φ(8.5) ≤ φ(8.5)/8.5 ≤ 9.7e-18 (Mills' ratio): PHI_OPS = 14 in all.
 */
export function phiCdf(x: number): number {
  const n = 60000;
  const X = Math.min(Math.abs(x), 8.5);
  const h = X / n;
  const pdf = (t: number) => Math.exp(-t * t / 2) / Math.sqrt(2 * Math.PI);
  let s = 0;
  let c = 0;
  const add = (v: number) => {
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  };
  add(pdf(0));
  add(pdf(X));
  for (let i = 1; i < n; i++) add((i % 2 ? 4 : 2) * pdf(i * h));
  const mid = ((s + c) * h) / 3; // ∫ over [0, X]
  return x >= 0 ? 0.5 + mid : 0.5 - mid;
}
