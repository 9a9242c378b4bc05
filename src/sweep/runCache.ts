/**
 * The memo of training runs shared by the parts of a statistical claim and the looks of a
 * sequential design (src/stats/sequential.ts): one promise per (setting, seed).
 */
import { settingKey, type TrainFn, type TrainRun, type TrainSetting } from './trainFn.js';

/**
 * Memoises runs by (setting, seed), so that the parts of a claim (separate checks) share their
 * training runs, and a later look of a sequential design reuses the seeds of the earlier ones.
 * Concurrent requests for the same run share one promise.
 */
export class RunCache {
  private readonly runs = new Map<string, Promise<TrainRun>>();
  /**
   * parallel: the train function runs elsewhere (pool workers), so runMany and pairedRuns ask for
   * every run at once; otherwise one after the other (the engine in this thread is single-threaded).
   */
  constructor(
    private readonly train: TrainFn,
    readonly parallel = false,
  ) {}

  run(setting: TrainSetting, seed: number): Promise<TrainRun> {
    const key = `${settingKey(setting)}#${seed}`;
    let p = this.runs.get(key);
    if (!p) {
      p = this.train(setting, seed);
      this.runs.set(key, p);
      p.catch(() => this.runs.delete(key));
    }
    return p;
  }

  /** Runs `seeds` (all at once when parallel, else one after the other), in seed order, reporting progress. */
  async runMany(setting: TrainSetting, seeds: readonly number[], onRun?: (done: number) => void): Promise<TrainRun[]> {
    if (this.parallel) {
      let done = 0;
      return Promise.all(seeds.map((s) => this.run(setting, s).then((r) => (onRun?.(++done), r))));
    }
    const out: TrainRun[] = [];
    for (const s of seeds) {
      out.push(await this.run(setting, s));
      onRun?.(out.length);
    }
    return out;
  }

  get size(): number {
    return this.runs.size;
  }

  clear(): void {
    this.runs.clear();
  }
}
