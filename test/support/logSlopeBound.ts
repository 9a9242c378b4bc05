/**
 * For expectWithin (test/support/within.ts): the rounding bound of logLogSlope
 * (src/numeric/leastSquares.ts) on points with x, y > 0 (u = ln x, v = ln y, s the slope), to first
 * order: each logarithm rounds by ε·|ln| (and y itself by ε relative, ε absolute in ln y), moving s by
 * Σ|u − ū|·|δv|/Σ(u − ū)² and 2|s|·Σ|u − ū|·|δu|/Σ(u − ū)², and the sums round relative to |s|:
 * scale = |s| + Σ|u − ū|·(1 + max|v| + 2|s|·max|u|)/Σ(u − ū)²; n = 2 logs, n adds for each mean, 3 per
 * centred product and square, the quotient: 2·points + 6.
 */
export function logSlopeBound(pts: readonly (readonly [number, number])[]): { ops: number; scale: number } {
  const u = pts.map(([x]) => Math.log(x));
  const v = pts.map(([, y]) => Math.log(y));
  const mean = (a: number[]) => a.reduce((t, x) => t + x, 0) / a.length;
  const [ub, vb] = [mean(u), mean(v)];
  const suu = u.reduce((t, x) => t + (x - ub) ** 2, 0);
  const dev = u.reduce((t, x) => t + Math.abs(x - ub), 0);
  const slope = Math.abs(u.reduce((t, x, i) => t + (x - ub) * (v[i]! - vb), 0) / suu);
  const top = (a: number[]) => Math.max(...a.map(Math.abs));
  return { ops: 2 * pts.length + 6, scale: slope + (dev * (1 + top(v) + 2 * slope * top(u))) / suu };
}
