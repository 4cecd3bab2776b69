import { afterEach, describe, expect, it } from 'vitest';
import { installProcessClock, realNow } from './process-clock';

describe('installProcessClock', () => {
  let uninstall: (() => void) | undefined;
  afterEach(() => uninstall?.());

  it('moves new Date() and Date.now() with the sandbox clock, and nothing else', () => {
    const offset = 86_400_000;
    uninstall = installProcessClock(() => realNow() + offset);
    // Bracketed by real readings, so no tolerance is needed however busy the machine is.
    const before = realNow();
    const moved = Date.now();
    const created = new Date();
    const after = realNow();
    for (const t of [moved, created.getTime()]) {
      expect(t - offset).toBeGreaterThanOrEqual(before);
      expect(t - offset).toBeLessThanOrEqual(after);
    }
    expect(new Date(0).toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(new Date('2026-03-01T00:00:00Z').getTime()).toBe(Date.UTC(2026, 2, 1));
    expect(new Date(2026, 0, 1).getFullYear()).toBe(2026);
    expect(new Date() instanceof Date).toBe(true);
    expect(Date.parse('2026-03-01T00:00:00Z')).toBe(Date.UTC(2026, 2, 1));
  });

  it('restores the real clock when uninstalled', () => {
    installProcessClock(() => 0)();
    const before = realNow();
    const now = Date.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(realNow());
  });
});
