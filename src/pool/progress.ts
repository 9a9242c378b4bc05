/**
 * One progress value for a whole run, from the progress messages of tasks running in several
 * workers: each task counts as one unit, done = (tasks finished) + Σ (fractions of those running),
 * so a bar over `total` tasks moves the same whether the tasks run in one thread or in many. The
 * finished count is an integer (no rounding creeps in); the running sum has at most --jobs terms.
 */

/** done: tasks finished plus the fractions of those running; total: tasks submitted; key/label: the latest news. */
export type PoolProgress = (done: number, total: number, key: string, label?: string) => void;

export class ProgressAggregator {
  private readonly running = new Map<string, number>();
  private readonly finished = new Set<string>();

  constructor(private readonly onProgress?: PoolProgress) {}

  /** A task is submitted (total grows by one). */
  add(key: string): void {
    if (!this.finished.has(key) && !this.running.has(key)) this.running.set(key, 0);
  }

  /** A task reports a fraction; fractions never go back; news of a finished or unknown task is dropped. */
  update(key: string, fraction: number, label?: string): void {
    const before = this.running.get(key);
    if (before === undefined) return;
    const f = Math.min(1, Math.max(before, fraction));
    if (f === before) return;
    this.running.set(key, f);
    this.onProgress?.(this.value, this.total, key, label);
  }

  /** A task ended (returned or failed): it counts as one whole unit. */
  finish(key: string): void {
    this.running.delete(key);
    this.finished.add(key);
    this.onProgress?.(this.value, this.total, key);
  }

  get total(): number {
    return this.running.size + this.finished.size;
  }

  get value(): number {
    let s = this.finished.size;
    for (const f of this.running.values()) s += f;
    return s;
  }
}
