import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Two projects: `unit` is pure and fast (core, and module-level tests beside the code);
// `integration` starts real HTTP servers on loopback (emulators, handlers) and drives them
// through the real SDKs. Both run in `npm test`.
export default defineConfig({
  test: {
    // Most integration tests wait on loopback I/O and emulator timers rather than compute, so two
    // workers per core keep the CPUs busy: on 2 cores the suite takes ~70 s instead of ~120 s.
    maxWorkers: Math.max(2, availableParallelism() * 2),
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Timeouts below only catch a hang; they are not speed checks (those live in `npm run bench`).
    // Eight test runs may share two cores, so they are set far above any normal duration.
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'infra/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          // Checks every EC2 emulator response a test file provokes against the EC2 model.
          setupFiles: ['./packages/sandbox/test/ec2/shape-check.setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
