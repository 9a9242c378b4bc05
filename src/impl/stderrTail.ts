/**
 * A bounded tail of a stream's text (the implementation's standard error): only the last
 * `maxChars` characters are kept, so a chatty or runaway implementation cannot exhaust memory.
 * `text(lines)` gives the last `lines` lines of what is kept, for error messages.
 */
import { StringDecoder } from 'node:string_decoder';

export class TextTail {
  private kept = '';
  private dropped = false;
  private readonly decoder = new StringDecoder('utf8');
  constructor(private readonly maxChars: number) {}

  push(chunk: Buffer | string): void {
    this.kept += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (this.kept.length > this.maxChars) {
      this.kept = this.kept.slice(this.kept.length - this.maxChars);
      this.dropped = true;
    }
  }

  /** The last `lines` lines (trailing blank lines removed), marked when older text was dropped. */
  text(lines = 20): string {
    const all = this.kept.replace(/\s+$/, '').split('\n');
    const shown = all.slice(-lines);
    const cut = this.dropped || all.length > shown.length;
    return (cut && shown.length > 0 ? '…\n' : '') + shown.join('\n');
  }
}
