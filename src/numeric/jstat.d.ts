// Minimal typings for the parts of jStat covcheck uses (jstat ships no types).
declare module 'jstat' {
  interface Dist {
    cdf(x: number, ...params: number[]): number;
    inv(p: number, ...params: number[]): number;
  }
  export const jStat: {
    normal: Dist;
    studentt: Dist;
    binomial: { cdf(k: number, n: number, p: number): number; pdf(k: number, n: number, p: number): number };
    chisquare: Dist;
    noncentralt: Dist;
    centralF: Dist;
  };
}
