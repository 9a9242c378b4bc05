/**
 * JSON that gives back exactly the values it was given, for shard files: a merged run must compute
 * the same verdicts and the same report bytes as the unsharded run, so numbers JSON cannot carry are
 * tagged rather than lost: NaN, ±Infinity and −0 as {"$number": "NaN" | "Infinity" | "-Infinity" |
 * "-0"}, bigint as {"$bigint": "123"}, undefined in an array as {"$undefined": true} (an undefined
 * property is dropped, as JSON does: serialising it again gives the same bytes). Finite numbers
 * round-trip exactly (ECMAScript prints the shortest string that reads back to the same double).
 */

const TAGS = ['$number', '$bigint', '$undefined'] as const;

export function toExactJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    function (this: unknown, _k: string, v: unknown) {
      if (typeof v === 'number') {
        if (Number.isNaN(v)) return { $number: 'NaN' };
        if (v === Number.POSITIVE_INFINITY) return { $number: 'Infinity' };
        if (v === Number.NEGATIVE_INFINITY) return { $number: '-Infinity' };
        if (Object.is(v, -0)) return { $number: '-0' };
        return v;
      }
      if (typeof v === 'bigint') return { $bigint: v.toString() };
      if (v === undefined && Array.isArray(this)) return { $undefined: true };
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        const keys = Object.keys(v);
        if (keys.length === 1 && (TAGS as readonly string[]).includes(keys[0]!)) throw new TypeError(`exact JSON cannot hold an object whose only key is ${keys[0]}`);
      }
      return v;
    },
    indent,
  );
}

export function fromExactJson(text: string): unknown {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length !== 1) return v;
    if (keys[0] === '$number') {
      const s = o.$number;
      if (s === 'NaN') return Number.NaN;
      if (s === 'Infinity') return Number.POSITIVE_INFINITY;
      if (s === '-Infinity') return Number.NEGATIVE_INFINITY;
      if (s === '-0') return -0;
      throw new SyntaxError(`bad $number tag ${JSON.stringify(s)}`);
    }
    if (keys[0] === '$bigint' && typeof o.$bigint === 'string' && /^-?\d+$/.test(o.$bigint)) return BigInt(o.$bigint);
    if (keys[0] === '$undefined') return undefined;
    return v;
  });
}
