#!/usr/bin/env node
// Entry point: the compiled CLI (dist/, built by `npm run build`, which `npm ci` runs through `prepare`).
let cli;
try {
  cli = await import('../dist/properties/cli.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist/properties/cli.js')) throw e;
  process.stderr.write('covcheck: not built yet: run `npm run build` (or `npm ci`) in the covcheck folder\n');
  process.exit(3);
}
process.exitCode = await cli.run(process.argv.slice(2));
