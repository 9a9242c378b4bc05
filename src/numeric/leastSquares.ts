/**
 * The least-squares slope of a line through points, and the log-log slope the asymptotic trends of
 * claims C6 (large-τ limits, error O(1/τ): slope −1) and C7 (‖θ‖/‖OP^ξ w‖ ~ 1/τ, ~ q) are judged by.
 */

/** Slope b of the least-squares line y ≈ a + b·x: Σ(x − x̄)(y − ȳ)/Σ(x − x̄)²; NaN for fewer than 2 points. */
export function leastSquaresSlope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxy / sxx;
}

/** Slope of log y against log x over the points with x, y > 0 (e ~ τ^slope). */
export function logLogSlope(points: readonly (readonly [number, number])[]): number {
  return leastSquaresSlope(points.filter(([x, y]) => x > 0 && y > 0).map(([x, y]) => [Math.log(x), Math.log(y)] as const));
}
