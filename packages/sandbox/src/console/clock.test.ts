import { describe, expect, it } from 'vitest';
import { parseAdvance } from './clock';

describe('parseAdvance', () => {
  it('reads minutes, hours, days and weeks, alone or combined', () => {
    expect(parseAdvance('90m')).toBe(90 * 60_000);
    expect(parseAdvance('2h')).toBe(2 * 3_600_000);
    expect(parseAdvance('3d')).toBe(3 * 86_400_000);
    expect(parseAdvance('1w')).toBe(7 * 86_400_000);
    expect(parseAdvance('1d 12h')).toBe(36 * 3_600_000);
  });

  it('refuses anything else', () => {
    for (const text of ['', '0m', '5', 'h', '2x', '1d and 2h', '-3h'])
      expect(parseAdvance(text)).toBeUndefined();
  });
});
