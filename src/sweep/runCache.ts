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
  constructor(private readonly train: TrainFn) {}

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

  /** Runs `seeds` one after the other (the engine is single-threaded), reporting progress. */
  async runMany(setting: TrainSetting, seeds: readonly number[], onRun?: (done: number) => void): Promise<TrainRun[]> {
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
