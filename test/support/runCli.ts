/**
 * The real CLI in process (main() with every wired command), output captured. The real claim
 * registry is loaded only when a command asks for it; its claims and checks are replaced by
 * `claims`/`checks` (default: none, so no claim runs unless asked). Pass `claims: undefined,
 * checks: undefined` to run the real ones.
 */
import { main, type CliOverrides } from '../../src/cli/main.js';
import { loadRegistry } from '../../properties/cli.js';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function runCli(args: readonly string[], overrides: CliOverrides = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(args, {
    registry: loadRegistry,
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
