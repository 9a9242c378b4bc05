/**
 * A progress bar on stderr, drawn only where it helps: stderr is a terminal, env CI is unset and
 * the user did not pass --no-progress (see progressAllowed in main.ts). Otherwise every call is a no-op.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** value: checks done so far (fractional within a check); label: what runs now. */
  update(value: number, label: string): void;
  /** Removes the bar. Call before printing anything else. */
  stop(): void;
}

const QUIET: Progress = { update() {}, stop() {} };

/** A bar over `total` units when enabled, else a silent stand-in. */
export function createProgress(enabled: boolean, total: number, unit = 'checks'): Progress {
  if (!enabled || total <= 0) return QUIET;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: ` {bar} {percentage}% | {done}/{total} ${unit} | {label}`,
      hideCursor: true,
      clearOnComplete: true,
      barsize: 30,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { label: '', done: 0 });
  let stopped = false;
  return {
    update(value, label) {
      if (!stopped) bar.update(Math.min(total, value), { label, done: Math.floor(value) });
    },
    stop() {
      if (!stopped) {
        stopped = true;
        bar.stop();
      }
    },
  };
}
