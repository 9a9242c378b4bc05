/**
 * The composition root of the covcheck command: the CLI of src/cli, handed a loader for the claim
 * registry of properties/. src/ never imports properties/; this module (run by bin/covcheck.js
 * from the compiled dist/) joins them. The registry is imported only when a command that runs
 * claims asks for it (verify, replay, compare).
 */
import { main, type CliOverrides } from '../src/cli/main.js';
import type { Registry } from '../src/runner/registry.js';

/** Loads the claim registry (every claim module, on first call). */
export async function loadRegistry(): Promise<Registry> {
  return (await import('./registry.js')).registry;
}

/** Runs covcheck with these arguments and the real registry; returns the exit code. */
export function run(argv: readonly string[], overrides: CliOverrides = {}): Promise<number> {
  return main(argv, { registry: loadRegistry, ...overrides });
}
