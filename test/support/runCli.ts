/**
 * The real CLI in process (main() with every wired command), output captured. Registry checks are
 * replaced by `checks`/`claims` when given (default: none, so no claim runs unless asked).
 */
import { main, type CliOverrides } from '../../src/cli/main.js';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function runCli(args: readonly string[], overrides: CliOverrides = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(args, {
    claims: [],
    checks: [],
    stderrIsTTY: false,
    env: { CI: 'true' },
    version: '0.0.0-test',
    ...overrides,
    stdout: { write: (s: string) => void (out += s) },
    stderr: { write: (s: string) => void (err += s) },
  });
  return { code, out, err };
}
