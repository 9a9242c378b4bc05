/**
 * Quoting for the commands covcheck prints (replay lines in the console, report.md, junit.xml):
 * every printed command must work pasted into bash (issue 8 §3). A word of safe characters stays
 * as it is; any other word is single-quoted, with ' written as '\''; the empty word is ''.
 */

const SAFE = /^[A-Za-z0-9._\/:=+,@%-]+$/;

/** One word for a POSIX shell. */
export function shellQuote(word: string): string {
  if (word === '') return "''";
  return SAFE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command line of words, each quoted. */
export function shellLine(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
