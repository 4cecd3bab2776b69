import { defineConfig } from 'vitest/config';

// Two projects: `unit` is pure and fast (core, and module-level tests beside the code);
// `integration` starts real HTTP servers on loopback (emulators, handlers) and drives them
// through the real SDKs. Both run in `npm test`.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'infra/**/*.test.ts'],
          testTimeout: 10_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
