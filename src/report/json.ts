/**
 * JSON for report files: deterministic (no timestamps, insertion order kept), two-space indent,
 * trailing newline. Values JSON cannot carry are written as strings: bigint → "123",
 * NaN/±Infinity → "NaN"/"Infinity"/"-Infinity" (plain JSON.stringify would write null).
 */

/** Serialises a report value; throws on cycles like JSON.stringify. */
export function reportJson(value: unknown): string {
  return JSON.stringify(value, replacer, 2) + '\n';
}

/** Like reportJson but on one line, without a trailing newline. */
export function compactJson(value: unknown): string {
  return JSON.stringify(value, replacer) ?? 'undefined';
}

/**
 * A JSON-able copy of an arbitrary value (counterexamples can hold bigints, class instances,
 * cycles): the value after a round trip through reportJson, or its String() if it has none.
 */
export function jsonSafe(value: unknown): unknown {
  try {
    const s = JSON.stringify(value, replacer);
    return s === undefined ? null : (JSON.parse(s) as unknown);
  } catch {
    return String(value);
  }
}

function replacer(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}

/**
 * Indented JSON for people: objects one key per line, arrays of numbers/strings (and short arrays
 * of such arrays) on one line. Same value as reportJson; no trailing newline.
 */
export function prettyJson(value: unknown, width = 100): string {
  const plain = JSON.parse(JSON.stringify(value, replacer) ?? 'null') as unknown;
  return pretty(plain, '', width);
}

function pretty(v: unknown, indent: string, width: number): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const inner = indent + '  ';
  const oneLine = flat(v);
  if (isShallow(v) && indent.length + oneLine.length <= width) return oneLine;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    if (v.every(isPrimitive)) return oneLine;
    return `[\n${v.map((e) => inner + pretty(e, inner, width)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, e]) => `${inner}${JSON.stringify(k)}: ${pretty(e, inner, width)}`).join(',\n')}\n${indent}}`;
}

const isPrimitive = (x: unknown) => x === null || typeof x !== 'object';

/** Primitives, or containers of primitives, or arrays of arrays of primitives. */
function isShallow(v: object): boolean {
  const items = Array.isArray(v) ? v : Object.values(v);
  return items.every((e) => isPrimitive(e) || (Array.isArray(e) && e.every(isPrimitive)));
}

/** One-line JSON with a space after commas and colons. */
function flat(v: unknown): string {
  if (isPrimitive(v)) return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(flat).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>).map(([k, e]) => `${JSON.stringify(k)}: ${flat(e)}`).join(', ')}}`;
}
