/**
 * The composition root of the covcheck command: the CLI of src/cli, handed a loader for the claim
 * registry of properties/. src/ never imports properties/; this module (run by bin/covcheck.js
 * from the compiled dist/) joins them. The registry is imported only when a command that runs
 * claims asks for it (verify, replay, compare).
 */
import { main, type CliOverrides } from '../src/cli/main.js';
import type { Registry } from '../src/runner/registry.js';
import type { CheckSource } from '../src/pool/checkTask.js';

/** Loads the claim registry (every claim module, on first call). */
export async function loadRegistry(): Promise<Registry> {
  return (await import('./registry.js')).registry;
}

/** Where pool workers find the registry's checks (`verify --jobs N`): registry.ts's CHECKS. */
export const REGISTRY_CHECK_SOURCE: CheckSource = { module: new URL('./registry.js', import.meta.url).href, export: 'CHECKS' };

/** Where an isolated child finds the loss checks of a user's plugin (src/pool/pluginChecks.ts). */
export const LOSS_CHECK_SOURCE: CheckSource = { module: new URL('./lossCheckSource.js', import.meta.url).href, export: 'lossChecksOfSpec' };

/** Runs covcheck with these arguments and the real registry; returns the exit code. */
export function run(argv: readonly string[], overrides: CliOverrides = {}): Promise<number> {
  return main(argv, { registry: loadRegistry, checkSource: REGISTRY_CHECK_SOURCE, lossCheckSource: LOSS_CHECK_SOURCE, ...overrides });
}
