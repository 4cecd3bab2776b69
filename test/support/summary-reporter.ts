import { performance } from 'node:perf_hooks';
import type { Reporter, SerializedError, TestModule, TestRunEndReason, TestSuite } from 'vitest/node';

/**
 * CI reads one plain closing line, `N passed, N failed[, N skipped]`, as the very last line, and
 * trusts it as much as the exit code, so the two must never disagree. Vitest fails a run for more
 * than failed test cases: a file that cannot load, a `beforeAll`/`afterAll` that throws (its tests
 * are then reported as skipped), an unhandled error. Each of those counts as one failure here.
 */
export default class SummaryReporter implements Reporter {
  #startedAt = performance.now();

  onInit(): void {
    this.#startedAt = performance.now();
  }

  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      // Errors are attached where they happened (load or collection: the module; a hook: its suite).
      const containers: Array<TestModule | TestSuite> = [mod, ...mod.children.allSuites()];
      for (const container of containers) if (container.errors().length > 0) failed++;
    }
    // Whatever else made Vitest fail the run (no test files, an interrupted run) is one failure more,
    // so the line never reads "0 failed" above a non-zero exit.
    if (reason !== 'passed' && failed === 0) failed = 1;
    // And the other way round: a failure counted here fails the run even if Vitest let it pass.
    if (failed > 0) process.exitCode = 1;
    const seconds = ((performance.now() - this.#startedAt) / 1000).toFixed(1);
    const tail = skipped > 0 ? `, ${skipped} skipped` : '';
    process.stdout.write(`\nSuite wall time: ${seconds} s\n${passed} passed, ${failed} failed${tail}\n`);
  }
}
