/**
 * Jest reporter that ends a run with one plain line CI can read:
 * `tests: <n> passed, <n> failed, <n> skipped`, after Jest's own summary.
 * A suite that fails before running any test (syntax error, failing import) counts as one
 * failure, so the line never says 0 failed for a red run.
 */
class TestSummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `tests: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped`;
    // Jest's own summary reporter runs after custom reporters: let it print first.
    setImmediate(() => process.stdout.write(`\n${line}\n`));
  }
}

module.exports = TestSummaryReporter;
