import { defineConfig } from 'vitest/config';

// A tiny run for summary-reporter.test.ts: only these fixtures, only the summary reporter.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['*.fixture.ts'],
    reporters: ['../summary-reporter.ts'],
    maxWorkers: 1,
  },
});
