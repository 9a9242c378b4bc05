/**
 * JSON Lines transport, reading side: splits a byte stream into `\n`-terminated UTF-8 lines
 * (a trailing `\r` is dropped). A line longer than `maxChars` is refused (memory guard) instead of
 * being buffered without bound. Text after the last `\n` when the stream ends is a last line.
 */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

export interface LineHandlers {
  line(text: string): void;
  /** A line grew past the limit; nothing more is read. */
  overflow(chars: number): void;
  /** The stream ended (after the last line). */
  end(): void;
}

export function readLines(stream: Readable, maxChars: number, on: LineHandlers): void {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let stopped = false;
  const emit = (text: string) => on.line(text.endsWith('\r') ? text.slice(0, -1) : text);
  stream.on('data', (chunk: Buffer) => {
    if (stopped) return;
    partial += decoder.write(chunk);
    let nl = partial.indexOf('\n');
    while (nl >= 0 && !stopped) {
      const text = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      emit(text);
      nl = partial.indexOf('\n');
    }
    if (!stopped && partial.length > maxChars) {
      stopped = true;
      on.overflow(partial.length);
    }
  });
  stream.on('end', () => {
    if (stopped) return;
    partial += decoder.end();
    if (partial.length > 0) emit(partial);
    on.end();
  });
}
