import { describe, expect, it } from 'vitest';
import { wallTimeAt } from '../../time/zoned';
import { localDayBounds, sameLocalDay } from './bake-day';

describe('the bake day', () => {
  it('is the UTC calendar day in UTC', () => {
    const b = localDayBounds(Date.parse('2026-11-23T15:00:00Z'), 'UTC');
    expect(new Date(b.start).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(new Date(b.end).toISOString()).toBe('2026-11-24T00:00:00.000Z');
  });

  it("is the schedule zone's calendar day, as instants", () => {
    const b = localDayBounds(Date.parse('2026-11-23T23:30:00Z'), 'Europe/Paris');
    expect(new Date(b.start).toISOString()).toBe('2026-11-23T23:00:00.000Z');
    expect(new Date(b.end).toISOString()).toBe('2026-11-24T23:00:00.000Z');
  });

  it('is 23 hours long on a spring-forward day', () => {
    const b = localDayBounds(Date.parse('2026-03-29T12:00:00Z'), 'Europe/Paris');
    expect(b.end - b.start).toBe(23 * 3_600_000);
  });

  it('starts at the first minute that exists when the zone skips midnight', () => {
    const zone = 'America/Santiago';
    const b = localDayBounds(Date.parse('2026-09-06T15:00:00Z'), zone);
    expect(wallTimeAt(b.start, zone)).toMatchObject({ year: 2026, month: 9, day: 6 });
    expect(wallTimeAt(b.start - 60_000, zone)).toMatchObject({ year: 2026, month: 9, day: 5 });
    expect(wallTimeAt(b.end, zone)).toMatchObject({ year: 2026, month: 9, day: 7 });
    expect(wallTimeAt(b.end - 60_000, zone)).toMatchObject({ year: 2026, month: 9, day: 6 });
  });

  it('compares instants across the zone boundary', () => {
    const zone = 'America/New_York';
    expect(sameLocalDay(Date.parse('2026-11-24T04:00:00Z'), Date.parse('2026-11-23T06:00:00Z'), zone)).toBe(
      true,
    );
    expect(sameLocalDay(Date.parse('2026-11-24T06:00:00Z'), Date.parse('2026-11-24T04:00:00Z'), zone)).toBe(
      false,
    );
    expect(sameLocalDay(Date.parse('2026-11-24T06:00:00Z'), Date.parse('2026-11-24T04:00:00Z'), 'UTC')).toBe(
      true,
    );
  });
});
