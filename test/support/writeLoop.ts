/**
 * A second process for test/gate-files.test.ts: writes run folders into one report folder in a
 * loop (argv: reportDir, tag, count), alternating between a shared run name and its own.
 */
import { writeRunFolder } from '../../src/report/write.js';

const [reportDir, tag, count] = process.argv.slice(2);
for (let i = 0; i < Number(count); i++) {
  const name = i % 2 === 0 ? 'verify-shared' : `verify-${tag}`;
  await writeRunFolder(reportDir!, name, { 'report.json': `{"i": ${i}}\n`, 'plots/a.svg': '<svg/>', 'junit.xml': '<x/>' }, { command: 'verify' });
}
