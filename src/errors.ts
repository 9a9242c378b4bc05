/**
 * Bad input, with the path of the offending field ("weights.s0[1][2]", "loss.tau", "--lr").
 * The CLI turns it into a one-line message and exit code 2, and writes no partial output.
 */
export class InputError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    // Names echoed from the input (a JSON key, a plugin name) may hold control characters: escaped
    // (\u001b), so a message cannot move the cursor or recolour a terminal (issue 8 §5).
    super(`${escapeControls(field)}: ${escapeControls(message, true)}`);
    this.name = 'InputError';
    this.field = escapeControls(field);
  }
}

/** Control characters as \uXXXX (a line feed kept when `keepNewline`). */
export function escapeControls(s: string, keepNewline = false): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => (keepNewline && c === '\n' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
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
