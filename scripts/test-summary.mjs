// Adds up the vitest JSON reports that `pnpm test:all` leaves in each package and prints
// one closing line, `N passed, N failed, N skipped`, so a reader (or CI) sees at a glance
// how many tests ran. Exits 1 when a report counts a failure or no test ran at all.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const folders = [
  ...readdirSync(join(root, 'packages')).map((name) => join(root, 'packages', name)),
  ...readdirSync(join(root, 'tooling')).map((name) => join(root, 'tooling', name)),
  join(root, 'integration-tests'),
];
const totals = { passed: 0, failed: 0, skipped: 0 };
for (const folder of folders) {
  for (const file of ['vitest-report.json', 'vitest-int-report.json']) {
    const path = join(folder, file);
    if (!existsSync(path)) continue;
    const report = JSON.parse(readFileSync(path, 'utf8'));
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests;
    totals.skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  }
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
if (totals.failed > 0 || totals.passed === 0) process.exit(1);
