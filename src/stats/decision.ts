/**
 * The three outcomes of a statistical decision (docs/theory.md §3): `pass` and `fail` each at a
 * stated error rate α, `inconclusive` when the data cannot decide (never `pass`).
 */
export type Decision = 'pass' | 'fail' | 'inconclusive';

/** Combines the decisions of parts that must all hold: any fail → fail; all pass → pass; else inconclusive. */
export function combineAll(decisions: readonly Decision[]): Decision {
  if (decisions.includes('fail')) return 'fail';
  if (decisions.length > 0 && decisions.every((d) => d === 'pass')) return 'pass';
  return 'inconclusive';
}

/** Throws a RangeError unless 0 < α < 0.5. */
export function checkAlpha(alpha: number): void {
  if (!(alpha > 0 && alpha < 0.5)) throw new RangeError(`alpha must be in (0, 0.5), got ${alpha}`);
}
