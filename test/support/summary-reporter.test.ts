import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const fixtures = join(import.meta.dirname, 'reporter-fixtures');
const vitestBin = join(import.meta.dirname, '../../node_modules/vitest/vitest.mjs');

/** Runs Vitest on some fixture files with only the summary reporter; returns its lines and exit code. */
async function vitestOn(...files: string[]): Promise<{ lines: string[]; exitCode: number }> {
  const args = [vitestBin, 'run', '--config', join(fixtures, 'vitest.config.ts'), ...files];
  const options = { cwd: fixtures, env: { ...process.env, CI: 'true', NO_COLOR: '1' } };
  try {
    const { stdout } = await run(process.execPath, args, options);
    return { lines: stdout.trimEnd().split('\n'), exitCode: 0 };
  } catch (error) {
    const failed = error as { stdout: string; code: number };
    return { lines: failed.stdout.trimEnd().split('\n'), exitCode: failed.code };
  }
}

// Each case starts a whole Vitest run: a generous hang guard, since 8 runs may share 2 cores.
describe('the closing line of a test run', { timeout: 120_000 }, () => {
  it('counts a failed test case, a file that cannot load and a setup hook that throws, and exits 1', async () => {
    const { lines, exitCode } = await vitestOn();
    expect(lines.at(-1)).toBe('1 passed, 3 failed, 2 skipped');
    expect(exitCode).toBe(1);
  });

  it('reads 0 failed when the run exits 0, below the suite wall time', async () => {
    const { lines, exitCode } = await vitestOn('passes.fixture.ts');
    expect(lines.at(-1)).toBe('1 passed, 0 failed');
    expect(lines.at(-2)).toMatch(/^Suite wall time: \d+\.\d s$/);
    expect(exitCode).toBe(0);
  });
});
