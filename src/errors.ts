/**
 * Bad input, with the path of the offending field ("weights.s0[1][2]", "loss.tau", "--lr").
 * The CLI turns it into a one-line message and exit code 2, and writes no partial output.
 */
export class InputError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'InputError';
    this.field = field;
  }
}

/** Throws InputError unless x is a finite number. */
export function requireFinite(field: string, x: unknown): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new InputError(field, `expected a finite number, got ${describe(x)}`);
  }
  return x;
}

/** Throws InputError unless x is an integer >= min. */
export function requireInt(field: string, x: unknown, min: number): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min) {
    throw new InputError(field, `expected an integer >= ${min}, got ${describe(x)}`);
  }
  return x;
}

/** Throws InputError unless lo <= x <= hi. */
export function requireInRange(field: string, x: unknown, lo: number, hi: number): number {
  const v = requireFinite(field, x);
  if (v < lo || v > hi) throw new InputError(field, `must be in [${lo}, ${hi}], got ${v}`);
  return v;
}

export function describe(x: unknown): string {
  if (typeof x === 'number') return String(x);
  if (x === null) return 'null';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? x.slice(0, 40) + '…' : x);
  return typeof x;
}
