// Totals over every runner: Vitest's JSON report, plus typecheck and lint counted as one check each.
import fs from 'node:fs';

const [file, typecheck, lint] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
if (fs.existsSync(file)) {
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed += r.numPassedTests ?? 0;
  // A file that failed before running any test (import error, failing hook) counts as one failure.
  const brokenFiles = (r.testResults ?? []).filter(
    (s) => s.status === 'failed' && !(s.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
  failed += (r.numFailedTests ?? 0) + brokenFiles;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // Vitest reports unhandled errors (a misconfigured project, an error outside any test) only as success: false.
  if (r.success === false && failed === 0) {
    console.log('the test run reported errors outside any test (see "Unhandled Errors" above)');
    failed += 1;
  }
  if ((r.numTotalTests ?? 0) === 0) {
    console.log('the test run ran no tests');
    failed += 1;
  }
} else {
  console.log(`no test report at ${file}`);
  failed += 1;
}
for (const [name, code] of [
  ['typecheck', typecheck],
  ['lint', lint],
]) {
  if (code === '0') passed += 1;
  else {
    console.log(`${name} failed (exit ${code})`);
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
