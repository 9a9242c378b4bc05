// Preload (node --import) that records every module a process loads into the file named by
// COVCHECK_MODULE_LOG, one URL or path a line: ES modules through a resolve hook, CommonJS
// modules (TF.js is CommonJS) from require.cache at exit. Used by test/cli.test.ts to check that
// a command loads only what it needs (`covcheck eval` loads neither TF.js nor the claim registry).
import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';

const log = process.env.COVCHECK_MODULE_LOG;
if (log) {
  register('data:text/javascript,' + encodeURIComponent(`
    import { appendFileSync } from 'node:fs';
    export async function resolve(specifier, context, next) {
      const r = await next(specifier, context);
      appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
      return r;
    }`));
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => appendFileSync(log, Object.keys(cache).join('\n') + '\n'));
}
