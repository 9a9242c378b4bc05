/**
 * ImplError: a fault of an implementation under test (`--impl`, docs/impl-protocol.md §3).
 *
 * It is an InputError (the CLI prints it and exits 2, with no partial output): the run cannot go on
 * when the implementation misbehaves, and nothing it printed counts towards a verdict. The message
 * names the implementation (its handshake name, else its command), the request (`handshake`, or the
 * op and id: `grad #3`), the fault, and ends with the tail of the implementation's standard error.
 */
import { InputError } from '../errors.js';

/** The kinds of fault (docs/impl-protocol.md §3), one per way an implementation can break the protocol. */
export type ImplFault =
  /** The process exited (or closed its output) before its first line. */
  | 'no-handshake'
  /** The first line is JSON but not a valid handshake (the field is named). */
  | 'bad-handshake'
  /** A line of standard output is not JSON. */
  | 'not-json'
  /** A line is longer than the line limit (memory guard). */
  | 'line-too-long'
  /** An answer carries another id than the request at the head of the queue, or comes unasked. */
  | 'wrong-id'
  /** An answer lacks a field the request asks for. */
  | 'missing-field'
  /** A number is NaN, ±Infinity or null (JSON.stringify writes NaN as null; Python's json writes NaN). */
  | 'non-finite'
  /** A field has the wrong type or shape for the case (the field and the expected shape are named). */
  | 'shape'
  /** No answer within the per-request timeout (the process is killed). */
  | 'timeout'
  /** The process exited before answering every request (or with a status other than 0 after bye). */
  | 'exited'
  /** The implementation answered {"id": N, "error": "why"}. */
  | 'error-answer'
  /** covcheck asked for something the handshake does not announce (a case outside `supports`). */
  | 'unsupported';

/**
 * The request a fault belongs to: the handshake, an op with its id, or none (a line nobody asked
 * for, or an exit between requests; `after` is the last request's id, 0 for none).
 */
export type ImplRequestRef =
  | { readonly op: 'handshake' }
  | { readonly op: 'none'; readonly after: number }
  | { readonly op: 'grad' | 'distances' | 'bye'; readonly id: number };

export function describeRequest(r: ImplRequestRef): string {
  if (r.op === 'handshake') return 'the handshake';
  if (r.op === 'none') return r.after > 0 ? `no request pending (after request #${r.after})` : 'no request pending';
  return `request ${r.op} #${r.id}`;
}

export class ImplError extends InputError {
  /** The handshake's name, or the command line before the handshake. */
  readonly implementation: string;
  readonly request: ImplRequestRef;
  readonly fault: ImplFault;
  readonly detail: string;
  readonly stderrTail: string;
  constructor(implementation: string, request: ImplRequestRef, fault: ImplFault, detail: string, stderrTail: string) {
    const tail = stderrTail.length > 0 ? `\n--- last lines of its standard error ---\n${stderrTail}\n---` : '\n(its standard error was empty)';
    super('--impl', `implementation ${JSON.stringify(implementation)}, ${describeRequest(request)}: ${fault}: ${detail}${tail}`);
    this.name = 'ImplError';
    this.implementation = implementation;
    this.request = request;
    this.fault = fault;
    this.detail = detail;
    this.stderrTail = stderrTail;
  }
}

/**
 * A fault found while reading one answer, before the client knows which implementation and request
 * it belongs to (answer validation throws it; the client turns it into an ImplError).
 */
export class AnswerFault extends Error {
  readonly fault: ImplFault;
  constructor(fault: ImplFault, detail: string) {
    super(detail);
    this.name = 'AnswerFault';
    this.fault = fault;
  }
}
