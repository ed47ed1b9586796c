// Sums vitest's JSON reports (one per package) into the single line CI reads:
// `tests: N passed, N failed`. A package with a test script but no report (its build or test run
// crashed) counts as one failure. Exits non-zero when anything failed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
for (const group of ['packages', 'apps']) {
  if (!existsSync(group)) continue;
  for (const name of readdirSync(group)) {
    const dir = join(group, name);
    const pkgFile = join(dir, 'package.json');
    if (!existsSync(pkgFile) || !JSON.parse(readFileSync(pkgFile, 'utf8')).scripts?.test) continue;
    const file = join(dir, 'test-results.json');
    if (!existsSync(file)) {
      console.error(`${dir}: no test report (its build or test run failed before vitest reported)`);
      failed++;
      continue;
    }
    const r = JSON.parse(readFileSync(file, 'utf8'));
    passed += r.numPassedTests ?? 0;
    failed += r.numFailedTests ?? 0;
    // A test file that failed to load has no tests of its own but must still fail CI.
    const brokenFiles = (r.testResults ?? []).filter(
      (f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0,
    ).length;
    failed += brokenFiles;
    if (r.success === false && (r.numFailedTests ?? 0) === 0 && brokenFiles === 0) failed++;
  }
}
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
