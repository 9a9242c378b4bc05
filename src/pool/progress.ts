/**
 * One progress value for a whole run, from the progress messages of tasks running in several
 * workers: each task counts as one unit, done = Σ (fraction of each task), so a bar over `total`
 * tasks moves the same whether the tasks run in one thread or in many.
 */

/** done: tasks finished plus the fractions of those running; total: tasks submitted; key/label: the latest news. */
export type PoolProgress = (done: number, total: number, key: string, label?: string) => void;

export class ProgressAggregator {
  private readonly fractions = new Map<string, number>();
  private done = 0;

  constructor(private readonly onProgress?: PoolProgress) {}

  /** A task is submitted (total grows by one). */
  add(key: string): void {
    if (!this.fractions.has(key)) this.fractions.set(key, 0);
  }

  /** A task reports a fraction; fractions never go back. */
  update(key: string, fraction: number, label?: string): void {
    const before = this.fractions.get(key);
    if (before === undefined || before >= 1) return; // unknown, or finished (a late message)
    const f = Math.min(1, Math.max(before, fraction));
    if (f === before) return;
    this.fractions.set(key, f);
    this.done += f - before;
    this.onProgress?.(this.done, this.fractions.size, key, label);
  }

  /** A task ended (returned or failed): it counts as one whole unit. */
  finish(key: string): void {
    const before = this.fractions.get(key) ?? 0;
    this.fractions.set(key, 1);
    this.done += 1 - before;
    this.onProgress?.(this.done, this.fractions.size, key);
  }

  get total(): number {
    return this.fractions.size;
  }

  get value(): number {
    return this.done;
  }
}
