import { vi } from 'vitest';

/** For CLI tests: collects what `main` writes to stdout and stderr (restore with vi.restoreAllMocks). */
export function captureOutput(): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const into = (lines: string[]) => (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(into(out));
  vi.spyOn(process.stderr, 'write').mockImplementation(into(err));
  return { out, err };
}
