/**
 * Writes a parsed case back in the case format (docs/case-format.md) by the field table of
 * ./schema.ts: every field that is not at its default, in the table's order. parseCase(writeCase(c))
 * gives c's numbers again (test/hunt.test.ts checks the round trip on generated cases).
 */
import { CASE_FIELDS, type CaseJson, type ParsedCase } from './schema.js';

export function writeCase(c: ParsedCase): CaseJson {
  const out: Record<string, unknown> = {};
  for (const f of CASE_FIELDS) {
    const v = f.write(c);
    if (v !== undefined) out[f.name] = v;
  }
  return out as unknown as CaseJson;
}
