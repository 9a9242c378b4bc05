/**
 * Reading the JSON values of a case (docs/case-format.md): objects, number vectors and matrices of a
 * given shape, every problem an InputError naming the field path ("weights.s0[1]", "batch.x_neg[2][0]").
 */
import { InputError, describe, requireFinite } from '../errors.js';

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A matrix [rows][cols] of finite numbers (rows undefined: any number ≥ 1). */
export function numberMatrix(field: string, v: unknown, rows: number | undefined, cols: number): number[][] {
  if (!Array.isArray(v)) throw new InputError(field, `expected a matrix (array of rows), got ${describe(v)}`);
  if (rows !== undefined && v.length !== rows) throw new InputError(field, `expected ${rows} rows, got ${v.length}`);
  if (v.length === 0) throw new InputError(field, 'expected at least one row (a width of 0 is not allowed)');
  return v.map((row, i) => numberVector(`${field}[${i}]`, row, cols));
}

/** A vector of `len` finite numbers. */
export function numberVector(field: string, v: unknown, len: number): number[] {
  if (!Array.isArray(v)) throw new InputError(field, `expected an array of ${len} numbers, got ${describe(v)}`);
  if (v.length !== len) throw new InputError(field, `expected ${len} entries, got ${v.length}`);
  return v.map((x, j) => requireFinite(`${field}[${j}]`, x));
}

/** A flat row-major vector as `rows` rows of `cols`. */
export function reshape<V>(flat: readonly V[], rows: number, cols: number): V[][] {
  return Array.from({ length: rows }, (_, i) => flat.slice(i * cols, (i + 1) * cols));
}
