import { vi } from 'vitest';

/**
 * Collects what the CLI writes to stdout and stderr while a test drives `main` in process.
 * Undo with `vi.restoreAllMocks()`.
 */
export function captureOutput(): { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  const into = (lines: string[]) => (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(into(out));
  vi.spyOn(process.stderr, 'write').mockImplementation(into(err));
  return { out: () => out.join(''), err: () => err.join('') };
}
