/**
 * The covcheck side of the implementation protocol (docs/impl-protocol.md): one process, JSON
 * Lines both ways, answers matched to requests in order by id.
 *
 *   const impl = await ImplClient.start('python3 adapter.py', { implTimeoutMs: 30_000 });
 *   impl.handshake.dtype;                       // 'float32' | 'float64'
 *   const a = await impl.grad(caseJson);         // {loss, f, grads, grads_bias?}, shapes checked
 *   const d = await impl.distances({loss, r_pos, r_neg});   // {loss, beta_pos, beta_neg}
 *   await impl.close();                          // bye; the process must exit with status 0
 *
 * Requests may be pipelined (several in flight); each has its own timeout, counted from the moment
 * it is the oldest unanswered request. Every fault rejects with an ImplError (an InputError: exit 2)
 * naming the implementation, the request and the fault, with the tail of its standard error; all
 * faults but an `{"error": ...}` answer end the process, and every later request rejects with the
 * same error.
 */
import { startProcess, type ImplProcess } from './childProcess.js';
import { readLines } from './lineReader.js';
import { TextTail } from './stderrTail.js';
import { parseHandshake, type ImplHandshake } from './handshake.js';
import { caseOutsideSupport } from './supports.js';
import type { ImplCase } from './implCase.js';
import { readDistancesAnswer, readGradAnswer, type DistancesAnswer, type DistancesRequest, type GradAnswer } from './answers.js';
import { AnswerFault, ImplError, type ImplFault, type ImplRequestRef } from './implError.js';

export const DEFAULT_IMPL_TIMEOUT_MS = 30_000;

export interface ImplOptions {
  /** Folder the command runs in; default the current one. */
  readonly cwd?: string;
  /** Per-request timeout, ms; default 30 000 (`--impl-timeout`). */
  readonly implTimeoutMs?: number;
  /** Timeout of the handshake (start-up: imports, model loading), ms; default implTimeoutMs. */
  readonly handshakeTimeoutMs?: number;
  /** Environment of the process; default covcheck's. */
  readonly env?: NodeJS.ProcessEnv;
  /** Characters of standard error kept (the tail shown with faults); default 16 384. */
  readonly stderrTailChars?: number;
  /** Longest line accepted on standard output; default 64 Mi characters. */
  readonly maxLineChars?: number;
}

interface Pending {
  readonly ref: ImplRequestRef;
  read(json: unknown): unknown;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

type State = 'handshake' | 'open' | 'closing' | 'closed' | 'failed';

export class ImplClient {
  private state: State = 'handshake';
  /** Set at a fatal fault; resolves once the process is gone and its standard error drained. */
  private failure: Promise<ImplError> | null = null;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private lastId = 0;
  private hs: ImplHandshake | null = null;
  private readonly tail: TextTail;
  private readonly timeoutMs: number;
  private readonly handshakeTimeoutMs: number;

  private constructor(
    private readonly command: string,
    private readonly cwd: string,
    private readonly proc: ImplProcess,
    options: ImplOptions,
  ) {
    this.timeoutMs = options.implTimeoutMs ?? DEFAULT_IMPL_TIMEOUT_MS;
    this.handshakeTimeoutMs = options.handshakeTimeoutMs ?? this.timeoutMs;
    this.tail = new TextTail(options.stderrTailChars ?? 16_384);
    proc.child.stderr.on('data', (chunk: Buffer) => this.tail.push(chunk));
    readLines(proc.child.stdout, options.maxLineChars ?? 64 * 1024 * 1024, {
      line: (text) => this.onLine(text),
      overflow: (chars) => this.fail(this.headRef(), 'line-too-long', `a line of standard output grew past ${chars} characters without a line end`),
      end: () => undefined,
    });
    void proc.closed.then(({ code, signal }) => this.onExit(code, signal));
  }

  /** Starts COMMAND through the shell and waits for its handshake. */
  static async start(command: string, options: ImplOptions = {}): Promise<ImplClient> {
    const cwd = options.cwd ?? process.cwd();
    const client = new ImplClient(command, cwd, startProcess(command, cwd, options.env ?? process.env), options);
    client.hs = await client.enqueue<ImplHandshake>({ op: 'handshake' }, parseHandshake);
    client.state = 'open';
    return client;
  }

  /** The validated handshake. */
  get handshake(): ImplHandshake {
    return this.hs!;
  }

  /** The implementation's name (the command line until the handshake has come). */
  get name(): string {
    return this.hs?.name ?? (this.command.length > 80 ? `${this.command.slice(0, 77)}…` : this.command);
  }

  /** The process id of the shell that runs COMMAND (the leader of its process group). */
  get pid(): number | undefined {
    return this.proc.child.pid;
  }

  /** The last lines of the implementation's standard error. */
  stderrTail(lines = 20): string {
    return this.tail.text(lines);
  }

  /** Loss, outputs and gradients of a grad-mode case inside what the handshake announces. */
  grad(c: ImplCase): Promise<GradAnswer> {
    const why = caseOutsideSupport(this.handshake, c);
    if (why !== null) return Promise.reject(this.error({ op: 'grad', id: this.lastId + 1 }, 'unsupported', `the case is outside what the handshake announces: ${why}`));
    return this.send('grad', { case: c }, (json) => readGradAnswer(c, json));
  }

  /** The loss of given squared distances and β = ∂loss/∂r (needs supports.distances). */
  distances(req: DistancesRequest): Promise<DistancesAnswer> {
    if (!this.handshake.supports.distances) return Promise.reject(this.error({ op: 'distances', id: this.lastId + 1 }, 'unsupported', 'the handshake announces distances: false'));
    // The contract's distances request carries no output width d: official_* (which average over d)
    // are not functions of the distances alone, so covcheck never asks for them (docs/impl-protocol.md §5).
    if (String(req.loss.name).startsWith('official_')) return Promise.reject(this.error({ op: 'distances', id: this.lastId + 1 }, 'unsupported', `loss ${String(req.loss.name)} depends on the output width d, which a distances request does not carry`));
    const body = { loss: req.loss, r_pos: req.r_pos, r_neg: req.r_neg, reduction: req.reduction ?? 'mean' };
    return this.send('distances', body, (json) => readDistancesAnswer(req, json));
  }

  /**
   * Waits for the pending answers, sends bye and waits (one timeout) for the process to exit with
   * status 0; a fault there rejects with an ImplError. After an earlier fault it only makes sure
   * the process is gone.
   */
  async close(): Promise<void> {
    if (this.state !== 'open') {
      this.proc.kill();
      return;
    }
    await Promise.allSettled([...this.inFlight]);
    if (this.state !== 'open') return;
    const ref: ImplRequestRef = { op: 'bye', id: ++this.lastId };
    this.state = 'closing';
    this.proc.child.stdin.end(`${JSON.stringify({ id: ref.id, op: 'bye' })}\n`);
    const exit = await withTimeout(this.proc.closed, this.timeoutMs);
    this.state = 'closed';
    if (exit === null) {
      this.proc.kill();
      throw this.error(ref, 'timeout', `the process did not exit within ${this.timeoutMs} ms after bye (it was killed)`);
    }
    if (exit.code !== 0) throw this.error(ref, 'exited', `the process ${exitText(exit.code, exit.signal)} after bye (expected status 0)`);
  }

  /** Kills the process now (no bye). */
  kill(): void {
    if (this.state === 'open' || this.state === 'handshake') this.state = 'closed';
    this.proc.kill();
  }

  // ---- internals ----

  private send<T>(op: 'grad' | 'distances', body: Record<string, unknown>, read: (json: Record<string, unknown>) => T): Promise<T> {
    if (this.failure) return this.failure.then((e) => Promise.reject(e));
    if (this.state !== 'open') return Promise.reject(this.error({ op, id: this.lastId + 1 }, 'exited', 'the client is closed (bye was sent)'));
    const ref = { op, id: ++this.lastId } as const;
    const promise = this.enqueue(ref, (json) => {
      if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new AnswerFault('shape', `expected a JSON object, got ${JSON.stringify(json).slice(0, 60)}`);
      return read(json as Record<string, unknown>);
    });
    this.proc.child.stdin.write(`${JSON.stringify({ id: ref.id, op, ...body })}\n`);
    return promise;
  }

  private enqueue<T>(ref: ImplRequestRef, read: (json: unknown) => T): Promise<T> {
    const promise = new Promise<T>((resolve, reject) => {
      this.pending.push({ ref, read, resolve: resolve as (v: unknown) => void, reject });
      if (this.pending.length === 1) this.startTimer();
    });
    this.inFlight.add(promise);
    promise.then(
      () => this.inFlight.delete(promise),
      () => this.inFlight.delete(promise),
    );
    return promise;
  }

  private startTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const head = this.pending[0];
    if (!head) return;
    const ms = head.ref.op === 'handshake' ? this.handshakeTimeoutMs : this.timeoutMs;
    this.timer = setTimeout(() => this.fail(head.ref, 'timeout', `no ${head.ref.op === 'handshake' ? 'handshake' : 'answer'} within ${ms} ms (the process was killed)`), ms);
  }

  private headRef(): ImplRequestRef {
    return this.pending[0]?.ref ?? { op: 'none', after: this.lastId };
  }

  private onLine(text: string): void {
    if (this.state === 'failed' || this.state === 'closed' || text.trim() === '') return;
    const head = this.pending[0];
    const ref = this.headRef();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      const shown = JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
      if (/\b(NaN|-?Infinity)\b/.test(text)) return this.fail(ref, 'non-finite', `the line holds NaN or Infinity, which JSON cannot carry: ${shown}`);
      return this.fail(ref, 'not-json', `a line of standard output is not JSON: ${shown} (standard output carries protocol lines only; print diagnostics to standard error)`);
    }
    if (!head) return this.fail(ref, 'wrong-id', `a line came while no request was pending: ${text.slice(0, 120)}`);
    if (head.ref.op !== 'handshake') {
      const o = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
      const expected = (head.ref as { id: number }).id;
      if (o.id === undefined) return this.fail(ref, 'missing-field', `id: missing (expected ${expected})`);
      if (o.id !== expected) return this.fail(ref, 'wrong-id', `the answer carries id ${JSON.stringify(o.id)}, expected ${expected} (answers come in request order)`);
      if (o.error !== undefined) {
        this.pending.shift();
        this.startTimer();
        return head.reject(this.error(ref, 'error-answer', `the implementation answered an error: ${typeof o.error === 'string' ? o.error : JSON.stringify(o.error)}`));
      }
    }
    let value: unknown;
    try {
      value = head.read(json);
    } catch (e) {
      if (e instanceof AnswerFault) return this.fail(ref, e.fault, e.message);
      // A bug of covcheck's, not a fault of the implementation: reported as it is (exit 3).
      this.kill();
      for (const p of this.pending.splice(0)) p.reject(e);
      return;
    }
    this.pending.shift();
    this.startTimer();
    head.resolve(value);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.state === 'failed' || this.state === 'closing' || this.state === 'closed') return;
    const ref = this.headRef();
    const fault: ImplFault = this.state === 'handshake' ? 'no-handshake' : 'exited';
    const what = this.state === 'handshake' ? 'before its handshake' : this.pending.length > 0 ? 'before answering' : 'between requests';
    const spawnError = this.proc.spawnError();
    this.fail(ref, fault, spawnError !== null ? `the command could not be started in ${this.cwd}: ${spawnError}` : `the process ${exitText(code, signal)} ${what}`);
  }

  private error(ref: ImplRequestRef, fault: ImplFault, detail: string): ImplError {
    return new ImplError(this.name, ref, fault, detail, this.tail.text());
  }

  /** A fatal fault: kill the process, let its standard error drain (≤ 0.5 s), reject everything pending. */
  private fail(ref: ImplRequestRef, fault: ImplFault, detail: string): void {
    if (this.state === 'failed') return;
    this.state = 'failed';
    if (this.timer) clearTimeout(this.timer);
    this.proc.kill();
    this.failure = withTimeout(this.proc.closed, 500).then(() => {
      const error = this.error(ref, fault, detail);
      for (const p of this.pending.splice(0)) p.reject(error);
      return error;
    });
  }
}

/** The promise's value, or null after `ms` (the timer is cleared either way). */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  return signal !== null ? `was ended by signal ${signal}` : `exited with status ${code}`;
}
