/**
 * JSON text of a case as covcheck reads it (docs/case-format.md, "Limits"): a UTF-8 byte-order mark
 * is skipped, the text is at most MAX_CASE_BYTES, and a key given twice in one object is an error
 * naming it (JSON.parse would keep the last silently). The duplicate scan walks the text once with
 * an explicit stack (no recursion: deep nesting cannot overflow it).
 */
import { InputError } from '../errors.js';

import { CASE_LIMITS } from './limits.js';

/** The largest case text eval reads (bytes). */
export const MAX_CASE_BYTES = CASE_LIMITS.bytes;

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses JSON text with the limits above; InputError naming `source` or the duplicated key's path. */
export function parseJsonText(text: string, source: string): unknown {
  const t = stripBom(text);
  if (t.length > MAX_CASE_BYTES) throw new InputError(source, `larger than the limit of ${MAX_CASE_BYTES} bytes (docs/case-format.md, Limits)`);
  let json: unknown;
  try {
    json = JSON.parse(t);
  } catch (e) {
    throw new InputError(source, `malformed JSON: ${(e as Error).message}`);
  }
  const dup = duplicateKey(t);
  if (dup !== null) throw new InputError(dup, 'key given twice in the same object');
  return json;
}

/** The path ("batch.x") of the first key repeated in one object of valid JSON text, or null. */
export function duplicateKey(text: string): string | null {
  // One frame per open object/array: the keys seen (objects) or the index (arrays), and the path.
  type Frame = { keys: Set<string> | null; path: string; index: number; key: string | null };
  const stack: Frame[] = [];
  const child = (f: Frame | undefined) => (f === undefined ? '' : f.keys ? (f.path ? `${f.path}.${f.key}` : f.key!) : `${f.path}[${f.index}]`);
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top?.keys) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return top.path ? `${top.path}.${key}` : key;
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      i = j;
    } else if (ch === '{' || ch === '[') {
      const path = child(stack[stack.length - 1]);
      stack.push({ keys: ch === '{' ? new Set() : null, path, index: 0, key: null });
      expectKey = ch === '{';
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',') {
      const top = stack[stack.length - 1];
      if (top?.keys) expectKey = true;
      else if (top) top.index++;
    }
  }
  return null;
}
