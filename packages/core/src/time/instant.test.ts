import { describe, expect, it } from 'vitest';
import { parseInstant, toInstant } from './instant';

describe('instants in tags', () => {
  it.each([
    ['2026-11-23T15:00:00Z', Date.UTC(2026, 10, 23, 15)],
    ['2026-11-23T15:00:00.000Z', Date.UTC(2026, 10, 23, 15)],
    ['2026-11-23T16:00+01:00', Date.UTC(2026, 10, 23, 15)],
    ['2026-11-23T10:00:00-05:00', Date.UTC(2026, 10, 23, 15)],
  ])('reads %s as an instant', (text, ms) => {
    expect(parseInstant(text)).toBe(ms);
  });

  it.each([
    '2026-11-23',
    '2026-11-23T15:00:00',
    'yesterday',
    '',
    '2026-13-40T99:00:00Z',
    '2026-02-30T10:00:00Z',
    '1700000000',
  ])('refuses %j (no date and time with a zone)', (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });

  it('writes UTC with milliseconds', () => {
    expect(toInstant(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe('2026-01-02T03:04:05.000Z');
  });
});
